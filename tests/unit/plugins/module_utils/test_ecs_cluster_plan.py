"""ecs_cluster's pure part: the request from the options, normalisation of both sides, the plan."""

import copy

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import OPTION_NAMES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import blocker_names
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import cluster_view
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import create_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import request_view
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import option_path

NAMESPACE_ARN = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abcdefgh12345678"

# A DescribeClusters answer as AWS gives it (include ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS, TAGS).
RECORDED = {
    "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/edge",
    "clusterName": "edge",
    "configuration": {
        "executeCommandConfiguration": {
            "logging": "OVERRIDE",
            "logConfiguration": {"cloudWatchLogGroupName": "/ecs/edge/exec", "cloudWatchEncryptionEnabled": False, "s3EncryptionEnabled": False},
        }
    },
    "status": "ACTIVE",
    "registeredContainerInstancesCount": 2,
    "runningTasksCount": 1,
    "pendingTasksCount": 0,
    "activeServicesCount": 1,
    "statistics": [],
    "tags": [{"key": "team", "value": "edge"}, {"key": "aws:cloudformation:stack-name", "value": "base"}],
    "settings": [{"name": "containerInsights", "value": "enabled"}],
    "capacityProviders": ["FARGATE_SPOT", "FARGATE"],
    "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}],
    "attachments": [],
    "attachmentsStatus": "UPDATE_COMPLETE",
    "serviceConnectDefaults": {"namespace": NAMESPACE_ARN},
}
# The same cluster right after a bare CreateCluster.
RECORDED_BARE = {
    "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/edge",
    "clusterName": "edge",
    "status": "ACTIVE",
    "registeredContainerInstancesCount": 0,
    "runningTasksCount": 0,
    "pendingTasksCount": 0,
    "activeServicesCount": 0,
    "statistics": [],
    "tags": [],
    "settings": [{"name": "containerInsights", "value": "disabled"}],
    "capacityProviders": [],
    "defaultCapacityProviderStrategy": [],
}


def params(**options):
    base = dict.fromkeys(
        ["container_insights", "execute_command_configuration", "capacity_providers", "default_capacity_provider_strategy", "service_connect_defaults", "tags"]
    )
    base.update(name="edge", purge_tags=True)
    base.update(options)
    return base


EXEC_OVERRIDE = {
    "kms_key_id": None,
    "logging": "OVERRIDE",
    "log_configuration": {
        "cloud_watch_log_group_name": "/ecs/edge/exec",
        "cloud_watch_encryption_enabled": None,
        "s3_bucket_name": None,
        "s3_encryption_enabled": None,
        "s3_key_prefix": None,
    },
}
MATCHING = params(
    container_insights="enabled",
    execute_command_configuration=EXEC_OVERRIDE,
    capacity_providers=["FARGATE", "FARGATE_SPOT"],
    default_capacity_provider_strategy=[{"capacity_provider": "FARGATE", "weight": 1, "base": None}],
    service_connect_defaults={"namespace": NAMESPACE_ARN},
    tags={"team": "edge"},
)


def test_create_request_holds_only_what_is_set():
    assert create_request(params()) == {"clusterName": "edge"}
    assert create_request(MATCHING) == {
        "clusterName": "edge",
        "settings": [{"name": "containerInsights", "value": "enabled"}],
        "configuration": {"executeCommandConfiguration": {"logging": "OVERRIDE", "logConfiguration": {"cloudWatchLogGroupName": "/ecs/edge/exec"}}},
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
        "serviceConnectDefaults": {"namespace": NAMESPACE_ARN},
        "tags": [{"key": "team", "value": "edge"}],
    }


@pytest.mark.parametrize(
    "options, cluster, namespace",
    [
        (MATCHING, RECORDED, None),
        # A namespace given by name matches the ARN AWS returns once resolved.
        (dict(MATCHING, service_connect_defaults={"namespace": "edge"}), RECORDED, "edge"),
        # AWS's defaults: logging DEFAULT, encryption off, weight and base 0, an empty strategy.
        (params(execute_command_configuration={"kms_key_id": None, "logging": None, "log_configuration": None}), RECORDED_BARE, None),
        (params(execute_command_configuration={"kms_key_id": "", "logging": "DEFAULT", "log_configuration": None}), RECORDED_BARE, None),
        (params(container_insights="disabled", capacity_providers=[], default_capacity_provider_strategy=[], tags={}), RECORDED_BARE, None),
        (params(service_connect_defaults={"namespace": ""}), RECORDED_BARE, None),
        (params(default_capacity_provider_strategy=[{"capacity_provider": "FARGATE", "weight": 1, "base": 0}]), RECORDED, None),
    ],
)
def test_normalised_sides_agree(options, cluster, namespace):
    desired = request_view(create_request(options))
    current = cluster_view(cluster, namespace)
    for key, value in desired.items():
        if key == "tags":
            continue  # aws: tags are AWS's; compare_aws_tags leaves them be
        assert current[key] == value, key
    plan = plan_present(create_request(options), cluster, purge_tags=True, namespace=namespace)
    assert not plan.changed
    assert plan.diff["before"] == plan.diff["after"]


def test_new_cluster_is_one_create_call():
    request = create_request(MATCHING)
    plan = plan_present(request, None)
    assert plan.changed and plan.calls == [("create_cluster", request)]
    assert plan.diff["before"] == {}
    assert plan.diff["after"]["clusterName"] == "edge"
    assert plan.diff["after"]["settings"] == {"containerInsights": "enabled"}


# The plan's calls by the part of the cluster they change.
CALLS = {"settings": "update_cluster_settings", "update": "update_cluster", "capacity": "put_cluster_capacity_providers", "tags": "update_tags"}


@pytest.mark.parametrize(
    "options, purge, call, expected, diff_key",
    [
        (params(container_insights="enhanced"), True, "settings", [{"name": "containerInsights", "value": "enhanced"}], "settings"),
        (
            params(execute_command_configuration={"kms_key_id": None, "logging": "NONE", "log_configuration": None}),
            True,
            "update",
            {"configuration": {"executeCommandConfiguration": {"logging": "NONE"}}},
            "executeCommandConfiguration",
        ),
        (params(service_connect_defaults={"namespace": ""}), True, "update", {"serviceConnectDefaults": {"namespace": ""}}, "serviceConnectDefaults"),
        (params(service_connect_defaults={"namespace": "other"}), True, "update", {"serviceConnectDefaults": {"namespace": "other"}}, "serviceConnectDefaults"),
        # PutClusterCapacityProviders needs both; the one not set is sent as it is.
        (
            params(capacity_providers=["FARGATE"]),
            True,
            "capacity",
            (["FARGATE"], [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]),
            "capacityProviders",
        ),
        (
            params(default_capacity_provider_strategy=[{"capacity_provider": "FARGATE_SPOT", "weight": 2, "base": None}]),
            True,
            "capacity",
            (["FARGATE", "FARGATE_SPOT"], [{"capacityProvider": "FARGATE_SPOT", "weight": 2}]),
            "defaultCapacityProviderStrategy",
        ),
        (params(tags={"team": "core"}), True, "tags", ({"team": "core"}, []), "tags"),
        (params(tags={"site": "berlin"}), True, "tags", ({"site": "berlin"}, ["team"]), "tags"),
        (params(tags={"site": "berlin"}), False, "tags", ({"site": "berlin"}, []), "tags"),
        (params(tags={}), True, "tags", ({}, ["team"]), "tags"),
    ],
)
def test_one_change_one_call(options, purge, call, expected, diff_key):
    plan = plan_present(create_request(options), copy.deepcopy(RECORDED), purge_tags=purge)
    assert plan.changed
    assert plan.calls == [(CALLS[call], expected)]
    assert plan.diff["before"][diff_key] != plan.diff["after"][diff_key]
    # Nothing but what the user set shows in the diff.
    assert set(plan.diff["before"]) == {"clusterName", diff_key}


def test_tags_in_the_diff_follow_purge():
    purged = plan_present(create_request(params(tags={"site": "berlin"})), RECORDED, purge_tags=True)
    kept = plan_present(create_request(params(tags={"site": "berlin"})), RECORDED, purge_tags=False)
    aws_tag = {"aws:cloudformation:stack-name": "base"}
    assert purged.diff["after"]["tags"] == dict(aws_tag, site="berlin")
    assert kept.diff["after"]["tags"] == dict(aws_tag, site="berlin", team="edge")


@pytest.mark.parametrize(
    "role_exists, create_role, before, after",
    [
        (None, False, None, None),
        (True, False, "present", "present"),
        (False, True, "absent", "present"),
    ],
)
def test_service_linked_role_is_part_of_the_plan(role_exists, create_role, before, after):
    plan = plan_present(create_request(MATCHING), None, role_exists=role_exists)
    assert plan.planned("create_service_linked_role") is create_role
    assert plan.changed
    assert plan.diff["before"].get("serviceLinkedRole") == before
    assert plan.diff["after"].get("serviceLinkedRole") == after


def test_plan_absent():
    assert not plan_absent(None).changed
    plan = plan_absent(RECORDED)
    assert plan.changed and plan.calls == [("delete_cluster", None)]
    assert plan.diff["before"]["clusterName"] == "edge" and plan.diff["after"] == {}


def test_blocker_names():
    instances = [
        {"containerInstanceArn": "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/abc", "ec2InstanceId": "mi-0123456789abcdef0"},
        {"containerInstanceArn": "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/def"},
    ]
    services = [{"serviceName": "web"}, {"serviceName": "api"}]
    assert blocker_names(instances, services) == (["def", "mi-0123456789abcdef0"], ["api", "web"])


@pytest.mark.parametrize(
    "message, expected",
    [
        ("clusterName: is required", "name: is required"),
        ("settings[0].value: expected one of", "container_insights: expected one of"),
        (
            "defaultCapacityProviderStrategy[0].weight: must be at most 1000, got 2000",
            "default_capacity_provider_strategy[0].weight: must be at most 1000, got 2000",
        ),
        (
            "configuration.executeCommandConfiguration.logConfiguration.s3KeyPrefix: expected a string",
            "execute_command_configuration.log_configuration.s3_key_prefix: expected a string",
        ),
        ("tags[1].key: must have at least 1 element(s) or character(s)", "tags[1].key: must have at least 1 element(s) or character(s)"),
        ("no path here", "no path here"),
    ],
)
def test_option_path(message, expected):
    assert option_path(message, OPTION_NAMES) == expected
