"""ecs_container_instance's pure parts: references, attributes, the plan, summaries, and what keeps a wait for ready instances going."""

import datetime

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import docker_version
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import match_references
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import name_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import normalize_attributes
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import plan
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import plan_instance
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import problems
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import reference_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import reference_kind
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import resources_dict
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import summarize
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import unique
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused

PREFIX = "arn:aws:ecs:us-east-1:123456789012:container-instance/edge/"
ONE = PREFIX + "4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b"
TWO = PREFIX + "1c3be8ed-df30-47b4-8f1e-6e68ebd01f34"
EC2 = PREFIX + "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
MI_ONE = "mi-0123456789abcdef0"
MI_TWO = "mi-0fedcba9876543210"
# A container instance as DescribeContainerInstances (include TAGS) returns an ECS Anywhere host.
RECORDED = {
    "containerInstanceArn": ONE,
    "ec2InstanceId": MI_ONE,
    "version": 12,
    "versionInfo": {"agentVersion": "1.91.0", "agentHash": "a1b2c3d", "dockerVersion": "DockerVersion: 25.0.5"},
    "remainingResources": [
        {"name": "CPU", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": 1792},
        {"name": "MEMORY", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": 3584},
        {"name": "PORTS", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0, "stringSetValue": ["22", "2375", "51678"]},
        {"name": "PORTS_UDP", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0, "stringSetValue": []},
    ],
    "registeredResources": [
        {"name": "CPU", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": 2048},
        {"name": "MEMORY", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": 3840},
        {"name": "PORTS", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0, "stringSetValue": ["22", "2375", "51678"]},
        {"name": "PORTS_UDP", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0, "stringSetValue": []},
    ],
    "status": "ACTIVE",
    "agentConnected": True,
    "runningTasksCount": 1,
    "pendingTasksCount": 0,
    "attributes": [
        {"name": "ecs.capability.external"},
        {"name": "ecs.os-type", "value": "linux"},
        {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.44"},
        {"name": "site", "value": "lab"},
        {"name": "gpu"},
    ],
    "registeredAt": datetime.datetime(2026, 1, 1, 10, 0, tzinfo=datetime.timezone.utc),
    "attachments": [],
    "tags": [{"key": "team", "value": "edge"}],
    "healthStatus": {"overallStatus": "OK", "details": []},
}


def instance(arn, ec2_id, status="ACTIVE", connected=True, running=0, pending=0, attributes=()):
    return {
        "containerInstanceArn": arn,
        "ec2InstanceId": ec2_id,
        "status": status,
        "agentConnected": connected,
        "runningTasksCount": running,
        "pendingTasksCount": pending,
        "attributes": [{"name": "ecs.capability.external"}]
        + [dict(name=name, **({"value": value} if value is not None else {})) for name, value in attributes],
    }


@pytest.mark.parametrize(
    "reference, kind",
    [
        (ONE, "arn"),
        ("4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b", "id"),
        ("1c3be8ed-df30-47b4-8f1e-6e68ebd01f34", "id"),
        (MI_ONE, "instance_id"),
        ("i-0123456789abcdef0", "instance_id"),
        ("i-01234567", "instance_id"),
        ("edge-01", "host"),
        ("edge-01.lab.example", "host"),
        ("10.0.0.11", "host"),
        ("mi-123", "host"),  # not an id: too short
        ("4B6D45EA0A1E4C5A9A1B2C3D4E5F6A7B", "host"),  # ids are lowercase
    ],
)
def test_reference_kind(reference, kind):
    assert reference_kind(reference) == kind


@pytest.mark.parametrize(
    "references, errors",
    [
        ([ONE, MI_ONE, "edge-01"], []),
        (["", " "], ["instances[0]: empty", "instances[1]: empty"]),
        (
            ["arn:aws:ecs:us-east-1:123456789012:cluster/edge"],
            ["instances[0]: arn:aws:ecs:us-east-1:123456789012:cluster/edge is not the ARN of a container instance"],
        ),
        (["arn:aws-cn:ecs:cn-north-1:123456789012:container-instance/edge/abc"], []),
    ],
)
def test_reference_errors(references, errors):
    assert reference_errors(references) == errors


CLUSTER = [instance(ONE, MI_ONE), instance(TWO, MI_TWO), instance(EC2, "i-0123456789abcdef0")]


@pytest.mark.parametrize(
    "references, managed, matched_arns, missing",
    [
        ([ONE], {}, {ONE: [ONE]}, []),
        (["1c3be8ed-df30-47b4-8f1e-6e68ebd01f34"], {}, {"1c3be8ed-df30-47b4-8f1e-6e68ebd01f34": [TWO]}, []),
        ([MI_TWO, "i-0123456789abcdef0"], {}, {MI_TWO: [TWO], "i-0123456789abcdef0": [EC2]}, []),
        (["edge-01"], {"edge-01": [MI_ONE]}, {"edge-01": [ONE]}, []),
        # A host registered twice (two mi- ids) names both container instances.
        (["edge"], {"edge": [MI_ONE, MI_TWO]}, {"edge": [ONE, TWO]}, []),
        # SSM knows the host, ECS does not (its agent has not registered yet).
        (["edge-03"], {"edge-03": ["mi-00000000000000003"]}, {}, ["edge-03"]),
        (["edge-04"], {}, {}, ["edge-04"]),
        ([PREFIX + "ffffffffffffffffffffffffffffffff", "mi-00000000000000009"], {}, {}, [PREFIX + "ffffffffffffffffffffffffffffffff", "mi-00000000000000009"]),
    ],
)
def test_match_references(references, managed, matched_arns, missing):
    matched, left = match_references(references, CLUSTER, managed)
    assert {reference: [ci["containerInstanceArn"] for ci in found] for reference, found in matched.items()} == matched_arns
    assert left == missing


def test_unique_keeps_the_first_order_and_drops_repeats():
    one, two = instance(ONE, MI_ONE), instance(TWO, MI_TWO)
    assert [ci["containerInstanceArn"] for ci in unique([two, one], [one], [two])] == [TWO, ONE]


@pytest.mark.parametrize(
    "given, expected, errors",
    [
        (None, None, []),
        ({}, {}, []),
        (
            {"site": "lab", "gpu": None, "rack": 12, "fast": True, "zone": "eu west/1:a@b"},
            {"site": "lab", "gpu": None, "rack": "12", "fast": "true", "zone": "eu west/1:a@b"},
            [],
        ),
        ({"ecs.os-type": "linux"}, {}, ["attributes.ecs.os-type: names starting with ecs. or com.amazonaws.ecs. belong to ECS"]),
        ({"com.amazonaws.ecs.capability.x": None}, {}, ["attributes.com.amazonaws.ecs.capability.x: names starting with ecs. or"]),
        ({"bad name": "x"}, {}, ["attributes.bad name: a name has"]),
        ({"site": " lab"}, {}, ["attributes.site: a value has"]),
        ({"site": "lab "}, {}, ["attributes.site: a value has"]),
        ({"site": "lab#1"}, {}, ["attributes.site: a value has"]),
        ({"site": "x" * 129}, {}, ["attributes.site: a value has"]),
        ({"site": ["lab"]}, {}, ["attributes.site: expected a string (or null for an attribute without a value), got list"]),
        ({f"a{index}": "x" for index in range(11)}, {f"a{index}": "x" for index in range(11)}, ["attributes: ECS allows at most 10 custom attributes"]),
    ],
)
def test_normalize_attributes(given, expected, errors):
    normalized, found = normalize_attributes(given)
    assert normalized == expected
    assert len(found) == len(errors)
    for message, start in zip(found, errors):
        assert message.startswith(start), message


@pytest.mark.parametrize(
    "current, state, attributes, purge, change, before, after",
    [
        # Status only.
        (instance(ONE, MI_ONE), "draining", None, False, {"status": "DRAINING"}, {"status": "ACTIVE"}, {"status": "DRAINING"}),
        (instance(ONE, MI_ONE, status="DRAINING"), "draining", None, False, {}, {"status": "DRAINING"}, {"status": "DRAINING"}),
        (instance(ONE, MI_ONE, status="DRAINING"), "active", None, False, {"status": "ACTIVE"}, {"status": "DRAINING"}, {"status": "ACTIVE"}),
        (instance(ONE, MI_ONE), None, None, False, {}, {"status": "ACTIVE"}, {"status": "ACTIVE"}),
        # Deregistration: nothing after.
        (instance(ONE, MI_ONE, status="DRAINING"), "deregistered", None, False, {"deregister": True}, {"status": "DRAINING"}, None),
        # Attributes: only custom ones compare; values and their absence both count.
        (
            instance(ONE, MI_ONE, attributes=[("ecs.os-type", "linux"), ("site", "lab")]), None, {"site": "lab"}, False,
            {}, {"status": "ACTIVE"}, {"status": "ACTIVE"},
        ),
        (
            instance(ONE, MI_ONE, attributes=[("site", "lab")]), None, {"site": "dc"}, False,
            {"put": {"site": "dc"}, "delete": []}, {"status": "ACTIVE", "attributes": {"site": "lab"}}, {"status": "ACTIVE", "attributes": {"site": "dc"}},
        ),
        (
            instance(ONE, MI_ONE, attributes=[("gpu", None)]), None, {"gpu": None}, True,
            {}, {"status": "ACTIVE"}, {"status": "ACTIVE"},
        ),
        (
            instance(ONE, MI_ONE, attributes=[("gpu", "yes")]), None, {"gpu": None}, False,
            {"put": {"gpu": None}, "delete": []}, {"status": "ACTIVE", "attributes": {"gpu": "yes"}}, {"status": "ACTIVE", "attributes": {"gpu": None}},
        ),
        # Purge removes custom attributes only; without purge they stay.
        (
            instance(ONE, MI_ONE, attributes=[("ecs.os-type", "linux"), ("site", "lab"), ("old", "x")]), None, {"site": "lab"}, False,
            {}, {"status": "ACTIVE"}, {"status": "ACTIVE"},
        ),
        (
            instance(ONE, MI_ONE, attributes=[("ecs.os-type", "linux"), ("site", "lab"), ("old", "x")]), None, {"site": "lab"}, True,
            {"put": {}, "delete": ["old"]},
            {"status": "ACTIVE", "attributes": {"site": "lab", "old": "x"}},
            {"status": "ACTIVE", "attributes": {"site": "lab"}},
        ),
        (
            instance(ONE, MI_ONE, attributes=[("site", "lab")]), None, {}, True,
            {"put": {}, "delete": ["site"]}, {"status": "ACTIVE", "attributes": {"site": "lab"}}, {"status": "ACTIVE", "attributes": {}},
        ),
        # Status and attributes together.
        (
            instance(ONE, MI_ONE), "draining", {"site": "lab"}, False,
            {"status": "DRAINING", "put": {"site": "lab"}, "delete": []},
            {"status": "ACTIVE", "attributes": {}}, {"status": "DRAINING", "attributes": {"site": "lab"}},
        ),
    ],
)
def test_plan_instance(  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
    current, state, attributes, purge, change, before, after,
):
    assert plan_instance(current, state, attributes, purge) == (change, before, after)


@pytest.mark.parametrize("status", ["REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"])
def test_plan_refuses_a_status_ecs_cannot_change(status):
    with pytest.raises(Refused, match=f"{MI_ONE}: status {status} cannot be changed to DRAINING"):
        plan_instance(instance(ONE, MI_ONE, status=status), "draining", None, False)


def test_plan_keys_the_diff_by_label_and_shows_changed_instances_only():
    instances = [instance(ONE, MI_ONE), instance(TWO, MI_TWO, status="DRAINING"), {"containerInstanceArn": EC2, "status": "ACTIVE"}]
    changes, before, after = plan(instances, "draining", None, False)
    assert changes == {ONE: {"status": "DRAINING"}, EC2: {"status": "DRAINING"}}
    assert before == {MI_ONE: {"status": "ACTIVE"}, "0a1b2c3d4e5f60718293a4b5c6d7e8f9": {"status": "ACTIVE"}}
    assert after == {MI_ONE: {"status": "DRAINING"}, "0a1b2c3d4e5f60718293a4b5c6d7e8f9": {"status": "DRAINING"}}


@pytest.mark.parametrize(
    "names, key",
    [
        ({ONE: "edge-01"}, "edge-01"),  # named by host name: shown by it
        ({}, MI_ONE),  # named by id or ARN: shown by its mi- id
        ({TWO: "edge-02"}, MI_ONE),  # another instance's name is not this one's
    ],
)
def test_plan_keys_the_diff_by_the_host_name_given(names, key):
    changes, before, after = plan([instance(ONE, MI_ONE)], "draining", None, False, names)
    assert changes == {ONE: {"status": "DRAINING"}}
    assert before == {key: {"status": "ACTIVE"}} and after == {key: {"status": "DRAINING"}}


def test_plan_names_every_instance_it_cannot_change():
    instances = [instance(ONE, MI_ONE, status="REGISTERING"), instance(TWO, MI_TWO, status="DEREGISTERING")]
    with pytest.raises(Refused) as raised:
        plan(instances, "active", None, False)
    assert MI_ONE in str(raised.value) and MI_TWO in str(raised.value)


@pytest.mark.parametrize(
    "resources, expected",
    [
        (RECORDED["registeredResources"], {"CPU": 2048, "MEMORY": 3840, "PORTS": ["22", "2375", "51678"], "PORTS_UDP": []}),
        (
            [{"name": "GPU", "type": "STRINGSET", "stringSetValue": ["gpu-0"]}, {"name": "X", "type": "DOUBLE", "doubleValue": 1.5}],
            {"GPU": ["gpu-0"], "X": 1.5},
        ),
        ([{"name": "BIG", "type": "LONG", "longValue": 2 ** 40}], {"BIG": 2 ** 40}),
        (None, {}),
    ],
)
def test_resources_dict(resources, expected):
    assert resources_dict(resources) == expected


@pytest.mark.parametrize(
    "given, expected",
    [("DockerVersion: 25.0.5", "25.0.5"), ("20.10.7", "20.10.7"), (None, None), ("", "")],
)
def test_docker_version(given, expected):
    assert docker_version(given) == expected


def test_summarize_a_recorded_instance():
    assert summarize(RECORDED, {MI_ONE: "edge-01.lab.example"}) == {
        "arn": ONE,
        "id": "4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b",
        "ec2_instance_id": MI_ONE,
        "external": True,
        "host_name": "edge-01.lab.example",
        "status": "ACTIVE",
        "status_reason": None,
        "agent_connected": True,
        "agent_update_status": None,
        "running_tasks_count": 1,
        "pending_tasks_count": 0,
        "agent_version": "1.91.0",
        "agent_hash": "a1b2c3d",
        "docker_version": "25.0.5",
        "attributes": {
            "ecs.capability.external": None,
            "ecs.os-type": "linux",
            "com.amazonaws.ecs.capability.docker-remote-api.1.44": None,
            "site": "lab",
            "gpu": None,
        },
        "registered_resources": {"CPU": 2048, "MEMORY": 3840, "PORTS": ["22", "2375", "51678"], "PORTS_UDP": []},
        "remaining_resources": {"CPU": 1792, "MEMORY": 3584, "PORTS": ["22", "2375", "51678"], "PORTS_UDP": []},
        "registered_at": "2026-01-01T10:00:00+00:00",
        "capacity_provider_name": None,
        "health_status": "OK",
        "tags": {"team": "edge"},
    }


def test_summarize_without_host_names_has_no_host_name():
    assert "host_name" not in summarize(RECORDED)


@pytest.mark.parametrize(
    "references, cluster, managed, unnamed, expected_count, expected",
    [
        # Everything ready.
        ([MI_ONE, "edge-02"], [instance(ONE, MI_ONE), instance(TWO, MI_TWO)], {"edge-02": [MI_TWO]}, set(), None, []),
        # Unknown to SSM, unknown to ECS, not connected, draining.
        (
            ["edge-09", "edge-03", MI_ONE, "edge-02"],
            [instance(ONE, MI_ONE, connected=False), instance(TWO, MI_TWO, status="DRAINING")],
            {"edge-03": ["mi-00000000000000003"], "edge-02": [MI_TWO]}, {"edge-09"}, None,
            [
                "edge-09: no SSM managed instance has this name",
                "edge-03: not registered in cluster edge",
                f"{MI_ONE} ({MI_ONE}): agent not connected",
                f"edge-02 ({MI_TWO}): status DRAINING",
            ],
        ),
        # A host registered twice is ready when one of its instances is.
        (["edge"], [instance(ONE, MI_ONE, connected=False), instance(TWO, MI_TWO)], {"edge": [MI_ONE, MI_TWO]}, set(), None, []),
        # Counting.
        ([], [instance(ONE, MI_ONE), instance(TWO, MI_TWO, connected=False)], {}, set(), 2,
         ["1 of 2 expected container instances in cluster edge are ACTIVE with a connected agent"]),
        ([], [instance(ONE, MI_ONE), instance(TWO, MI_TWO)], {}, set(), 2, []),
        ([], [], {}, set(), 0, []),
    ],
)
def test_problems(  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
    references, cluster, managed, unnamed, expected_count, expected,
):
    matched, missing = match_references(references, cluster, managed)
    assert problems(references, matched, missing, unnamed, "edge", expected_count, cluster) == expected


@pytest.mark.parametrize(
    "names, expected",
    [
        ([], ""),
        (["a (service:web)"], "a (service:web)"),
        ([str(index) for index in range(12)], "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more"),
    ],
)
def test_name_tasks(names, expected):
    assert name_tasks(names) == expected
