"""Galaxy's import of the built tarball (`make galaxy-import`, part of `make test`).

galaxy-importer is what Galaxy runs on an upload: it loads every module's documentation through ansible-doc, every
role's README and argument spec, the changelog, and runs ansible-lint (production profile) on the collection. Here it
runs on build/hybridops-ecs_anywhere-<version>.tar.gz (`make build`) with ansible-lint on and offline and ansible-test
off (tests/galaxy/galaxy-importer.cfg). The import must complete, and every WARNING or ERROR line it prints fails this
test, except the ones `classify` can prove come from the importer's own environment rather than from the collection.
"""

import json
import os
import re
import subprocess
import sys
import tarfile
from collections import namedtuple
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
OUT = BUILD / "galaxy-import"
CONFIG = REPO / "tests" / "galaxy" / "galaxy-importer.cfg"
GALAXY = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))
FQCN = f"{GALAXY['namespace']}.{GALAXY['name']}"
TARBALL = BUILD / f"{GALAXY['namespace']}-{GALAXY['name']}-{GALAXY['version']}.tar.gz"

# galaxy-importer logs at WARNING and ERROR as "LEVEL: message" (ansible-lint's findings and its stderr errors included).
PROBLEM = re.compile(r"^(WARNING|ERROR|CRITICAL): ")
# galaxy-importer gives ansible-lint ANSIBLE_COLLECTIONS_PATH=<tmp>/ansible_collections (the directory itself, not the
# one above it), and ansible-lint looks for an imported collection playbook at <path>/ansible_collections/<ns>/<name>/
# playbooks/: so every `import_playbook: <our fqcn>.<playbook>` (the AWX wrappers in awx/) is "not found" there, while
# ansible-core finds it. Only a playbook that the tarball does hold is excused.
MISSING_PLAYBOOK = re.compile(r"^WARNING: ERROR +Failed to find (?P<collection>\w+\.\w+)\.(?P<playbook>\w+) playbook\.$")
Imported = namedtuple("Imported", "returncode lines members result")


def classify(lines, members):
    """(problems, excused): the WARNING/ERROR lines that come from the collection, and those that come from the importer.

    members: the names in the tarball.
    """
    problems, excused = [], []
    for line in lines:
        if not PROBLEM.match(line):
            continue
        missing = MISSING_PLAYBOOK.match(line)
        if missing and missing["collection"] == FQCN:
            playbook = missing["playbook"]
            if {f"playbooks/{playbook}.yml", f"playbooks/{playbook}.yaml"} & set(members):
                excused.append(line)
                continue
        problems.append(line)
    return problems, excused


@pytest.mark.parametrize("line, problem", [
    ("WARNING: ERROR    Failed to find hybridops.ecs_anywhere.onboard playbook.", False),
    ("WARNING: ERROR    Failed to find hybridops.ecs_anywhere.absent playbook.", True),
    ("WARNING: ERROR    Failed to find community.general.onboard playbook.", True),
    ("WARNING: roles/ecs_agent/tasks/main.yml:3: name[casing]: All names should start with an uppercase letter.", True),
    ("ERROR: The import failed for the following reason: No role readme found.", True),
    ("WARNING: No changelog found.", True),
    ("Loading role ecs_agent", False),
    ("Importer processing completed successfully", False),
])
def test_classify(line, problem):
    problems, excused = classify([line], ["playbooks/onboard.yml"])
    assert bool(problems) == problem
    assert bool(excused) == (line.startswith("WARNING: ERROR") and not problem)


@pytest.fixture(scope="module")
def imported():
    """galaxy-importer's log lines and result on the built tarball."""
    if not TARBALL.is_file():
        pytest.fail(f"{TARBALL.relative_to(REPO)} is missing: `make galaxy-import` builds it first (make build)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tmp").mkdir(exist_ok=True)
    result_file = OUT / "importer_result.json"
    result_file.unlink(missing_ok=True)
    bin_dir = str(Path(sys.executable).parent)
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        GALAXY_IMPORTER_CONFIG=str(CONFIG),
        GALAXY_IMPORTER_TMP_ROOT_DIR=str(OUT / "tmp"),
        GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=str(OUT / "tmp"),
        ANSIBLE_NOCOLOR="1",
    )
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)  # the importer points ansible at its own copy
    process = subprocess.run(
        [sys.executable, "-m", "galaxy_importer.main", str(TARBALL)],
        cwd=OUT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    log = process.stdout + process.stderr
    (OUT / "importer.log").write_text(log, encoding="utf-8")
    with tarfile.open(TARBALL) as tar:
        members = tar.getnames()
    result = json.loads(result_file.read_text(encoding="utf-8")) if result_file.is_file() else None
    return Imported(process.returncode, log.splitlines(), members, result)


def test_import_completes(imported):
    tail = "\n".join(imported.lines[-30:])
    assert imported.returncode == 0, tail
    assert "Importer processing completed successfully" in imported.lines, tail
    assert imported.result is not None


def test_no_warning_from_the_collection(imported):
    problems, excused = classify(imported.lines, imported.members)
    assert not problems, "galaxy-importer (build/galaxy-import/importer.log):\n" + "\n".join(problems)
    # What is excused is the importer's path handling (see MISSING_PLAYBOOK): one line per AWX wrapper at most.
    assert len(excused) <= len(list((REPO / "awx").glob("*.yml")))


def test_every_module_documented_and_every_role_has_a_readme(imported):
    contents = imported.result["docs_blob"]["contents"]
    modules = {path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if path.stem != "__init__"}
    roles = {path.name for path in (REPO / "roles").iterdir() if path.is_dir()}
    documented = {c["content_name"] for c in contents if c["content_type"] == "module" and c["doc_strings"]}
    with_readme = {c["content_name"] for c in contents if c["content_type"] == "role" and c["readme_html"]}
    assert documented == modules
    assert with_readme == roles
    assert imported.result["docs_blob"]["collection_readme"]["html"]
