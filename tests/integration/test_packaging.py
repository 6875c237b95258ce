"""The collection as users get it: a Galaxy tarball that installs offline, and its modules listed by ansible-doc."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODULES = sorted(path.stem for path in (REPO / "plugins" / "modules").glob("*.py"))


def run(*command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)


def test_tarball_installs_offline_and_lists_modules(tmp_path):
    run(str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(REPO))
    tarball = tmp_path / "hybridops-ecs_anywhere-0.1.0.tar.gz"
    assert tarball.is_file()
    target = tmp_path / "collections"
    # --no-deps and an unreachable server: nothing is fetched.
    run(str(BIN / "ansible-galaxy"), "collection", "install", "--force", "--no-deps", "-p", str(target), str(tarball),
        "--server", "http://127.0.0.1:9")
    installed = target / "ansible_collections" / "hybridops" / "ecs_anywhere"
    assert (installed / "meta" / "runtime.yml").is_file()
    assert not (installed / ".venv").exists() and not (installed / "build").exists()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(target))
    listed = json.loads(run(str(BIN / "ansible-doc"), "-l", "-j", "hybridops.ecs_anywhere", env=env).stdout)
    assert sorted(name.rsplit(".", 1)[1] for name in listed) == MODULES


def test_execution_environment_builds_a_context_with_the_collections_and_their_python(tmp_path):
    """execution-environment.yml through `ansible-builder create` (no image is built: that needs a registry and Galaxy)."""
    context = tmp_path / "context"
    run(str(BIN / "ansible-builder"), "create", "-f", str(REPO / "execution-environment.yml"), "-c", str(context),
        "--output-filename", "Containerfile")
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "requirements.yml" in containerfile
    assert (context / "_build" / "requirements.yml").read_text() == (REPO / "awx" / "collections" / "requirements.yml").read_text()
    # What ansible-builder does inside the build: read each installed collection's meta/execution-environment.yml.
    introspected = run(str(BIN / "python"), str(context / "_build" / "scripts" / "introspect.py"), "introspect",
                       str(REPO / "build" / "collections")).stdout
    assert "boto3>=1.40.42  # from collection hybridops.ecs_anywhere" in introspected
    assert "botocore>=1.40.42  # from collection hybridops.ecs_anywhere" in introspected
