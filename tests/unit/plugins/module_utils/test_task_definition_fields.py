"""The task definition's field table names fields of RegisterTaskDefinition's model, with types its defaults fit."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_fields import FIELDS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_fields import apply_defaults
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_fields import sort_set_like

SHAPE = botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
PYTHON_TYPES = {"boolean": bool, "integer": int, "string": str, "structure": dict}


def shape_at(path):
    shape = SHAPE
    for segment in path.replace("[]", ".[]").split("."):
        if segment == "[]":
            assert shape.type_name == "list", path
            shape = shape.member
        else:
            assert segment in shape.members, path
            shape = shape.members[segment]
    return shape


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.path)
def test_every_row_is_a_field_of_the_model(field):
    shape = shape_at(field.path)
    assert (field.how is None) == (field.aws_default is None), field
    if field.set_like:
        assert shape.type_name == "list", field
    if field.aws_default is not None:
        assert field.how in ("fill", "drop"), field
        assert isinstance(field.aws_default, PYTHON_TYPES[shape.type_name]), field


@pytest.mark.parametrize(
    "given, expected",
    [
        ({}, {}),
        ({"containerDefinitions": [{"name": "a", "privileged": False, "portMappings": [{"containerPort": 80}]}]},
         {"containerDefinitions": [{"name": "a", "essential": True, "cpu": 0, "portMappings": [{"containerPort": 80, "protocol": "tcp"}]}]}),
        # iam filled in, then an authorization config that says only that is none
        ({"volumes": [{"name": "v", "efsVolumeConfiguration": {"fileSystemId": "fs", "authorizationConfig": {}}}]},
         {"volumes": [{"name": "v", "efsVolumeConfiguration": {"fileSystemId": "fs", "rootDirectory": "/", "transitEncryption": "DISABLED"}}]}),
        ({"containerDefinitions": "not a list"}, {"containerDefinitions": "not a list"}),
    ],
)
def test_apply_defaults(given, expected):
    assert apply_defaults(given) == expected


def test_sort_set_like_sorts_inner_lists_first_and_keeps_argv():
    definition = {
        "containerDefinitions": [
            {"name": "b", "command": ["z", "a"], "linuxParameters": {"tmpfs": [{"containerPath": "/t", "mountOptions": ["rw", "exec"]}]}},
            {"name": "a", "environment": [{"name": "Y"}, {"name": "X"}]},
        ]
    }
    sorted_ = sort_set_like(definition)
    assert [container["name"] for container in sorted_["containerDefinitions"]] == ["a", "b"]
    assert sorted_["containerDefinitions"][0]["environment"] == [{"name": "X"}, {"name": "Y"}]
    assert sorted_["containerDefinitions"][1]["command"] == ["z", "a"]
    assert sorted_["containerDefinitions"][1]["linuxParameters"]["tmpfs"][0]["mountOptions"] == ["exec", "rw"]
