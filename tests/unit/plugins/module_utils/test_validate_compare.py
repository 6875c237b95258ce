"""validate: model-driven coercion and errors that name the path; compare: one walk for changed and diff."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import differences
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import sort_set_like
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import strip_empty
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import coerce
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import validate

ECS = botocore.session.get_session().get_service_model("ecs")
REGISTER = ECS.operation_model("RegisterTaskDefinition").input_shape
CREATE_SERVICE = ECS.operation_model("CreateService").input_shape


def task(**container):
    return {"family": "web", "containerDefinitions": [dict({"name": "web", "image": "nginx"}, **container)]}


@pytest.mark.parametrize(
    "given, expected",
    [
        (task(cpu="128"), task(cpu=128)),
        (task(memory=" 512 "), task(memory=512)),
        (dict(task(), cpu=256, memory=512), dict(task(), cpu="256", memory="512")),
        (task(essential="true"), task(essential=True)),
        (task(portMappings=[{"containerPort": "80", "hostPort": "8080"}]), task(portMappings=[{"containerPort": 80, "hostPort": 8080}])),
        (task(environment=[{"name": "PORT", "value": 80}]), task(environment=[{"name": "PORT", "value": "80"}])),
        # Not lossless, so left for validation to name.
        (task(cpu="a lot"), task(cpu="a lot")),
        (task(essential="yes"), task(essential="yes")),
        # A field the model does not know is kept for validation to name.
        (task(bogus="1"), task(bogus="1")),
    ],
)
def test_coerce(given, expected):
    assert coerce(given, REGISTER) == expected


@pytest.mark.parametrize(
    "request_, shape, expected",
    [
        (task(cpu="a lot"), REGISTER, ["containerDefinitions[0].cpu: expected an integer, got 'a lot'"]),
        (
            {
                "family": "web",
                "containerDefinitions": [
                    {"name": "a", "image": "b"},
                    {"name": "c", "image": "d", "portMappings": [{"containerPort": "http"}]},
                ],
            },
            REGISTER,
            ["containerDefinitions[1].portMappings[0].containerPort: expected an integer, got 'http'"],
        ),
        ({"containerDefinitions": []}, REGISTER, ["family: is required"]),
        (task(bogus=1), REGISTER, ["containerDefinitions[0].bogus: unknown field, expected one of"]),
        (dict(task(), networkMode="wormhole"), REGISTER, ["networkMode: expected one of bridge, host, awsvpc, none, got 'wormhole'"]),
        ({"serviceName": "s", "launchType": "external"}, CREATE_SERVICE, ["launchType: expected one of EC2, FARGATE, EXTERNAL"]),
    ],
)
def test_validate_names_the_path(request_, shape, expected):
    with pytest.raises(RequestValidationError) as caught:
        validate(request_, shape)
    assert len(caught.value.errors) == len(expected)
    for message, start in zip(caught.value.errors, expected):
        assert message.startswith(start)


def test_validate_prefix_and_valid_request():
    validate(dict(task(cpu=128), requiresCompatibilities=["EXTERNAL"], networkMode="bridge"), REGISTER)
    with pytest.raises(RequestValidationError, match=r"^definition\.containerDefinitions\[0\]\.memory: expected an integer"):
        validate(task(memory="lots"), REGISTER, prefix="definition")


@pytest.mark.parametrize(
    "desired, current, subset, expected",
    [
        ({"a": 1}, {"a": 1}, False, []),
        ({"a": 1}, {"a": 2}, False, ["a"]),
        ({"a": 1}, {"a": 1, "b": 2}, False, ["b"]),
        ({"a": 1}, {"a": 1, "b": 2}, True, []),
        ({"a": {"x": 1}}, {"a": {"x": 1, "y": 2}}, True, []),
        ({"env": [{"name": "A", "value": "1"}]}, {"env": [{"name": "A", "value": "2"}]}, False, ["env[0].value"]),
        ({"l": [1, 2]}, {"l": [1, 2, 3]}, True, ["l"]),
        ({"a": None}, {}, True, ["a"]),
    ],
)
def test_differences(desired, current, subset, expected):
    assert differences(desired, current, subset=subset) == expected


def test_strip_empty_and_sort_set_like():
    value = {"a": None, "b": [], "c": {}, "d": {"e": [], "f": 1}, "env": [{"name": "B"}, {"name": "A"}], "cmd": ["z", "a"]}
    assert sort_set_like(strip_empty(value), {"env"}) == {"d": {"f": 1}, "env": [{"name": "A"}, {"name": "B"}], "cmd": ["z", "a"]}
