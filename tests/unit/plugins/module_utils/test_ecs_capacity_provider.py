"""ecs_capacity_provider: the pure part (option checks, request, views, plan) as tables, and the calls
(paging, tags, clusters in the way, waiting) against botocore's Stubber: no network."""

import copy

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import capacity_provider as api
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import OPTION_NAMES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import create_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import option_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import provider_view
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import settings_after
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import settings_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster import CLUSTER_INCLUDE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import RETRY
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.waiters import WaitFailed
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import TimedOut
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import option_path
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request

GROUP_ARN = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:5b4d1c1e-1f2a-4c3b-9d8e-0a1b2c3d4e5f:autoScalingGroupName/edge-workers"
OTHER_ARN = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:0a1b2c3d-1f2a-4c3b-9d8e-5b4d1c1e4e5f:autoScalingGroupName/edge-other"
PROVIDER_ARN = "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/edge-workers"

# A DescribeCapacityProviders answer as AWS gives it (include TAGS), after an update.
RECORDED = {
    "capacityProviderArn": PROVIDER_ARN,
    "name": "edge-workers",
    "status": "ACTIVE",
    "autoScalingGroupProvider": {
        "autoScalingGroupArn": GROUP_ARN,
        "managedScaling": {
            "status": "ENABLED",
            "targetCapacity": 90,
            "minimumScalingStepSize": 1,
            "maximumScalingStepSize": 4,
            "instanceWarmupPeriod": 300,
        },
        "managedTerminationProtection": "DISABLED",
        "managedDraining": "ENABLED",
    },
    "updateStatus": "UPDATE_COMPLETE",
    "tags": [{"key": "team", "value": "edge"}, {"key": "aws:cloudformation:stack-name", "value": "base"}],
    "type": "EC2_AUTOSCALING",
}
FARGATE = {
    "capacityProviderArn": "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/FARGATE",
    "name": "FARGATE",
    "status": "ACTIVE",
    "tags": [],
    "type": "FARGATE",
}


def params(**options):
    base = dict.fromkeys(["auto_scaling_group_arn", "auto_scaling_group_name", "managed_scaling", "managed_termination_protection", "managed_draining", "tags"])
    base.update(name="edge-workers", state="present", purge_tags=True)
    base.update(options)
    return base


def scaling(**values):
    base = dict.fromkeys(["status", "target_capacity", "minimum_scaling_step_size", "maximum_scaling_step_size", "instance_warmup_period"])
    base.update(values)
    return base


def request(group=None, **options):
    return create_request(params(**options), group)


# -- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, []),
        ({"auto_scaling_group_arn": GROUP_ARN}, []),
        ({"name": "a" * 255}, []),
        ({"name": "Edge_workers-2"}, []),
        ({"name": "ECS-upper"}, []),  # AWS names the prefixes in lower case
        ({"name": "a" * 256}, ["name: up to 255 letters"]),
        ({"name": "edge.workers"}, ["name: up to 255 letters"]),
        ({"name": "ecs-workers"}, ["name: cannot start with 'aws', 'ecs', 'fargate', got 'ecs-workers'"]),
        ({"name": "awsome"}, ["name: cannot start with"]),
        ({"name": "fargate-like"}, ["name: cannot start with"]),
        ({"name": "ecs-workers", "state": "absent"}, []),  # cannot exist, so nothing to refuse
        ({"name": "FARGATE"}, ["name: FARGATE is a capacity provider AWS gives every account"]),
        ({"name": "FARGATE_SPOT", "state": "absent"}, ["name: FARGATE_SPOT is a capacity provider AWS gives every account"]),
        ({"auto_scaling_group_arn": "edge-workers"}, ["auto_scaling_group_arn: expected an Auto Scaling group ARN"]),
        ({"auto_scaling_group_arn": "arn:aws:autoscaling:eu-west-1:123456789012:launchConfiguration:x"}, ["auto_scaling_group_arn: expected"]),
        ({"name": "ecs-x", "auto_scaling_group_arn": "x"}, ["name: cannot start with", "auto_scaling_group_arn: expected"]),
    ],
)
def test_option_errors(options, expected):
    errors = option_errors(params(**options))
    assert len(errors) == len(expected)
    for error, start in zip(errors, expected):
        assert error.startswith(start), error


@pytest.mark.parametrize(
    "options, group, expected",
    [
        ({}, None, {"name": "edge-workers", "autoScalingGroupProvider": {}}),
        ({}, GROUP_ARN, {"name": "edge-workers", "autoScalingGroupProvider": {"autoScalingGroupArn": GROUP_ARN}}),
        ({"managed_scaling": scaling()}, None, {"name": "edge-workers", "autoScalingGroupProvider": {}}),
        (
            {"managed_scaling": scaling(status="ENABLED", target_capacity=90), "managed_draining": "DISABLED", "managed_termination_protection": "ENABLED"},
            GROUP_ARN,
            {
                "name": "edge-workers",
                "autoScalingGroupProvider": {
                    "autoScalingGroupArn": GROUP_ARN,
                    "managedScaling": {"status": "ENABLED", "targetCapacity": 90},
                    "managedTerminationProtection": "ENABLED",
                    "managedDraining": "DISABLED",
                },
            },
        ),
        ({"tags": {}}, None, {"name": "edge-workers", "autoScalingGroupProvider": {}, "tags": []}),
        ({"tags": {"team": "edge"}}, None, {"name": "edge-workers", "autoScalingGroupProvider": {}, "tags": [{"key": "team", "value": "edge"}]}),
    ],
)
def test_create_request(options, group, expected):
    assert create_request(params(**options), group) == expected


ECS = boto3.client("ecs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")


@pytest.mark.parametrize(
    "options, operation, messages",
    [
        ({"managed_scaling": scaling(target_capacity=101)}, "CreateCapacityProvider", ["managed_scaling.target_capacity: must be at most 100, got 101"]),
        (
            {"managed_scaling": scaling(minimum_scaling_step_size=0)},
            "CreateCapacityProvider",
            ["managed_scaling.minimum_scaling_step_size: must be at least 1, got 0"],
        ),
        (
            {"managed_scaling": scaling(instance_warmup_period=10001)},
            "UpdateCapacityProvider",
            ["managed_scaling.instance_warmup_period: must be at most 10000"],
        ),
        ({"managed_draining": "enabled"}, "CreateCapacityProvider", ["managed_draining: expected one of ENABLED, DISABLED, got 'enabled'"]),
        ({"tags": {"k" * 129: "v"}}, "CreateCapacityProvider", ["tags[0].key: must have at most 128 character(s)"]),
    ],
)
def test_validation_names_the_option(options, operation, messages):
    body = request(GROUP_ARN, **options)
    if operation == "UpdateCapacityProvider":
        body["autoScalingGroupProvider"].pop("autoScalingGroupArn")
        body.pop("tags", None)
    with pytest.raises(RequestValidationError) as raised:
        prepare_request(ECS, operation, body)
    found = [option_path(error, OPTION_NAMES) for error in raised.value.errors]
    assert len(found) == len(messages)
    for error, start in zip(found, messages):
        assert error.startswith(start), error


def test_validation_coerces_numbers_given_as_strings():
    body = prepare_request(ECS, "CreateCapacityProvider", request(GROUP_ARN, managed_scaling=scaling(target_capacity="90", maximum_scaling_step_size="4")))
    assert body["autoScalingGroupProvider"]["managedScaling"] == {"targetCapacity": 90, "maximumScalingStepSize": 4}


# -- views -----------------------------------------------------------------------------------


def test_provider_view_of_a_recorded_answer():
    assert provider_view(RECORDED) == {
        "name": "edge-workers",
        "autoScalingGroupProvider": RECORDED["autoScalingGroupProvider"],
        "tags": {"team": "edge", "aws:cloudformation:stack-name": "base"},
    }
    assert provider_view(FARGATE) == {"name": "FARGATE", "autoScalingGroupProvider": {}, "tags": {}}


# -- plan ------------------------------------------------------------------------------------


def recorded(**provider):
    answer = copy.deepcopy(RECORDED)
    answer["autoScalingGroupProvider"].update(provider)
    return answer


@pytest.mark.parametrize(
    "options, current, update, tags, before, after",
    [
        # Nothing set but the name: nothing compared.
        ({}, RECORDED, None, ({}, []), {}, {}),
        # The same group, given by ARN.
        ({}, RECORDED, None, ({}, []), {"autoScalingGroupArn": GROUP_ARN}, {"autoScalingGroupArn": GROUP_ARN}),
        # What is set and equal is no change, whatever AWS adds.
        (
            {"managed_scaling": scaling(status="ENABLED", target_capacity="90"), "managed_draining": "ENABLED"},
            RECORDED,
            None,
            ({}, []),
            {"managedScaling": {"status": "ENABLED", "targetCapacity": 90}, "managedDraining": "ENABLED"},
            {"managedScaling": {"status": "ENABLED", "targetCapacity": 90}, "managedDraining": "ENABLED"},
        ),
        # One member of managed scaling: the update sends the others as they are.
        (
            {"managed_scaling": scaling(target_capacity=75)},
            RECORDED,
            {
                "managedScaling": {
                    "status": "ENABLED",
                    "targetCapacity": 75,
                    "minimumScalingStepSize": 1,
                    "maximumScalingStepSize": 4,
                    "instanceWarmupPeriod": 300,
                },
                "managedTerminationProtection": "DISABLED",
                "managedDraining": "ENABLED",
            },
            ({}, []),
            {"managedScaling": {"targetCapacity": 90}},
            {"managedScaling": {"targetCapacity": 75}},
        ),
        # Managed draining off; AWS's other settings go along unchanged.
        (
            {"managed_draining": "DISABLED"},
            RECORDED,
            dict(copy.deepcopy(RECORDED["autoScalingGroupProvider"]), managedDraining="DISABLED"),
            ({}, []),
            {"managedDraining": "ENABLED"},
            {"managedDraining": "DISABLED"},
        ),
        # A provider made before managed draining existed has no such member; setting it is a change.
        (
            {"managed_draining": "ENABLED"},
            dict(RECORDED, autoScalingGroupProvider={key: value for key, value in RECORDED["autoScalingGroupProvider"].items() if key != "managedDraining"}),
            {key: value for key, value in RECORDED["autoScalingGroupProvider"].items() if key != "autoScalingGroupArn"},
            ({}, []),
            {},
            {"managedDraining": "ENABLED"},
        ),
    ],
)
def test_plan_present_settings(options, current, update, tags, before, after):
    if before.get("autoScalingGroupArn"):
        options = dict(options, auto_scaling_group_arn=GROUP_ARN)
    body = prepare_request(ECS, "CreateCapacityProvider", request(options.get("auto_scaling_group_arn") or "unset", **options))
    if not options.get("auto_scaling_group_arn"):
        del body["autoScalingGroupProvider"]["autoScalingGroupArn"]
    plan = plan_present(body, current)
    if update is None:
        assert plan.call("update_capacity_provider") is None
    else:
        expected = copy.deepcopy(update)
        expected.pop("autoScalingGroupArn", None)
        assert plan.call("update_capacity_provider") == {"name": "edge-workers", "autoScalingGroupProvider": expected}
    assert (plan.call("update_tags") or ({}, [])) == tags
    assert plan.changed == (update is not None)
    assert not plan.planned("create_capacity_provider") and not plan.planned("delete_capacity_provider")
    assert plan.diff == {
        "before": {"name": "edge-workers", "autoScalingGroupProvider": before},
        "after": {"name": "edge-workers", "autoScalingGroupProvider": after},
    }


@pytest.mark.parametrize(
    "tags, purge, to_set, to_unset, after",
    [
        ({"team": "edge"}, True, {}, [], {"team": "edge", "aws:cloudformation:stack-name": "base"}),
        ({"team": "edge"}, False, {}, [], {"team": "edge", "aws:cloudformation:stack-name": "base"}),
        ({"site": "berlin"}, False, {"site": "berlin"}, [], {"team": "edge", "site": "berlin", "aws:cloudformation:stack-name": "base"}),
        ({"site": "berlin"}, True, {"site": "berlin"}, ["team"], {"site": "berlin", "aws:cloudformation:stack-name": "base"}),
        ({}, True, {}, ["team"], {"aws:cloudformation:stack-name": "base"}),  # aws: tags are never purged
        ({"team": "core"}, True, {"team": "core"}, [], {"team": "core", "aws:cloudformation:stack-name": "base"}),
    ],
)
def test_plan_present_tags(tags, purge, to_set, to_unset, after):
    plan = plan_present(request(tags=tags), RECORDED, purge_tags=purge)
    assert (plan.call("update_tags") or ({}, [])) == (to_set, to_unset)
    assert not plan.planned("update_capacity_provider")
    assert plan.changed == bool(to_set or to_unset)
    assert plan.diff["before"]["tags"] == provider_view(RECORDED)["tags"]
    assert plan.diff["after"]["tags"] == after


def test_plan_present_creates():
    body = request(GROUP_ARN, managed_scaling=scaling(status="ENABLED"), tags={"team": "edge"})
    plan = plan_present(body, None)
    assert plan.calls == [("create_capacity_provider", body)]
    assert plan.changed
    assert settings_after(body, None) == {"autoScalingGroupArn": GROUP_ARN, "managedScaling": {"status": "ENABLED"}}
    assert plan.diff == {
        "before": {},
        "after": {
            "name": "edge-workers",
            "autoScalingGroupProvider": {"autoScalingGroupArn": GROUP_ARN, "managedScaling": {"status": "ENABLED"}},
            "tags": {"team": "edge"},
        },
    }


@pytest.mark.parametrize(
    "body, current, option, message",
    [
        (request(), None, "auto_scaling_group_arn", "auto_scaling_group_arn or auto_scaling_group_name is required to create capacity provider edge-workers"),
        (request(OTHER_ARN), RECORDED, "auto_scaling_group_arn", "auto_scaling_group_arn: capacity provider edge-workers uses Auto Scaling group " + GROUP_ARN),
        (request(OTHER_ARN), RECORDED, "auto_scaling_group_name", "auto_scaling_group_name: capacity provider edge-workers uses"),
    ],
)
def test_plan_present_refuses(body, current, option, message):
    with pytest.raises(Refused) as raised:
        plan_present(body, current, group_option=option)
    assert str(raised.value).startswith(message)


def test_plan_present_settings_after_an_update_hold_the_whole_provider():
    body = request(managed_termination_protection="ENABLED")
    assert plan_present(body, RECORDED).planned("update_capacity_provider")
    assert settings_after(body, RECORDED) == dict(RECORDED["autoScalingGroupProvider"], managedTerminationProtection="ENABLED")


@pytest.mark.parametrize("current, changed", [(RECORDED, True), (None, False)])
def test_plan_absent(current, changed):
    plan = plan_absent(current)
    assert plan.planned("delete_capacity_provider") == changed == plan.changed
    assert plan.diff == {"before": provider_view(RECORDED) if current else {}, "after": {}}


# -- what AWS would refuse after the write ---------------------------------------------------

PROTECTED = {"AutoScalingGroupName": "edge-workers", "AutoScalingGroupARN": GROUP_ARN, "NewInstancesProtectedFromScaleIn": True}
UNPROTECTED = dict(PROTECTED, NewInstancesProtectedFromScaleIn=False)


@pytest.mark.parametrize(
    "settings, group, expected",
    [
        ({}, None, []),
        ({"managedScaling": {"minimumScalingStepSize": 4, "maximumScalingStepSize": 4}}, None, []),
        ({"managedScaling": {"minimumScalingStepSize": 5, "maximumScalingStepSize": 4}}, None, ["managed_scaling.minimum_scaling_step_size: must not exceed"]),
        ({"managedScaling": {"minimumScalingStepSize": 5}}, None, []),  # the other one is AWS's default, unknown here
        ({"managedTerminationProtection": "ENABLED", "managedScaling": {"status": "ENABLED"}}, PROTECTED, []),
        ({"managedTerminationProtection": "ENABLED"}, None, []),  # managed scaling unknown: left to AWS
        (
            {"managedTerminationProtection": "ENABLED", "managedScaling": {"status": "DISABLED"}},
            None,
            ["managed_termination_protection: ENABLED needs managed_scaling.status"],
        ),
        (
            {"managedTerminationProtection": "ENABLED", "managedScaling": {"status": "ENABLED"}},
            UNPROTECTED,
            ["managed_termination_protection: ENABLED needs Auto Scaling group edge-workers (auto_scaling_group_arn)"],
        ),
        ({"managedTerminationProtection": "DISABLED", "managedScaling": {"status": "DISABLED"}}, UNPROTECTED, []),
        (
            {"managedTerminationProtection": "ENABLED", "managedScaling": {"status": "DISABLED", "minimumScalingStepSize": 9, "maximumScalingStepSize": 1}},
            UNPROTECTED,
            [
                "managed_scaling.minimum_scaling_step_size",
                "managed_termination_protection: ENABLED needs managed_scaling",
                "managed_termination_protection: ENABLED needs Auto",
            ],
        ),
    ],
)
def test_settings_errors(settings, group, expected):
    errors = settings_errors(settings, group)
    assert len(errors) == len(expected)
    for error, start in zip(errors, expected):
        assert error.startswith(start), error


# -- calls -----------------------------------------------------------------------------------


@pytest.fixture(name="ecs")
def fixture_ecs():
    raw = boto3.client("ecs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(raw) as stubber:
        yield RetryingBotoClientWrapper(raw, RETRY), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


def test_every_provider_is_listed_page_by_page_with_tags(ecs):
    client, stubber = ecs
    stubber.add_response("describe_capacity_providers", {"capacityProviders": [FARGATE], "nextToken": "page-2"}, {"include": ["TAGS"]})
    stubber.add_response("describe_capacity_providers", {"capacityProviders": [RECORDED]}, {"include": ["TAGS"], "nextToken": "page-2"})
    assert [item["name"] for item in api.describe_capacity_providers(client)] == ["FARGATE", "edge-workers"]


def test_names_are_described_a_hundred_at_a_time(ecs):
    client, stubber = ecs
    names = [f"p{number}" for number in range(150)]
    stubber.add_response("describe_capacity_providers", {"capacityProviders": [RECORDED]}, {"include": ["TAGS"], "capacityProviders": names[:100]})
    stubber.add_response(
        "describe_capacity_providers",
        {"capacityProviders": [], "failures": [{"arn": "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/p149", "reason": "MISSING"}]},
        {"include": ["TAGS"], "capacityProviders": names[100:]},
    )
    assert api.describe_capacity_providers(client, names) == [RECORDED]


@pytest.mark.parametrize(
    "answer, expected",
    [
        ([RECORDED], RECORDED),
        ([dict(RECORDED, status="INACTIVE", updateStatus="DELETE_COMPLETE")], None),  # deleted, still listed for a while
        ([], None),
    ],
)
def test_get_capacity_provider(ecs, answer, expected):
    client, stubber = ecs
    stubber.add_response("describe_capacity_providers", {"capacityProviders": answer}, {"include": ["TAGS"], "capacityProviders": ["edge-workers"]})
    assert api.get_capacity_provider(client, "edge-workers") == expected


def cluster(name, providers, status="ACTIVE"):
    return {"clusterArn": f"arn:aws:ecs:eu-west-1:123456789012:cluster/{name}", "clusterName": name, "status": status, "capacityProviders": providers}


def test_clusters_using_a_provider_by_name_or_arn(ecs):
    client, stubber = ecs
    clusters = [
        cluster("b", ["edge-workers"]),
        cluster("a", [PROVIDER_ARN, "FARGATE"]),
        cluster("c", ["FARGATE"]),
        cluster("old", ["edge-workers"], "INACTIVE"),
    ]
    stubber.add_response("list_clusters", {"clusterArns": [item["clusterArn"] for item in clusters]}, {})
    stubber.add_response("describe_clusters", {"clusters": clusters}, {"clusters": [item["clusterArn"] for item in clusters], "include": CLUSTER_INCLUDE})
    assert api.clusters_using(client, "edge-workers", PROVIDER_ARN) == ["a", "b"]


def test_a_refusal_names_the_action(ecs):
    client, stubber = ecs
    stubber.add_client_error("delete_capacity_provider", "ClientException", "The specified capacity provider is in use and cannot be removed.", 400)
    with pytest.raises(AnsibleECSError) as raised:
        api.delete_capacity_provider(client, "edge-workers")
    assert raised.value.message == "Failed to delete capacity provider edge-workers (DeleteCapacityProvider)"
    assert "in use" in str(raised.value.exception)


@pytest.mark.parametrize(
    "answers, deleted",
    [
        ([dict(RECORDED, updateStatus="UPDATE_IN_PROGRESS"), RECORDED], False),
        ([{key: value for key, value in RECORDED.items() if key != "updateStatus"}], False),  # a new provider may have no update status
        ([dict(RECORDED, updateStatus="DELETE_IN_PROGRESS"), dict(RECORDED, status="INACTIVE", updateStatus="DELETE_COMPLETE")], True),
        ([dict(RECORDED, updateStatus="DELETE_IN_PROGRESS"), None], True),  # gone: MISSING
    ],
)
def test_waiting_until_settled(ecs, answers, deleted):
    client, stubber = ecs
    for answer in answers:
        body = {"capacityProviders": [answer]} if answer else {"capacityProviders": [], "failures": [{"arn": PROVIDER_ARN, "reason": "MISSING"}]}
        stubber.add_response("describe_capacity_providers", body, {"capacityProviders": ["edge-workers"]})
    api.wait_for_capacity_provider(client, "edge-workers", deleted, 60)


@pytest.mark.parametrize("status, deleted", [("UPDATE_FAILED", False), ("CREATE_FAILED", False), ("DELETE_FAILED", True)])
def test_a_failed_update_gives_the_reason(ecs, status, deleted):
    client, stubber = ecs
    failed = dict(RECORDED, updateStatus=status, updateStatusReason="The Auto Scaling group is in use by another capacity provider.")
    # The failure shows what the waiter's own answer said: no second read.
    stubber.add_response("describe_capacity_providers", {"capacityProviders": [failed]}, {"capacityProviders": ["edge-workers"]})
    with pytest.raises(WaitFailed) as raised:
        api.wait_for_capacity_provider(client, "edge-workers", deleted, 60)
    assert str(raised.value).startswith(f"gave up waiting for capacity provider edge-workers to {'be deleted' if deleted else 'settle'}: last seen")
    assert str(raised.value).endswith(
        f"status=ACTIVE updateStatus={status} updateStatusReason=The Auto Scaling group is in use by another capacity provider."
    )


def test_waiting_gives_up_after_the_timeout(ecs):
    client, stubber = ecs
    busy = dict(RECORDED, updateStatus="UPDATE_IN_PROGRESS")
    attempts = custom_waiter_config(10, default_pause=5)["MaxAttempts"]
    for _attempt in range(attempts):
        stubber.add_response("describe_capacity_providers", {"capacityProviders": [busy]}, {"capacityProviders": ["edge-workers"]})
    with pytest.raises(TimedOut) as raised:
        api.wait_for_capacity_provider(client, "edge-workers", False, 10)
    assert str(raised.value).startswith("timed out after 10 s waiting for capacity provider edge-workers to settle: last seen")
    assert "updateStatus=UPDATE_IN_PROGRESS" in str(raised.value)
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "arn, name",
    [
        (GROUP_ARN, "edge-workers"),
        ("arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:id:autoScalingGroupName/with/slash", "with/slash"),
        ("edge-workers", None),
    ],
)
def test_group_name_of(arn, name):
    assert api.group_name_of(arn) == name
