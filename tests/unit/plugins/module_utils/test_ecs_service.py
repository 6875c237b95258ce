"""ecs_service's pure parts: options to request, what changed, what EXTERNAL cannot run."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import desired_settings
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import external_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import immutable_fields
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import network_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import plan_changes

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


def test_immutable_fields_come_from_the_model():
    fields = immutable_fields(botocore.session.get_session().get_service_model("ecs"))
    assert {"launchType", "schedulingStrategy", "role", "deploymentController"} <= set(fields)
    assert "desiredCount" not in fields and "taskDefinition" not in fields and "tags" not in fields


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
