"""Every module returns snake_case keys, AWS objects included, with tags as a dict; keys that are data are never rewritten."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import KEEP_KEYS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import snake_case
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import snake_case_key
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import snake_case_result
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import tags_as_dict


@pytest.mark.parametrize(
    "aws_object, expected",
    [
        ({"clusterName": "edge", "tags": [{"key": "team", "value": "edge"}]}, {"clusterName": "edge", "tags": {"team": "edge"}}),
        ({"ActivationId": "a", "Tags": [{"Key": "team", "Value": "edge"}]}, {"ActivationId": "a", "Tags": {"team": "edge"}}),
        ({"clusterName": "edge", "tags": []}, {"clusterName": "edge", "tags": {}}),
        ({"clusterName": "edge"}, {"clusterName": "edge"}),  # no tags asked for: none made up
        ({"tags": {"team": "edge"}}, {"tags": {"team": "edge"}}),  # already a dict
        ({}, {}),
        (None, None),
    ],
)
def test_tags_as_dict(aws_object, expected):
    assert tags_as_dict(aws_object) == expected


def test_the_object_given_is_left_alone():
    cluster = {"tags": [{"key": "team", "value": "edge"}]}
    tags_as_dict(cluster)
    snake_case(cluster)
    assert cluster == {"tags": [{"key": "team", "value": "edge"}]}


@pytest.mark.parametrize(
    "key, expected",
    [
        ("clusterArn", "cluster_arn"),
        ("ActivationId", "activation_id"),
        ("IPAddress", "ip_address"),
        ("enableECSManagedTags", "enable_ecs_managed_tags"),
        ("registeredContainerInstancesCount", "registered_container_instances_count"),
        ("ec2InstanceId", "ec2_instance_id"),
        ("already_snake", "already_snake"),
    ],
)
def test_snake_case_key(key, expected):
    assert snake_case_key(key) == expected


def test_ecs_and_ssm_objects_at_any_depth():
    result = {
        "clusters": [{"clusterArn": "arn", "settings": [{"name": "containerInsights", "value": "enabled"}], "tags": [{"key": "Team", "value": "x"}]}],
        "activation": {"ActivationId": "a", "Tags": [{"Key": "hybridops:activation-name", "Value": "edge"}]},
    }
    assert snake_case_result(result) == {
        "clusters": [{"cluster_arn": "arn", "settings": [{"name": "containerInsights", "value": "enabled"}], "tags": {"Team": "x"}}],
        "activation": {"activation_id": "a", "tags": {"hybridops:activation-name": "edge"}},
    }


def test_tag_keys_and_docker_labels_are_never_rewritten():
    """Keys that are data (tags, labels, driver options, attribute names) keep their casing, however deep."""
    tags = {"CostCentre": "42", "aws:cloudformation:stackName": "Edge", "TeamName": "edge", "lower": "v"}
    definition = {
        "taskDefinitionArn": "arn",
        "containerDefinitions": [
            {
                "name": "web",
                "dockerLabels": {"com.example.MyLabel": "1", "TraefikEnable": "true"},
                "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch", "log_group_name": "g", "autoCreateGroup": "true"}},
                "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true", "configFilePath": "/f"}},
                "environment": [{"name": "SiteName", "value": "edge"}],
            }
        ],
        "volumes": [{"name": "data", "dockerVolumeConfiguration": {"driverOpts": {"SomeOpt": "x"}, "labels": {"BackupPolicy": "daily"}}}],
        "tags": [{"key": key, "value": value} for key, value in tags.items()],
    }
    result = snake_case_result({"task_definitions": [definition], "tags": tags})
    [converted] = result["task_definitions"]
    assert result["tags"] == tags
    assert converted["tags"] == tags
    container = converted["container_definitions"][0]
    assert container["docker_labels"] == {"com.example.MyLabel": "1", "TraefikEnable": "true"}
    assert container["log_configuration"] == {"log_driver": "awsfirelens", "options": {"Name": "cloudwatch", "log_group_name": "g", "autoCreateGroup": "true"}}
    assert container["firelens_configuration"]["options"] == {"enable-ecs-log-metadata": "true", "configFilePath": "/f"}
    assert container["environment"] == [{"name": "SiteName", "value": "edge"}]  # values are never converted
    assert converted["volumes"][0]["docker_volume_configuration"] == {"driver_opts": {"SomeOpt": "x"}, "labels": {"BackupPolicy": "daily"}}


def test_container_instance_maps_keep_their_keys():
    summary = {"ec2_instance_id": "mi-1", "attributes": {"ecs.os-type": "linux", "MySite": "lab"}, "registered_resources": {"CPU": 1024, "PORTS": ["22"]}}
    assert snake_case_result({"container_instances": [summary]}) == {"container_instances": [summary]}


def test_the_diff_is_snake_case_but_for_the_definition_the_user_wrote():
    definition = {"family": "web", "containerDefinitions": [{"name": "web", "dockerLabels": {"A": "1"}}]}
    diff = {"before": {"definition": definition, "tags": {"Team": "x"}}, "after": {"desiredCount": 2, "autoScalingGroupProvider": {"autoScalingGroupArn": "a"}}}
    assert snake_case_result({"diff": diff, "changed": True}) == {
        "diff": {
            "before": {"definition": definition, "tags": {"Team": "x"}},
            "after": {"desired_count": 2, "auto_scaling_group_provider": {"auto_scaling_group_arn": "a"}},
        },
        "changed": True,
    }


def _map_members(shape, seen):
    """Names of the members of ``shape`` (at any depth) whose values are maps."""
    if shape.name in seen:
        return set()
    seen.add(shape.name)
    found = set()
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if member.type_name == "map":
                found.add(name)
            found |= _map_members(member, seen)
    elif shape.type_name == "list":
        found |= _map_members(shape.member, seen)
    elif shape.type_name == "map":
        found |= _map_members(shape.value, seen)
    return found


# The operations whose answers the modules return.
RETURNED = {
    "ecs": ("DescribeClusters", "DescribeServices", "DescribeTaskDefinition", "DescribeTasks", "RunTask", "DescribeContainerInstances",
            "DescribeCapacityProviders", "RegisterTaskDefinition", "CreateService", "UpdateService", "DeleteCluster", "DeleteCapacityProvider"),
    "ssm": ("DescribeActivations", "DescribeInstanceInformation"),
}


@pytest.mark.parametrize("service", sorted(RETURNED))
def test_every_map_aws_returns_keeps_its_keys(service):
    """A map member (keys that are data) in what a module returns is in KEEP_KEYS, so a new one in botocore is noticed."""
    model = botocore.session.get_session().get_service_model(service)
    found = set()
    for operation in RETURNED[service]:
        found |= _map_members(model.operation_model(operation).output_shape, set())
    assert found - KEEP_KEYS == set()
