"""Every module's RETURN documents every key: ``contains`` for dicts and lists of dicts, a ``sample`` for each leaf, all in
snake_case, the casing the modules return (results.snake_case_result)."""

import ast
from pathlib import Path

import pytest
import yaml

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import KEEP_KEYS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import snake_case_key

MODULES = sorted((Path(__file__).resolve().parents[4] / "plugins" / "modules").glob("*.py"))
# Dicts whose keys are data (tag keys, attribute names, resource names): documented by a sample, not by ``contains``.
DATA_KEYED = {snake_case_key(key) for key in KEEP_KEYS}


def documentation(path):
    """A module's RETURN, read without importing the module. (No RETURN doc fragments: ansible-doc before 2.20 cannot
    read them, which make matrix showed.)"""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "RETURN" for target in node.targets):
            return yaml.safe_load(node.value.value)
    return None


def problems(entries, path=""):
    """``key.path: what is missing`` for every entry of a RETURN (or of a ``contains``) that is not fully documented."""
    found = []
    for key, entry in (entries or {}).items():
        where = f"{path}.{key}" if path else key
        if snake_case_key(key) != key:
            found.append(f"{where}: not snake_case")
        kind = entry.get("type")
        nested = kind in ("dict", "complex") or (kind == "list" and entry.get("elements") in ("dict", "complex"))
        if nested and key not in DATA_KEYED:
            if not entry.get("contains"):
                found.append(f"{where}: a {kind} without contains")
            found.extend(problems(entry.get("contains"), where))
        elif "sample" not in entry:
            found.append(f"{where}: no sample")
    return found


@pytest.mark.parametrize("path", MODULES, ids=[path.stem for path in MODULES])
def test_every_returned_key_is_documented(path):
    assert problems(documentation(path)) == [], f"{path.stem}: RETURN is incomplete"


def test_the_walk_names_what_is_missing():
    entries = {"cluster": {"type": "dict"}, "tasks": {"type": "list", "elements": "dict", "contains": {"taskArn": {"type": "str"}}},
               "tags": {"type": "dict", "sample": {"A": "b"}}, "names": {"type": "list", "elements": "str"}}
    assert problems(entries) == ["cluster: a dict without contains", "tasks.taskArn: not snake_case", "tasks.taskArn: no sample", "names: no sample"]
