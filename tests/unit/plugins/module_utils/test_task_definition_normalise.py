"""The task definition normaliser against recorded DescribeTaskDefinition responses.

Each fixture pair under tests/unit/fixtures/task_definitions/ is a request as a user writes it
(``<name>.request.json``) and what DescribeTaskDefinition returned for it (``<name>.describe.json``).
A case edits one side and states the paths that must differ; ``[]`` means no new revision.
"""

import copy
import json
from pathlib import Path

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import merge_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import normalise
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import parse_reference
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import request_from_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import revisions_to_deregister
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import differences
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "task_definitions"
SHAPE = botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
NAMES = sorted(path.name.split(".")[0] for path in FIXTURES.glob("*.describe.json"))


def load(name, kind):
    return json.loads((FIXTURES / f"{name}.{kind}.json").read_text())


def container(definition, name):
    return next(item for item in definition["containerDefinitions"] if item["name"] == name)


# Edits: each takes a task definition (request or taskDefinition), or a container, and changes it in place.
def edit_container(name, change):
    def edit(definition):
        change(container(definition, name))

    return edit


def delete(key):
    def edit(mapping):
        del mapping[key]

    return edit


def reverse(key):
    def edit(mapping):
        mapping[key].reverse()

    return edit


def env_value(var, value):
    def edit(item):
        next(pair for pair in item["environment"] if pair["name"] == var)["value"] = value

    return edit


def each_port(change):
    def edit(item):
        for mapping in item["portMappings"]:
            change(mapping)

    return edit


def paste_describe_output(definition):
    # A user pasted `aws ecs describe-task-definition --query taskDefinition` as the definition.
    definition.clear()
    definition.update(load("fargate_web", "describe")["taskDefinition"])


def keep(_definition):
    pass


CASES = [
    # fixture, edit of the request, edit of the response, paths that must differ
    # -- what community.aws gets wrong --
    ("fargate_web", edit_container("web", lambda c: c["portMappings"][0].pop("protocol")), keep, []),
    ("external_bridge", edit_container("web", env_value("WORKERS", "8")), keep, ["containerDefinitions[1].environment[2].value"]),
    ("external_bridge", edit_container("web", lambda c: c.update(cpu="128", memory="256")), keep, []),
    # -- AWS's defaults and its way of returning things --
    ("fargate_web", keep, keep, []),
    ("fargate_web", lambda d: d.update(cpu=256, memory=512), keep, []),
    ("fargate_web", lambda d: d.update(cpu=".25 vCPU", memory="0.5 GB"), keep, []),
    ("fargate_web", edit_container("web", delete("essential")), keep, []),
    ("fargate_web", edit_container("web", lambda c: c["portMappings"][0].update(hostPort="80")), keep, []),
    ("fargate_web", lambda d: d.update(tags=[{"key": "team", "value": "web"}]), keep, []),
    ("fargate_web", paste_describe_output, keep, []),
    ("external_bridge", keep, keep, []),
    ("external_bridge", edit_container("web", reverse("environment")), keep, []),
    ("external_bridge", edit_container("web", reverse("secrets")), keep, []),
    ("external_bridge", edit_container("web", reverse("ulimits")), keep, []),
    ("external_bridge", reverse("containerDefinitions"), keep, []),
    ("external_bridge", reverse("volumes"), keep, []),
    ("external_bridge", delete("networkMode"), keep, []),
    ("external_bridge", edit_container("web", each_port(lambda m: m.setdefault("hostPort", 0))), keep, []),
    ("external_bridge", edit_container("web", lambda c: c["healthCheck"].update(interval=30, retries="3")), keep, []),
    ("external_bridge", edit_container("web", lambda c: c["dockerLabels"].update({"com.example.site": "edge"})), keep, []),
    ("ec2_host_efs", keep, keep, []),
    ("ec2_host_efs", lambda d: d["volumes"][0]["efsVolumeConfiguration"].update(rootDirectory="/"), keep, []),
    ("ec2_host_efs", edit_container("exporter", lambda c: c.update(readonlyRootFilesystem=False, versionConsistency="enabled")), keep, []),
    ("ec2_minimal", keep, keep, []),
    ("ec2_minimal", keep, delete("networkMode"), []),
    ("ec2_minimal", edit_container("wordpress", lambda c: c.update(environment=[], mountPoints=[], volumesFrom=[])), keep, []),
    # -- real changes, each must be seen --
    ("fargate_web", edit_container("web", lambda c: c["portMappings"].append({"containerPort": 443})), keep, ["containerDefinitions[0].portMappings"]),
    ("fargate_web", edit_container("web", lambda c: c.update(image=c["image"].replace("latest", "v2"))), keep, ["containerDefinitions[0].image"]),
    ("fargate_web", edit_container("web", lambda c: c.update(environment=[{"name": "A", "value": "1"}])), keep, ["containerDefinitions[0].environment"]),
    ("fargate_web", lambda d: d.update(memory="1 GB"), keep, ["memory"]),
    ("external_bridge", edit_container("web", lambda c: c["secrets"][1].update(valueFrom="arn:aws:ssm:eu-west-1:123456789012:parameter/edge/token")),
     keep, ["containerDefinitions[1].secrets[0].valueFrom"]),
    ("external_bridge", edit_container("web", reverse("command")), keep, ["containerDefinitions[1].command[0]", "containerDefinitions[1].command[2]"]),
    ("external_bridge", edit_container("web", reverse("dnsServers")), keep, ["containerDefinitions[1].dnsServers[0]", "containerDefinitions[1].dnsServers[1]"]),
    ("external_bridge", edit_container("web", lambda c: c["dockerLabels"].update({"com.example.tier": "back"})), keep,
     ["containerDefinitions[1].dockerLabels.com.example.tier"]),
    ("external_bridge", edit_container("web", lambda c: c["ulimits"][0].update(softLimit=1024)), keep, ["containerDefinitions[1].ulimits[1].softLimit"]),
    ("external_bridge", edit_container("web", lambda c: c["healthCheck"].update(interval=10)), keep, ["containerDefinitions[1].healthCheck.interval"]),
    ("external_bridge", edit_container("cache", lambda c: c.update(essential=True)), keep, ["containerDefinitions[0].essential"]),
    ("external_bridge", lambda d: d["containerDefinitions"].pop(), keep, ["containerDefinitions"]),
    ("external_bridge", lambda d: d["volumes"][0]["host"].update(sourcePath="/srv/other"), keep, ["volumes[0].host.sourcePath"]),
    ("external_bridge", lambda d: d.update(taskRoleArn="arn:aws:iam::123456789012:role/other"), keep, ["taskRoleArn"]),
    ("ec2_host_efs", edit_container("exporter", reverse("environmentFiles")), keep,
     ["containerDefinitions[0].environmentFiles[0].value", "containerDefinitions[0].environmentFiles[1].value"]),
    ("ec2_host_efs", edit_container("exporter", lambda c: c["extraHosts"][0].update(ipAddress="10.0.0.30")), keep,
     ["containerDefinitions[0].extraHosts[1].ipAddress"]),
    ("ec2_host_efs", lambda d: d["volumes"][0]["efsVolumeConfiguration"].pop("transitEncryption"), keep,
     ["volumes[0].efsVolumeConfiguration.transitEncryption"]),
    ("ec2_host_efs", lambda d: d["placementConstraints"][0].update(expression="attribute:ecs.os-type == windows"), keep,
     ["placementConstraints[0].expression"]),
    ("ec2_minimal", edit_container("mysql", env_value("MYSQL_ROOT_PASSWORD", "changed")), keep, ["containerDefinitions[0].environment[0].value"]),
    ("ec2_minimal", lambda d: d.update(networkMode="host"), keep, ["networkMode"]),
]


def case_id(case):
    return f"{case[0]}-{CASES.index(case)}"


@pytest.mark.parametrize("name, edit_request, edit_response, expected", CASES, ids=[case_id(case) for case in CASES])
def test_recorded_response(name, edit_request, edit_response, expected):
    request = load(name, "request")
    current = load(name, "describe")["taskDefinition"]
    edit_request(request)
    edit_response(current)
    assert differences(normalise(request, SHAPE), normalise(current, SHAPE)) == expected


@pytest.mark.parametrize("name", NAMES)
def test_normalise_is_stable_and_leaves_input_alone(name):
    response = load(name, "describe")
    original = copy.deepcopy(response)
    once = normalise(response["taskDefinition"], SHAPE)
    assert normalise(once, SHAPE) == once
    assert response == original
    assert not set(once) & {"taskDefinitionArn", "revision", "status", "compatibilities", "requiresAttributes", "registeredAt", "registeredBy", "tags"}


def test_cases_cover_every_fixture():
    assert {case[0] for case in CASES} == set(NAMES)
    assert len(CASES) >= 15


@pytest.mark.parametrize(
    "definition, family, expected, ignored",
    [
        ({"family": "web", "containerDefinitions": []}, None, {"family": "web", "containerDefinitions": []}, []),
        ({"containerDefinitions": []}, "web", {"family": "web", "containerDefinitions": []}, []),
        ({"family": "web"}, "web", {"family": "web"}, []),
        ({"family": "web", "revision": 3, "status": "ACTIVE", "cpu": None}, None, {"family": "web"}, ["revision", "status"]),
    ],
)
def test_request_from_definition(definition, family, expected, ignored):
    assert request_from_definition(definition, family) == (expected, ignored)


@pytest.mark.parametrize(
    "definition, family, message",
    [
        ({"family": "web"}, "api", "family: the option says 'api' but definition.family says 'web'"),
        ({"containerDefinitions": []}, None, "family: is required"),
    ],
)
def test_request_from_definition_refuses(definition, family, message):
    with pytest.raises(Refused, match=message):
        request_from_definition(definition, family)


@pytest.mark.parametrize(
    "definition_tags, option_tags, expected",
    [
        (None, None, None),
        ([], None, {}),
        (None, {}, {}),
        ([{"key": "a", "value": "1"}], None, {"a": "1"}),
        ([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}], {"a": "9"}, {"a": "9", "b": "2"}),
    ],
)
def test_merge_tags(definition_tags, option_tags, expected):
    assert merge_tags(definition_tags, option_tags) == expected


@pytest.mark.parametrize(
    "reference, expected",
    [
        ("web", ("web", None)),
        ("web:7", ("web", 7)),
        ("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12", ("web", 12)),
        ("arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/edge-web:1", ("edge-web", 1)),
    ],
)
def test_parse_reference(reference, expected):
    assert parse_reference(reference) == expected


ARNS = [f"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:{revision}" for revision in (3, 10, 7, 9)]


@pytest.mark.parametrize(
    "keep_last, pending, expected",
    [
        (4, False, []),
        (2, False, [7, 3]),
        (1, False, [9, 7, 3]),
        (2, True, [9, 7, 3]),
        (1, True, [10, 9, 7, 3]),
    ],
)
def test_revisions_to_deregister(keep_last, pending, expected):
    assert [parse_reference(arn)[1] for arn in revisions_to_deregister(ARNS, keep_last, pending)] == expected
