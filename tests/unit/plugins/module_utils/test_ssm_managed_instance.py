"""ssm_managed_instance's pure parts: filters from options, names, and the plan of tags and deregistrations."""

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import apply_filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import build_filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import is_managed_instance_id
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import matches_name
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import normalize_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import plan_calls
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import select_by_names
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import split_filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused

WEB = "mi-0123456789abcdef0"
DB = "mi-0fedcba9876543210"
# InstanceInformation as DescribeInstanceInformation returns a hybrid instance (trimmed of dates).
RECORDED = {
    "InstanceId": WEB,
    "PingStatus": "Online",
    "AgentVersion": "3.3.1142.0",
    "IsLatestVersion": False,
    "PlatformType": "Linux",
    "PlatformName": "Debian GNU/Linux",
    "PlatformVersion": "12",
    "ActivationId": "3b2c64e5-8e4b-4e25-9c5e-1c6a3e0f2a11",
    "IamRole": "ecsAnywhereRole",
    "ResourceType": "ManagedInstance",
    "Name": "lab",
    "IPAddress": "10.0.1.11",
    "ComputerName": "web-01.lab.example",
    "SourceId": WEB,
    "SourceType": "AWS::SSM::ManagedInstance",
}
OTHER = {"InstanceId": DB, "PingStatus": "ConnectionLost", "ResourceType": "ManagedInstance", "ComputerName": "db-01", "IPAddress": "10.0.2.11"}


@pytest.mark.parametrize(
    "value, expected",
    [(WEB, True), ("mi-0123456789ABCDEF0", False), ("mi-0123", False), ("i-0123456789abcdef0", False), ("", False), (None, False)],
)
def test_is_managed_instance_id(value, expected):
    assert is_managed_instance_id(value) is expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, []),
        ({"instance_ids": [WEB, DB]}, [{"Key": "InstanceIds", "Values": [WEB, DB]}]),
        (
            {"ping_status": ["Online", "ConnectionLost"], "resource_type": "ManagedInstance", "activation_ids": ["a"]},
            [
                {"Key": "PingStatus", "Values": ["Online", "ConnectionLost"]},
                {"Key": "ResourceType", "Values": ["ManagedInstance"]},
                {"Key": "ActivationIds", "Values": ["a"]},
            ],
        ),
        ({"tags": {"site": "lab", "rack": ["1", 2]}}, [{"Key": "tag:site", "Values": ["lab"]}, {"Key": "tag:rack", "Values": ["1", "2"]}]),
        (
            {"filters": {"IamRole": "ecsAnywhereRole", "tag-key": ["site"]}},
            [{"Key": "IamRole", "Values": ["ecsAnywhereRole"]}, {"Key": "tag-key", "Values": ["site"]}],
        ),
        # Empty lists set nothing.
        ({"instance_ids": [], "ping_status": [], "tags": {}}, []),
    ],
)
def test_build_filters(params, expected):
    assert build_filters(params) == expected


@pytest.mark.parametrize(
    "params, errors",
    [
        ({"instance_ids": [WEB, "i-0123456789abcdef0"]}, ["instance_ids[1]: 'i-0123456789abcdef0' is not a managed instance id"]),
        ({"tags": {"site": None}}, ["tags.site: give the value"]),
        ({"tags": {"site": []}}, ["tags.site: give the value"]),
        ({"filters": {"PingStatus": None}}, ["filters.PingStatus: needs at least one value"]),
        ({"ping_status": ["Online"], "filters": {"PingStatus": "Online"}}, ["filters.PingStatus: already set by another option"]),
        ({"tags": {"site": "lab"}, "filters": {"tag:site": "dc"}}, ["filters.tag:site: already set by another option"]),
    ],
)
def test_build_filters_names_each_bad_option(params, errors):
    with pytest.raises(Refused) as raised:
        build_filters(params)
    found = str(raised.value).split("; ")
    assert len(found) == len(errors)
    for message, start in zip(found, errors):
        assert message.startswith(start), message


@pytest.mark.parametrize(
    "name, expected",
    [
        ("web-01.lab.example", True),
        ("WEB-01.Lab.Example", True),
        ("web-01", True),  # short form of the host name
        ("lab", True),  # the SSM name
        ("10.0.1.11", True),
        ("web-01.other.example", False),  # a different domain is a different host
        ("web", False),
        ("10.0.1.1", False),
        ("", False),
        (WEB, False),  # ids are not names
    ],
)
def test_matches_name(name, expected):
    assert matches_name(RECORDED, name) is expected


def test_matches_name_without_reported_fields():
    assert matches_name({"InstanceId": WEB}, "web-01") is False


@pytest.mark.parametrize(
    "names, selected, missing",
    [
        (None, [WEB, DB], []),
        ([], [WEB, DB], []),
        (["web-01"], [WEB], []),
        (["db-01", "web-01", "nowhere"], [WEB, DB], ["nowhere"]),
        (["10.0.2.11"], [DB], []),
    ],
)
def test_select_by_names(names, selected, missing):
    found, left = select_by_names([RECORDED, OTHER], names)
    assert [info["InstanceId"] for info in found] == selected
    assert left == missing


@pytest.mark.parametrize(
    "state, current, desired, purge, changes, before, after",
    [
        # Tags not managed: nothing to do.
        ("present", {WEB: {"site": "lab"}}, None, True, {}, {}, {}),
        ("present", {WEB: {"site": "lab"}}, {"site": "lab"}, True, {}, {}, {}),
        (
            "present", {WEB: {"site": "lab"}}, {"role": "web"}, False,
            {WEB: {"set": {"role": "web"}, "unset": []}}, {WEB: {"tags": {"site": "lab"}}}, {WEB: {"tags": {"site": "lab", "role": "web"}}},
        ),
        (
            "present", {WEB: {"site": "lab"}}, {"role": "web"}, True,
            {WEB: {"set": {"role": "web"}, "unset": ["site"]}}, {WEB: {"tags": {"site": "lab"}}}, {WEB: {"tags": {"role": "web"}}},
        ),
        (
            "present", {WEB: {"site": "lab"}}, {"site": "dc"}, True,
            {WEB: {"set": {"site": "dc"}, "unset": []}}, {WEB: {"tags": {"site": "lab"}}}, {WEB: {"tags": {"site": "dc"}}},
        ),
        # AWS's own tags are never purged.
        ("present", {WEB: {"aws:cloudformation:stack-name": "s"}}, {}, True, {}, {}, {}),
        # Deregistration: everything selected goes, the diff shows what it was.
        (
            "absent", {}, None, True,
            {WEB: {"deregister": True}},
            {WEB: {"name": "lab", "computer_name": "web-01.lab.example", "ip_address": "10.0.1.11", "ping_status": "Online"}}, {},
        ),
    ],
)
def test_plan(state, current, desired, purge, changes, before, after):  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
    plan = plan_calls([RECORDED], current, state, desired, purge)
    planned = {}
    for name, args in plan.calls:
        if name == "deregister_managed_instance":
            planned[args] = {"deregister": True}
        else:
            planned[args[0]] = {"set": args[1], "unset": args[2]}
    assert (planned, plan.before, plan.after) == (changes, before, after)
    assert plan.changed is bool(changes)


@pytest.mark.parametrize(
    "tags, expected, errors",
    [
        (None, None, []),
        ({}, {}, []),
        ({"site": "lab", "rack": 12, "spare": None, "Größe": "groß", "a b:c/d=e+f-g@h_i.j": "x"},
         {"site": "lab", "rack": "12", "spare": "", "Größe": "groß", "a b:c/d=e+f-g@h_i.j": "x"}, []),
        ({"aws:owner": "x"}, {}, ["tags.aws:owner: keys starting with aws: are reserved by AWS"]),
        ({"AWS:owner": "x"}, {}, ["tags.AWS:owner: keys starting with aws: are reserved by AWS"]),
        ({"k" * 129: "x"}, {}, ["tags." + "k" * 129 + ": a key has 1 to 128 characters"]),
        ({"site#": "x"}, {}, ["tags.site#: a key has letters"]),
        ({"site": "a" * 257}, {}, ["tags.site: a value has at most 256 characters, got 257"]),
        ({"site": "lab;drop"}, {}, ["tags.site: a value has letters"]),
    ],
)
def test_normalize_tags(tags, expected, errors):
    normalized, found = normalize_tags(tags)
    assert normalized == expected
    assert len(found) == len(errors)
    for message, start in zip(found, errors):
        assert message.startswith(start), message


TAG = {"Key": "tag:site", "Values": ["lab"]}
PING = {"Key": "PingStatus", "Values": ["Online"]}
TYPE = {"Key": "ResourceType", "Values": ["ManagedInstance"]}


@pytest.mark.parametrize(
    "filters, sent, here",
    [
        ([], [], []),
        ([PING, TYPE], [PING, TYPE], []),
        ([TAG, {"Key": "tag-key", "Values": ["team"]}], [TAG, {"Key": "tag-key", "Values": ["team"]}], []),
        # AWS refuses tags with other filters: the tags go, the rest is applied to the answer.
        ([TAG, PING, TYPE], [TAG], [PING, TYPE]),
        ([TYPE, {"Key": "tag-key", "Values": ["team"]}], [{"Key": "tag-key", "Values": ["team"]}], [TYPE]),
    ],
)
def test_split_filters(filters, sent, here):
    assert split_filters(filters) == (sent, here)


def test_split_filters_refuses_what_it_cannot_apply():
    with pytest.raises(Refused, match="^filters.Color: AWS does not combine tag filters"):
        split_filters([TAG, {"Key": "Color", "Values": ["blue"]}])


@pytest.mark.parametrize(
    "filters, selected",
    [
        ([], [WEB, DB]),
        ([PING], [WEB]),
        ([{"Key": "PingStatus", "Values": ["Online", "ConnectionLost"]}, TYPE], [WEB, DB]),
        ([{"Key": "InstanceIds", "Values": [DB]}], [DB]),
        ([{"Key": "PlatformTypes", "Values": ["Linux"]}], [WEB]),
        ([{"Key": "ActivationIds", "Values": ["3b2c64e5-8e4b-4e25-9c5e-1c6a3e0f2a11"]}, PING], [WEB]),
        ([{"Key": "ResourceType", "Values": ["EC2Instance"]}], []),
    ],
)
def test_apply_filters(filters, selected):
    assert [info["InstanceId"] for info in apply_filters([RECORDED, OTHER], filters)] == selected
