"""The collection's documentation as the ecosystem's tools read it (`make docs-lint`, part of `make test`).

antsibull-docs' lint checks every module's and role's documentation: schema, markup, links to modules, roles, options
and return values. It says nothing about a role or module that ansible-doc could not load at all (it just leaves it
out), so ansible-doc's own list is compared with the files.
"""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FQCN = "hybridops.ecs_anywhere"
ENV = dict(
    os.environ,
    ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"),
    PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    ANSIBLE_NOCOLOR="1",
    # antsibull-docs copies each dependency (amazon.aws) with `git ls-files` when git says it is inside a work tree; the
    # venv's site-packages is inside this repository's (ignored), so the copy would be empty. git stops looking here.
    GIT_CEILING_DIRECTORIES=sysconfig.get_paths()["purelib"],
)


def test_antsibull_docs_lint_has_no_error():
    process = subprocess.run(
        [str(BIN / "antsibull-docs"), "lint-collection-docs", "--plugin-docs", "."],
        cwd=REPO, env=ENV, capture_output=True, text=True, timeout=600, check=False,
    )
    output = (process.stdout + process.stderr).strip()
    assert process.returncode == 0 and not output, output


def test_ansible_doc_loads_every_module_and_role():
    process = subprocess.run(
        [str(BIN / "ansible-doc"), "--metadata-dump", "--no-fail-on-errors", FQCN],
        cwd=REPO, env=ENV, capture_output=True, text=True, timeout=600, check=True,
    )
    dump = json.loads(process.stdout)["all"]
    modules = {path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if path.stem != "__init__"}
    roles = {path.name for path in (REPO / "roles").iterdir() if (path / "meta" / "argument_specs.yml").is_file()}
    loaded_modules = {name.rpartition(".")[2] for name, doc in dump.get("module", {}).items() if doc.get("doc")}
    loaded_roles = {name.rpartition(".")[2] for name, doc in dump.get("role", {}).items() if doc.get("entry_points")}
    assert loaded_modules == modules, process.stderr
    assert loaded_roles == roles, process.stderr
    # Every entry point has a description: antsibull-docs renders one without it as a malformed page.
    for name, doc in dump["role"].items():
        for entry_point, spec in doc["entry_points"].items():
            assert spec.get("short_description") and spec.get("description"), f"{name} entry point {entry_point}"
