"""A guard for the next module: everything a module of this collection needs besides its own file is there.

An AWS module (one built on amazon.aws's AnsibleAWSModule through the runner) needs its action plugin stub (the
in-controller path, plugins/action/<module>.py), its rules table in module_utils/rules.py, its entry in the action group
of meta/runtime.yml (module_defaults), and every module a row in README's module table. IAM: docs/iam-policy.json covers
what the playbooks call, checked by the end-to-end tests (tests/playbooks).
"""

import ast
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if path.stem != "__init__")


def source(module):
    return (REPO / "plugins" / "modules" / f"{module}.py").read_text()


def is_aws_module(module):
    return "module_utils.runner import run" in source(module)


AWS_MODULES = [module for module in MODULES if is_aws_module(module)]


def test_the_modules_are_found():
    assert "ecs_cluster" in AWS_MODULES and "gpg_verify" in MODULES and "gpg_verify" not in AWS_MODULES


@pytest.mark.parametrize("module", AWS_MODULES)
def test_an_aws_module_has_its_action_plugin_stub(module):
    stub = REPO / "plugins" / "action" / f"{module}.py"
    assert stub.is_file(), f"{module}: plugins/action/{module}.py is missing (copy another module's stub)"
    classes = [node for node in ast.parse(stub.read_text()).body if isinstance(node, ast.ClassDef)]
    assert [(node.name, [base.id for base in node.bases]) for node in classes] == [("ActionModule", ["InControllerAction"])]


def test_every_action_plugin_is_a_module_of_ours():
    stubs = {path.stem for path in (REPO / "plugins" / "action").glob("*.py") if path.stem != "__init__"}
    assert stubs == set(AWS_MODULES)


@pytest.mark.parametrize("module", AWS_MODULES)
def test_an_aws_module_checks_its_options_with_its_rules_table(module):
    table = f"{module.upper()}_RULES"
    assert re.search(rf"^{table} = ", (REPO / "plugins" / "module_utils" / "rules.py").read_text(), re.MULTILINE), \
        f"{module}: module_utils/rules.py has no {table}"
    assert f"import {table}" in source(module), f"{module}: does not use {table}"


def test_the_action_group_lists_every_aws_module():
    group = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())["action_groups"]["aws"]
    assert sorted(entry for entry in group if isinstance(entry, str)) == AWS_MODULES


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_its_readme_row(module):
    assert re.search(rf"^\| (module )?`hybridops\.ecs_anywhere\.{module}` \|", (REPO / "README.md").read_text(), re.MULTILINE), \
        f"{module}: no row in README.md's module table"
