"""The rule tables: what AWS states and botocore's model does not encode, refused by option path before any call."""

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils import rules as v
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError


@pytest.mark.parametrize(
    "table, params, errors",
    [
        (v.ECS_CLUSTER_RULES, {"name": "edge"}, []),
        (v.ECS_CLUSTER_RULES, {"name": "edge site"}, ["name: must be 1 to 255 letters, numbers, hyphens and underscores, got 'edge site'"]),
        (v.ECS_CLUSTER_RULES, {"name": "e" * 255}, []),
        (v.ECS_CLUSTER_RULES, {"name": "edge", "tags": {"aws:owner": "me"}}, ["tags[0].key: 'aws:owner' starts with aws:, which AWS reserves"]),
        (v.ECS_CLUSTER_RULES, {"name": "edge", "tags": {f"k{i}": "v" for i in range(50)}}, []),
        (v.ECS_CLUSTER_RULES, {"name": "edge", "tags": {f"k{i}": "v" for i in range(51)}}, ["tags: must have at most 50 element(s), got 51"]),
        (v.ECS_CLUSTER_RULES, {"name": "edge", "wait_timeout": 0}, ["wait_timeout: must be at least 1, got 0"]),
        (v.ECS_SERVICE_RULES, {"name": "web", "task_definition": "web:0"}, ["task_definition: revision must be at least 1, got 'web:0'"]),
        (v.ECS_SERVICE_RULES, {"name": "web", "task_definition": "web:3"}, []),
        (v.ECS_SERVICE_RULES, {"name": "web", "task_definition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"}, []),
        (v.ECS_SERVICE_RULES, {"name": "web", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/edge"}, []),
        (v.ECS_SERVICE_RULES, {"name": "web", "desired_count": -1}, ["desired_count: must be at least 0, got -1"]),
        (v.ECS_SERVICE_RULES, {"name": "web", "load_balancers": [{"container_port": 80}, {"container_port": 65536}]},
         ["load_balancers[1].container_port: must be at most 65535, got 65536"]),
        (v.ECS_SERVICE_RULES, {"name": "web", "placement_constraints": [{"type": "memberOf"}]},
         ["placement_constraints[0].expression: is required with type memberOf"]),
        (v.ECS_SERVICE_RULES, {"name": "web", "placement_strategy": [{"type": "spread", "field": "instanceId"}]}, []),
        (v.ECS_SERVICE_RULES, {"name": "web", "role": ""}, ["role: must not be empty"]),
        (v.ECS_SERVICE_RULES, {"name": "web", "role": "arn:aws:iam::123456789012:user/bob"},
         ["role: expected an IAM role name (up to 64 characters) or role ARN, got 'arn:aws:iam::123456789012:user/bob'"]),
        (v.ECS_TASK_RULES, {"tasks": ["0123456789abcdef0123456789abcdef", "arn:aws:ecs:us-east-1:123456789012:task/edge/0123456789abcdef0123456789abcdef"]},
         []),
        (v.ECS_TASK_RULES, {"tasks": ["nope"]}, ["tasks[0]: expected a task id or task ARN, got 'nope'"]),
        (v.ECS_TASK_DEFINITION_RULES, {"definition": {"family": "web", "containerDefinitions": [{"name": "a"}, {"name": "a"}]}},
         ["definition.containerDefinitions[1].name: must be unique, 'a' is used by an earlier element"]),
        (v.ECS_TASK_DEFINITION_RULES, {"definition": {"family": "web", "containerDefinitions": []}},
         ["definition.containerDefinitions: must have at least one element"]),
        (v.ECS_TASK_DEFINITION_RULES, {"definition": {"family": "web", "memory": "1 GB", "cpu": "0.25 vCPU", "containerDefinitions": [{"name": "a"}]}}, []),
        (v.ECS_TASK_DEFINITION_RULES, {"definition": {"family": "web", "memory": "512", "cpu": 256, "containerDefinitions": [{"name": "a"}]}}, []),
        (v.ECS_TASK_DEFINITION_RULES, {"definition": {"family": "web", "memory": "lots", "containerDefinitions": [{"name": "a"}]}},
         ["definition.memory: expected a number or a string such as '1 GB', got 'lots'"]),
        (v.ECS_TASK_DEFINITION_RULES, {"revision": 0}, ["revision: must be at least 1, got 0"]),
        (v.ECS_TASK_DEFINITION_RULES, {"definition": {"family": "web", "cpu": ".25 vCPU", "memory": "0.5GB", "containerDefinitions": [{"name": "a"}]}}, []),
        (v.SSM_ACTIVATION_RULES, {"name": "edge", "iam_role": "ecsAnywhereRole"}, []),
        (v.SSM_ACTIVATION_RULES, {"name": "edge", "iam_role": "arn:aws:iam::123456789012:role/hybrid/edgeRole"}, []),
        (v.SSM_ACTIVATION_RULES, {"name": "edge", "iam_role": "hybrid/edgeRole"}, []),
        (v.ECS_CLUSTER_RULES, {"name": "edge", "tags": {"team": "edge", "": "x"}}, ["tags[1].key: must have at least 1 character(s)"]),
        (v.SSM_ACTIVATION_RULES, {"name": "", "iam_role": ""}, ["name: must not be empty", "iam_role: must not be empty"]),
        (v.SSM_ACTIVATION_RULES, {"id": "0f3b2c1d-aaaa-bbbb-cccc-0123456789ab"}, []),
        (v.SSM_MANAGED_INSTANCE_RULES, {"instance_ids": ["mi-0123456789abcdef0", "mi-xyz"]},
         ["instance_ids[1]: expected a managed instance id (mi- and 17 hexadecimal digits), got 'mi-xyz'"]),
        (v.SSM_MANAGED_INSTANCE_INFO_RULES, {"instance_ids": ["i-0123456789abcdef0", "i-01234567"]}, []),
        (v.ECS_CAPACITY_PROVIDER_INFO_RULES, {"names": ["edge-asg", "arn:aws:ecs:us-east-1:123456789012:capacity-provider/edge-asg", "edge asg"]},
         ["names[2]: must be a name (1 to 255 letters, numbers, hyphens and underscores) or an ARN, got 'edge asg'"]),
        (v.ECS_TASK_DEFINITION_INFO_RULES, {"task_definitions": ["web", "web:1", ""]},
         ["task_definitions[2]: expected a family, family:revision or ARN, got ''"]),
    ],
)
def test_rule_errors(table, params, errors):
    assert v.rule_errors(table, params) == errors


@pytest.mark.parametrize(
    "params, errors",
    [
        ({"capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE"}]}, []),
        ({"capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT"}]},
         ["default_capacity_provider_strategy[0].capacity_provider: 'FARGATE_SPOT' is not in capacity_providers"]),
        ({"capacity_providers": None, "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT"}]}, []),  # left as they are
        ({"execute_command_configuration": {"logging": "OVERRIDE"}}, ["execute_command_configuration.log_configuration: is required with logging OVERRIDE"]),
        ({"execute_command_configuration": {"logging": "OVERRIDE", "log_configuration": {"s3_bucket_name": "logs"}}}, []),
    ],
)
def test_cluster_rules_across_options(params, errors):
    assert v.ecs_cluster_cross_errors(params) == errors


@pytest.mark.parametrize(
    "value, error",
    [
        ("edge-asg", None),
        ("ecs-edge", "cannot start with aws, ecs or fargate, got 'ecs-edge'"),
        ("FARGATE", "cannot start with aws, ecs or fargate, got 'FARGATE'"),
    ],
)
def test_capacity_provider_name(value, error):
    assert v.capacity_provider_name()(value) == error


def test_task_definition_external_awsvpc():
    definition = {"requiresCompatibilities": ["EXTERNAL"], "networkMode": "awsvpc"}
    assert v.task_definition_cross_errors({"definition": definition}) == ["definition.networkMode: EXTERNAL supports bridge, host and none, not awsvpc"]
    assert v.task_definition_cross_errors({"definition": dict(definition, networkMode="bridge")}) == []


def test_refusal_names_every_option():
    with pytest.raises(RequestValidationError) as refused:
        v.refuse_broken_rules(v.ECS_SERVICE_RULES, {"name": "", "desired_count": -2}, ["extra: wrong"])
    assert refused.value.errors[0].startswith("name: ") and refused.value.errors[1:] == ["desired_count: must be at least 0, got -2", "extra: wrong"]
