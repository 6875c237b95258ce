"""tests/sanity/run.py: a Python it should check and cannot find fails the run by name, before the long run starts."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_sanity(tmp_path, *args):
    """run.py with no pyenv (an empty home) and a PATH of this venv alone: no other Python is to be found."""
    env = {"HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([sys.executable, str(HERE / "run.py"), *args], env=env, capture_output=True, text=True, check=False,
                          timeout=120)


def test_a_missing_python_fails_the_run_naming_it(tmp_path):
    done = run_sanity(tmp_path)
    assert done.returncode != 0
    from ansible_test._util.target.common.constants import REMOTE_ONLY_PYTHON_VERSIONS  # pylint: disable=import-outside-toplevel

    oldest = REMOTE_ONLY_PYTHON_VERSIONS[0]
    assert f"sanity: no interpreter for Python {oldest}," in done.stderr
    assert not (tmp_path / ".ansible").exists()  # it failed before ansible-test started


def test_newer_pythons_than_this_machine_has_are_said_to_be_untested(tmp_path):
    from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS  # pylint: disable=import-outside-toplevel

    newer = [version for version in CONTROLLER_PYTHON_VERSIONS if tuple(map(int, version.split("."))) > (3, 13)]
    done = run_sanity(tmp_path)
    for version in newer:
        assert f"sanity: Python {version} is not tested here" in done.stdout
        assert version not in done.stderr


def test_a_test_skipped_for_a_missing_program_fails_the_run(tmp_path):
    """ansible-test only warns when shellcheck is missing; run.py makes that a failure naming the program."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    script = fake_bin / "ansible-test"
    script.write_text("#!/bin/sh\necho 'WARNING: Required program \"shellcheck\" not found.'\nexit 0\n")
    script.chmod(0o755)
    sys.path.insert(0, str(HERE))
    try:
        import run  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    assert run.run_ansible_test([str(script)], {"PATH": "/usr/bin:/bin"}, cwd=tmp_path) == 1
