"""ECS Anywhere's limits (what EXTERNAL services and tasks refuse, requiresAttributes) and what UpdateService redeploys."""

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import ATTRIBUTES, Site, client, error_of

TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
LOAD_BALANCER = [{"targetGroupArn": TARGET_GROUP, "containerName": "app", "containerPort": 80}]
REGISTRY = [{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef"}]


@pytest.fixture
def site(fake_aws):
    site = Site(fake_aws, hosts=2)
    site.host()
    site.app()
    return site


def refused(excinfo, text):
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidParameterException", 400)
    assert text in message


@pytest.mark.parametrize(
    "member, value, text",
    [
        ("loadBalancers", LOAD_BALANCER, "load balancers"),
        ("serviceRegistries", REGISTRY, "service registries"),
        ("role", "arn:aws:iam::123456789012:role/ecsServiceRole", "an IAM role"),
        ("platformVersion", "LATEST", "a platform version"),
        ("deploymentController", {"type": "CODE_DEPLOY"}, "the CODE_DEPLOY deployment controller"),
        ("deploymentController", {"type": "EXTERNAL"}, "the EXTERNAL deployment controller"),
    ],
)
def test_external_services_refuse_what_ecs_anywhere_lacks(site, member, value, text):
    with pytest.raises(ClientError) as excinfo:
        site.create_service(**{member: value})
    refused(excinfo, f"The EXTERNAL launch type does not support {text}")
    assert site.ecs.list_services(cluster=site.cluster)["serviceArns"] == []


def test_external_services_take_the_ecs_deployment_controller(site):
    assert site.create_service(deploymentController={"type": "ECS"})["deploymentController"] == {"type": "ECS"}


@pytest.mark.parametrize("action", ["create_service", "run_task"])
def test_network_configuration_only_with_awsvpc(site, action):
    subnet = client(site.endpoint, "ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    params = {"cluster": site.cluster, "taskDefinition": "app", "launchType": "EXTERNAL", "networkConfiguration": network}
    if action == "create_service":
        params.update(serviceName="app", desiredCount=1)
    with pytest.raises(ClientError) as excinfo:
        getattr(site.ecs, action)(**params)
    refused(excinfo, "Network Configuration is not valid for the given networkMode of this task definition.")


def test_awsvpc_needs_a_network_configuration(site):
    site.register_task_definition(family="cloud", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512")
    with pytest.raises(ClientError) as excinfo:
        site.ecs.run_task(cluster=site.cluster, taskDefinition="cloud", launchType="FARGATE")
    refused(excinfo, "Network Configuration must be provided when networkMode 'awsvpc' is specified.")


def test_run_task_external_refuses_a_platform_version(site):
    with pytest.raises(ClientError) as excinfo:
        site.ecs.run_task(cluster=site.cluster, taskDefinition="app", launchType="EXTERNAL", platformVersion="LATEST")
    refused(excinfo, "a platform version")


@pytest.mark.parametrize(
    "member, value",
    [("loadBalancers", LOAD_BALANCER), ("serviceRegistries", REGISTRY), ("platformVersion", "1.4.0"),
     ("capacityProviderStrategy", [{"capacityProvider": "FARGATE", "weight": 1}])],
)  # fmt: skip
def test_update_of_an_external_service_refuses_them_too(site, member, value):
    site.create_service()
    with pytest.raises(ClientError) as excinfo:
        site.ecs.update_service(cluster=site.cluster, service="app", **{member: value})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert len(site.service()["deployments"]) == 1


def test_update_refuses_a_new_deployment_controller(site):
    site.create_service()
    with pytest.raises(ClientError) as excinfo:
        site.ecs.update_service(cluster=site.cluster, service="app", deploymentController={"type": "CODE_DEPLOY"}, desiredCount=2)
    refused(excinfo, "deployment controller")
    assert site.service()["desiredCount"] == 1  # nothing of the request was applied


def test_requires_attributes_the_instance_lacks_fail_with_attribute(site):
    # App Mesh proxies need a capability the agent removes on external instances (agent_capability.go).
    proxy = {"type": "APPMESH", "containerName": "app", "properties": [{"name": "IgnoredUID", "value": "1337"}]}
    arn = site.register_task_definition(
        family="meshed", proxyConfiguration=proxy, requiresCompatibilities=["EXTERNAL"],
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}],
    )["taskDefinitionArn"]  # fmt: skip
    definition = site.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    assert {"name": "ecs.capability.aws-appmesh"} in definition["requiresAttributes"]
    answer = site.ecs.run_task(cluster=site.cluster, taskDefinition="meshed", launchType="EXTERNAL")
    assert answer["tasks"] == [] and [failure["reason"] for failure in answer["failures"]] == ["ATTRIBUTE"]
    # An instance reporting it (an EC2 one would) takes the task.
    site.host(attributes=ATTRIBUTES + [{"name": "ecs.capability.aws-appmesh"}])
    assert len(site.ecs.run_task(cluster=site.cluster, taskDefinition="meshed", launchType="EXTERNAL")["tasks"]) == 1


def test_service_event_names_the_missing_attribute(site):
    proxy = {"type": "APPMESH", "containerName": "app", "properties": []}
    site.register_task_definition(family="meshed", proxyConfiguration=proxy, containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
    site.create_service(name="meshed", taskDefinition="meshed")
    events = [event["message"] for event in site.service("meshed")["events"]]
    assert any("is missing an attribute required by your task." in message for message in events), events


@pytest.mark.parametrize(
    "change",
    [
        {"placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]},
        {"placementStrategy": [{"type": "binpack", "field": "memory"}]},
        {"enableExecuteCommand": True},
        {"enableECSManagedTags": True},
        {"propagateTags": "SERVICE"},
        {"desiredCount": 2},
        {"healthCheckGracePeriodSeconds": 30},
    ],
)
def test_update_changes_in_place_what_aws_does_not_redeploy(site, change):
    site.create_service()
    before = site.service()["deployments"][0]["id"]
    updated = site.ecs.update_service(cluster=site.cluster, service="app", **change)["service"]
    assert [deployment["id"] for deployment in updated["deployments"]] == [before]
    member, value = next(iter(change.items()))
    assert updated[member] == value


@pytest.mark.parametrize("change", [{"forceNewDeployment": True}, {"taskDefinition": "next"}])
def test_update_redeploys_for_what_aws_redeploys(site, change):
    site.app(family="next")
    site.create_service()
    before = site.service()["deployments"][0]["id"]
    updated = site.ecs.update_service(cluster=site.cluster, service="app", **change)["service"]
    assert [deployment["status"] for deployment in updated["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert updated["deployments"][1]["id"] == before


def test_update_network_configuration_redeploys(fake_aws):
    site = Site(fake_aws)
    subnets = [subnet["SubnetId"] for subnet in client(fake_aws, "ec2").describe_subnets()["Subnets"][:2]]
    site.register_task_definition(family="cloud", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512")
    network = {"awsvpcConfiguration": {"subnets": subnets[:1]}}
    site.ecs.create_service(
        cluster=site.cluster, serviceName="cloud", taskDefinition="cloud", launchType="FARGATE", desiredCount=1, networkConfiguration=network
    )
    moved = {"awsvpcConfiguration": {"subnets": subnets[1:]}}
    updated = site.ecs.update_service(cluster=site.cluster, service="cloud", networkConfiguration=moved)["service"]
    assert [deployment["status"] for deployment in updated["deployments"]] == ["PRIMARY", "ACTIVE"]
