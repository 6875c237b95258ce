"""ECS clusters as the ecs_cluster module drives them: settings, capacity providers, configuration, deletion."""

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import Site, auto_scaling_group, client, error_of


def cluster(endpoint, name="edge"):
    """The cluster with everything DescribeClusters includes when asked."""
    include = ["SETTINGS", "CONFIGURATIONS", "STATISTICS", "ATTACHMENTS", "TAGS"]
    return client(endpoint, "ecs").describe_clusters(clusters=[name], include=include)["clusters"][0]


def test_new_clusters_describe_empty_capacity_provider_lists(fake_aws):
    client(fake_aws, "ecs").create_cluster(clusterName="edge")
    described = cluster(fake_aws)
    assert (described["capacityProviders"], described["defaultCapacityProviderStrategy"]) == ([], [])
    assert described["settings"] == [{"name": "containerInsights", "value": "disabled"}]


@pytest.mark.parametrize("value", ["enabled", "enhanced", "disabled"])
def test_update_cluster_settings_sets_container_insights(fake_aws, value):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    answer = ecs.update_cluster_settings(cluster="edge", settings=[{"name": "containerInsights", "value": value}])["cluster"]
    assert answer["settings"] == cluster(fake_aws)["settings"] == [{"name": "containerInsights", "value": value}]


@pytest.mark.parametrize(
    ("action", "settings", "code"),
    [
        ("update_cluster_settings", [{"name": "containerInsights", "value": "on"}], "InvalidParameterException"),
        ("update_cluster_settings", [{"name": "logging", "value": "enabled"}], "InvalidParameterException"),
        ("update_cluster", [{"name": "containerInsights", "value": "on"}], "InvalidParameterException"),
        ("create_cluster", [{"name": "containerInsights", "value": "on"}], "InvalidParameterException"),
    ],
)
def test_settings_aws_refuses(fake_aws, action, settings, code):
    ecs = client(fake_aws, "ecs")
    if action != "create_cluster":
        ecs.create_cluster(clusterName="edge")
    params = {"clusterName" if action == "create_cluster" else "cluster": "edge", "settings": settings}
    with pytest.raises(ClientError) as excinfo:
        getattr(ecs, action)(**params)
    assert error_of(excinfo)[0::2] == (code, 400)


def test_update_cluster_settings_of_a_missing_cluster(fake_aws):
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ecs").update_cluster_settings(cluster="nowhere", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error_of(excinfo)[0] == "ClusterNotFoundException"


def test_put_cluster_capacity_providers(fake_aws):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    ecs.create_capacity_provider(name="edge-asg", autoScalingGroupProvider={"autoScalingGroupArn": auto_scaling_group(fake_aws, "edge")})
    strategy = [{"capacityProvider": "edge-asg", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE", "weight": 2, "base": 0}]
    ecs.put_cluster_capacity_providers(cluster="edge", capacityProviders=["edge-asg", "FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=strategy)
    described = cluster(fake_aws)
    assert described["capacityProviders"] == ["edge-asg", "FARGATE", "FARGATE_SPOT"]
    assert described["defaultCapacityProviderStrategy"] == strategy
    ecs.put_cluster_capacity_providers(cluster="edge", capacityProviders=[], defaultCapacityProviderStrategy=[])
    assert (cluster(fake_aws)["capacityProviders"], cluster(fake_aws)["defaultCapacityProviderStrategy"]) == ([], [])


@pytest.mark.parametrize(
    ("providers", "strategy"),
    [
        (["missing-provider"], []),
        (["FARGATE"], [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]),
    ],
)
def test_put_cluster_capacity_providers_refuses_unknown_or_unlisted_providers(fake_aws, providers, strategy):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    with pytest.raises(ClientError) as excinfo:
        ecs.put_cluster_capacity_providers(cluster="edge", capacityProviders=providers, defaultCapacityProviderStrategy=strategy)
    assert error_of(excinfo)[0::2] == ("InvalidParameterException", 400)
    assert cluster(fake_aws)["capacityProviders"] == []


def test_update_cluster_keeps_the_execute_command_configuration(fake_aws):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    configuration = {
        "executeCommandConfiguration": {
            "kmsKeyId": "alias/exec",
            "logging": "OVERRIDE",
            "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec", "cloudWatchEncryptionEnabled": True},
        }
    }
    assert ecs.update_cluster(cluster="edge", configuration=configuration)["cluster"]["configuration"] == configuration
    assert cluster(fake_aws)["configuration"] == configuration


@pytest.mark.parametrize(
    "execute_command",
    [
        {"logging": "OVERRIDE"},
        {"logging": "DEFAULT", "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec"}},
        {"logging": "VERBOSE"},
    ],
)
def test_update_cluster_refuses_inconsistent_execute_command_logging(fake_aws, execute_command):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    with pytest.raises(ClientError) as excinfo:
        ecs.update_cluster(cluster="edge", configuration={"executeCommandConfiguration": execute_command})
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_service_connect_default_namespace_is_found_or_created_in_cloud_map(fake_aws):
    ecs, cloud_map = client(fake_aws, "ecs"), client(fake_aws, "servicediscovery")
    created = ecs.create_cluster(clusterName="edge", serviceConnectDefaults={"namespace": "edge.local"})["cluster"]
    [namespace] = cloud_map.list_namespaces()["Namespaces"]
    assert (namespace["Name"], namespace["Type"]) == ("edge.local", "HTTP")
    assert created["serviceConnectDefaults"] == {"namespace": namespace["Arn"]}
    for reference in ("edge.local", namespace["Arn"]):
        assert ecs.update_cluster(cluster="edge", serviceConnectDefaults={"namespace": reference})["cluster"]["serviceConnectDefaults"] == {
            "namespace": namespace["Arn"]
        }
    assert len(cloud_map.list_namespaces()["Namespaces"]) == 1
    assert "serviceConnectDefaults" not in ecs.update_cluster(cluster="edge", serviceConnectDefaults={"namespace": ""})["cluster"]
    assert "serviceConnectDefaults" not in cluster(fake_aws)


def test_service_connect_default_namespace_arn_must_exist(fake_aws):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    missing = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-00000000000000000000"
    with pytest.raises(ClientError) as excinfo:
        ecs.update_cluster(cluster="edge", serviceConnectDefaults={"namespace": missing})
    assert error_of(excinfo)[0] == "NamespaceNotFoundException"


def _with_instance(site):
    site.host()


def _with_service(site):
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    site.ecs.create_service(cluster="edge", serviceName="web", taskDefinition="web", desiredCount=0, launchType="EXTERNAL")


def _with_fargate_task(site):
    # A task needing no container instance (tasks of deregistered instances are stopped).
    subnet = client(site.endpoint, "ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    site.register_task_definition(requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512")
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    assert site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="FARGATE", networkConfiguration=network)["tasks"]


@pytest.mark.parametrize(
    ("arrange", "code", "message"),
    [
        (_with_instance, "ClusterContainsContainerInstancesException", "The Cluster cannot be deleted while Container Instances are active or draining."),
        (_with_service, "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."),
        (_with_fargate_task, "ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active."),
    ],
)
def test_delete_cluster_refuses_while_anything_is_active(fake_aws, arrange, code, message):
    site = Site(fake_aws)
    arrange(site)
    with pytest.raises(ClientError) as excinfo:
        site.ecs.delete_cluster(cluster="edge")
    assert error_of(excinfo) == (code, message, 400)
    assert cluster(fake_aws)["status"] == "ACTIVE"


def test_deleted_cluster_is_inactive_and_takes_nothing_more(fake_aws):
    site = Site(fake_aws)
    _with_service(site)
    site.ecs.delete_service(cluster="edge", service="web")
    assert site.ecs.delete_cluster(cluster="edge")["cluster"]["status"] == "INACTIVE"
    assert cluster(fake_aws)["status"] == "INACTIVE"
    for action, params in [
        ("delete_cluster", {}),
        ("update_cluster_settings", {"settings": [{"name": "containerInsights", "value": "enabled"}]}),
        ("create_service", {"serviceName": "again", "taskDefinition": "web", "launchType": "EXTERNAL"}),
        ("list_container_instances", {}),
    ]:
        with pytest.raises(ClientError) as excinfo:
            getattr(site.ecs, action)(cluster="edge", **params)
        assert error_of(excinfo)[0] == "ClusterNotFoundException", action
