"""ecs_service's pure parts: options to request, what changed, what EXTERNAL cannot run."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_FIELDS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_fields import FIELDS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_fields import SERVICE_ARGUMENT_SPEC
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_fields import desired_settings
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_fields import immutable_fields
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import changed_fields
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import external_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import network_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import plan_changes
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused

ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"
# A service as DescribeServices returns it, trimmed to what the comparison reads.
SERVICE = {
    "serviceName": "web",
    "taskDefinition": ARN,
    "launchType": "EXTERNAL",
    "desiredCount": 2,
    "schedulingStrategy": "REPLICA",
    "deploymentConfiguration": {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    },
    "placementConstraints": [{"type": "distinctInstance"}, {"type": "memberOf", "expression": "attribute:site == lab"}],
    "placementStrategy": [],
    "enableExecuteCommand": False,
    "propagateTags": "NONE",
    "roleArn": "arn:aws:iam::123456789012:role/ecsServiceRole",
}


def params(**given):
    return dict({option: None for option in (
        "task_definition", "launch_type", "capacity_provider_strategy", "desired_count", "deployment_configuration",
        "deployment_controller", "placement_constraints", "placement_strategy", "scheduling_strategy", "enable_execute_command",
        "propagate_tags", "enable_ecs_managed_tags", "health_check_grace_period_seconds", "network_configuration",
        "load_balancers", "service_registries", "role", "platform_version")}, **given)


MODEL = botocore.session.get_session().get_service_model("ecs")


def test_immutable_fields_agree_with_the_model():
    """The table's "updatable" column is what CreateService takes and UpdateService does not, and deploymentController."""
    create = set(MODEL.operation_model("CreateService").input_shape.members)
    update = set(MODEL.operation_model("UpdateService").input_shape.members)
    members = {field.member for field in FIELDS}
    assert set(immutable_fields()) == ((create - update) & members) | {"deploymentController"}
    assert "desiredCount" not in immutable_fields() and "taskDefinition" not in immutable_fields()


def test_field_table_names_create_service_members_and_options():
    create = MODEL.operation_model("CreateService").input_shape.members
    for field in FIELDS:
        assert field.member in create, field
        assert field.option in SERVICE_ARGUMENT_SPEC, field
        assert PLACEMENT_FIELDS.get(field.option, field.member) == field.member, field
        if field.set_like:
            assert create[field.member].type_name == "list", field


def test_desired_settings_spell_options_as_aws_does():
    settings = desired_settings(params(
        desired_count=2,
        deployment_configuration={"maximum_percent": 100, "minimum_healthy_percent": None,
                                  "deployment_circuit_breaker": {"enable": True, "rollback": True}, "alarms": None},
        network_configuration={"subnets": ["subnet-1"], "security_groups": None, "assign_public_ip": "DISABLED"},
        enable_ecs_managed_tags=True,
    ))
    assert settings == {
        "desiredCount": 2,
        "deploymentConfiguration": {"maximumPercent": 100, "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "DISABLED"}},
        "enableECSManagedTags": True,
    }


@pytest.mark.parametrize(
    "desired, changed",
    [
        ({}, []),
        ({"desiredCount": 2}, []),
        ({"desiredCount": 3}, ["desiredCount"]),
        ({"taskDefinition": ARN}, []),
        ({"taskDefinition": ARN.replace(":3", ":4")}, ["taskDefinition"]),
        # Only the members the user set are compared: AWS's defaults for the rest are no change.
        ({"deploymentConfiguration": {"maximumPercent": 200}}, []),
        ({"deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}}, ["deploymentConfiguration"]),
        # Constraints are a set.
        ({"placementConstraints": [{"type": "memberOf", "expression": "attribute:site == lab"}, {"type": "distinctInstance"}]}, []),
        ({"placementConstraints": [{"type": "distinctInstance"}]}, ["placementConstraints"]),
        ({"launchType": "EC2"}, ["launchType"]),
        ({"role": "ecsServiceRole"}, []),
        ({"enableExecuteCommand": True, "propagateTags": "NONE"}, ["enableExecuteCommand"]),
        ({"capacityProviderStrategy": [{"capacityProvider": "cp"}]}, ["capacityProviderStrategy"]),
    ],
)
def test_plan_changes_compares_only_what_is_set(desired, changed):
    fields, before, after = plan_changes(desired, SERVICE)
    assert fields == changed
    assert sorted(before) == sorted(after) == changed


def test_plan_changes_fills_capacity_provider_defaults():
    service = dict(SERVICE, capacityProviderStrategy=[{"capacityProvider": "cp", "weight": 0, "base": 0}])
    assert plan_changes({"capacityProviderStrategy": [{"capacityProvider": "cp"}]}, service)[0] == []


@pytest.mark.parametrize(
    "settings, task_definition, expected",
    [
        ({"launchType": "EXTERNAL"}, {"networkMode": "bridge", "compatibilities": ["EC2", "EXTERNAL"]}, []),
        ({"launchType": "EC2", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"]}}}, None, []),
        ({"launchType": "EXTERNAL", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"]}}}, None, ["network_configuration:"]),
        ({"launchType": "EXTERNAL", "loadBalancers": [{"containerName": "web"}]}, None, ["load_balancers:"]),
        ({"launchType": "EXTERNAL", "serviceRegistries": [{"registryArn": "arn"}]}, None, ["service_registries:"]),
        ({"launchType": "EXTERNAL"}, {"taskDefinitionArn": ARN, "networkMode": "awsvpc", "compatibilities": ["EC2", "EXTERNAL"]},
         ["task_definition: " + ARN + " uses network mode awsvpc"]),
        ({"launchType": "EXTERNAL"}, {"taskDefinitionArn": ARN, "networkMode": "awsvpc", "compatibilities": ["FARGATE"]},
         ["task_definition: " + ARN + " uses network mode awsvpc", "task_definition: " + ARN + " is compatible with FARGATE"]),
        ({"launchType": "EXTERNAL", "role": "ecsServiceRole"}, None, ["role:"]),
        ({"launchType": "EXTERNAL", "platformVersion": "LATEST"}, None, ["platform_version:"]),
        ({"launchType": "EXTERNAL", "capacityProviderStrategy": [{"capacityProvider": "cp"}]}, None, ["capacity_provider_strategy:"]),
        ({"launchType": "EXTERNAL", "deploymentController": {"type": "CODE_DEPLOY"}}, None, ["deployment_controller:"]),
        ({"launchType": "EXTERNAL", "deploymentController": {"type": "ECS"}}, None, []),
        ({"launchType": "EXTERNAL"}, {"taskDefinitionArn": ARN, "networkMode": "bridge", "requiresAttributes": [{"name": "ecs.capability.aws-appmesh"}]},
         ["task_definition: " + ARN + " requires ecs.capability.aws-appmesh"]),
        ({"launchType": "EXTERNAL"}, {"taskDefinitionArn": ARN, "networkMode": "bridge", "requiresAttributes": [{"name": "ecs.capability.efs"}]}, []),
    ],
)
def test_external_errors(settings, task_definition, expected):
    errors = external_errors(settings, task_definition)
    assert len(errors) == len(expected)
    for error, start in zip(errors, expected):
        assert error.startswith(start)


AWSVPC = {"taskDefinitionArn": ARN, "networkMode": "awsvpc"}
BRIDGE = {"taskDefinitionArn": ARN, "networkMode": "bridge"}
NETWORK = {"awsvpcConfiguration": {"subnets": ["s"]}}


@pytest.mark.parametrize(
    "settings, task_definition, creating, expected",
    [
        ({"networkConfiguration": NETWORK}, AWSVPC, True, []),
        ({"networkConfiguration": NETWORK}, BRIDGE, True, ["network_configuration: only for network mode awsvpc; " + ARN + " uses bridge"]),
        ({}, AWSVPC, True, ["network_configuration: required, " + ARN + " uses network mode awsvpc"]),
        ({}, AWSVPC, False, []),  # an existing service keeps its network configuration
        ({}, BRIDGE, True, []),
        ({"networkConfiguration": NETWORK}, None, True, []),
    ],
)
def test_network_errors(settings, task_definition, creating, expected):
    assert network_errors(settings, task_definition, creating) == expected


def present_params(**given):
    return dict({"name": "web", "tags": None, "purge_tags": True, "force_replace": False, "force_new_deployment": False}, **given)


@pytest.mark.parametrize(
    "settings, given, calls, changed",
    [
        ({"desiredCount": 2}, {}, [], []),
        ({"desiredCount": 3}, {}, [("update_service", {"desiredCount": 3})], ["desired_count"]),
        ({}, {"force_new_deployment": True}, [("update_service", {"forceNewDeployment": True})], ["force_new_deployment"]),
        ({}, {"tags": {"team": "edge"}}, [("update_tags", ({"team": "edge"}, []))], []),
    ],
)
def test_plan_present_updates_what_differs(settings, given, calls, changed):
    plan = plan_present(present_params(**given), settings, SERVICE)
    assert plan.calls == calls
    assert changed_fields(plan) == changed
    assert plan.changed == bool(calls)


def test_plan_present_refuses_an_immutable_change_without_force_replace():
    with pytest.raises(Refused, match="launch_type: cannot be changed on existing service web; set force_replace"):
        plan_present(present_params(), {"launchType": "EC2"}, SERVICE)


def test_replacing_a_daemon_service_sends_no_desired_count():
    daemon = dict(SERVICE, schedulingStrategy="DAEMON")
    plan = plan_present(present_params(force_replace=True), {"launchType": "EC2"}, daemon)
    settings, _tags = plan.call("replace_service")
    assert settings["launchType"] == "EC2" and settings["schedulingStrategy"] == "DAEMON" and "desiredCount" not in settings
    assert changed_fields(plan) == ["launch_type"]
    replica = plan_present(present_params(force_replace=True), {"launchType": "EC2"}, SERVICE).call("replace_service")[0]
    assert replica["desiredCount"] == 2
