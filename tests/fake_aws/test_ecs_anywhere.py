"""ECS Anywhere: EXTERNAL task definitions, external container instances, EXTERNAL services and tasks."""

import json

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import ATTRIBUTES, RESOURCES, VERSION, Site, advance_clock, client, error_of


@pytest.fixture
def site(fake_aws):
    return Site(fake_aws)


@pytest.mark.parametrize(
    ("params", "network_mode", "compatibilities"),
    [
        ({"requiresCompatibilities": ["EXTERNAL"], "networkMode": "bridge"}, "bridge", ["EXTERNAL", "EC2"]),
        ({"requiresCompatibilities": ["EXTERNAL"], "networkMode": "host"}, "host", ["EXTERNAL", "EC2"]),
        ({"requiresCompatibilities": ["EXTERNAL"], "networkMode": "none"}, "none", ["EXTERNAL", "EC2"]),
        ({"requiresCompatibilities": ["EXTERNAL"]}, "bridge", ["EXTERNAL", "EC2"]),
        ({"requiresCompatibilities": ["EC2", "EXTERNAL"], "networkMode": "bridge"}, "bridge", ["EXTERNAL", "EC2"]),
        ({}, "bridge", ["EXTERNAL", "EC2"]),
        ({"requiresCompatibilities": ["EC2"], "networkMode": "awsvpc"}, "awsvpc", ["EC2"]),
        ({"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512"}, "awsvpc", ["EC2", "FARGATE"]),
    ],
)
def test_task_definitions_keep_their_network_mode_and_get_aws_compatibilities(site, params, network_mode, compatibilities):
    registered = site.register_task_definition(**params)
    described = site.ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    for definition in (registered, described):
        assert (definition["networkMode"], definition["compatibilities"]) == (network_mode, compatibilities)
        assert definition.get("requiresCompatibilities") == params.get("requiresCompatibilities")
        assert "registeredAt" in definition


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"requiresCompatibilities": ["EXTERNAL"], "networkMode": "awsvpc"}, "does not support launch_type EXTERNAL"),
        ({"requiresCompatibilities": ["FARGATE"], "networkMode": "bridge", "cpu": "256", "memory": "512"}, "Fargate only supports network mode 'awsvpc'."),
    ],
)
def test_task_definitions_aws_refuses(site, params, message):
    with pytest.raises(ClientError) as excinfo:
        site.register_task_definition(**params)
    code, text, status = error_of(excinfo)
    assert (code, status) == ("ClientException", 400) and message in text
    assert site.ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_external_instance_registers_as_its_managed_instance(site):
    instance_id, registered = site.host(tags=[{"key": "site", "value": "plant-1"}])
    described = site.describe(registered["containerInstanceArn"], include=["TAGS"])
    for instance in (registered, described):
        assert instance["ec2InstanceId"] == instance_id
        assert instance["status"] == "ACTIVE" and instance["agentConnected"] is True
        assert instance["versionInfo"] == VERSION
        assert {(r["name"], r.get("integerValue"), tuple(r.get("stringSetValue", ()))) for r in instance["registeredResources"]} == {
            (r["name"], r.get("integerValue", 0), tuple(r.get("stringSetValue", ()))) for r in RESOURCES
        }
        assert instance["remainingResources"] == instance["registeredResources"]
        assert {(a["name"], a.get("value")) for a in instance["attributes"]} == {(a["name"], a.get("value")) for a in ATTRIBUTES}
    assert described["tags"] == [{"key": "site", "value": "plant-1"}]
    assert "tags" not in site.describe(registered["containerInstanceArn"])  # only when asked for, as on AWS
    assert site.ecs.describe_clusters(clusters=["edge"])["clusters"][0]["registeredContainerInstancesCount"] == 1


def test_external_attribute_is_added_when_the_agent_leaves_it_out(site):
    registered = site.host(attributes=[{"name": "ecs.os-type", "value": "linux"}])[1]
    assert {a["name"] for a in registered["attributes"]} == {"ecs.os-type", "ecs.capability.external"}


def test_reregistration_with_the_arn_updates_the_same_instance(site):
    instance_id, registered = site.host()
    again = site.agent(instance_id).register_container_instance(
        cluster="edge",
        instanceIdentityDocument="",
        containerInstanceArn=registered["containerInstanceArn"],
        totalResources=[{"name": "MEMORY", "type": "INTEGER", "integerValue": 1900}],
        attributes=[{"name": "custom", "value": "yes"}],
    )["containerInstance"]
    assert again["containerInstanceArn"] == registered["containerInstanceArn"]
    assert again["registeredResources"] == [{"name": "MEMORY", "type": "INTEGER", "integerValue": 1900, "doubleValue": 0.0, "longValue": 0}]
    assert {"custom", "ecs.os-type"} <= {a["name"] for a in again["attributes"]}
    assert len(site.ecs.list_container_instances(cluster="edge")["containerInstanceArns"]) == 1


def test_ec2_instances_still_register_with_their_identity_document(site):
    ec2 = client(site.endpoint, "ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2_id = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    registered = site.ecs.register_container_instance(cluster="edge", instanceIdentityDocument=json.dumps({"instanceId": ec2_id}), totalResources=RESOURCES)
    instance = registered["containerInstance"]
    assert instance["ec2InstanceId"] == ec2_id
    assert "ecs.capability.external" not in {a["name"] for a in instance["attributes"]}


def test_without_identity_document_the_caller_must_be_a_registered_managed_instance(site):
    sts = client(site.endpoint, "sts")
    role_arn = "arn:aws:iam::123456789012:role/ecs-anywhere"
    stranger = sts.assume_role(RoleArn=role_arn, RoleSessionName="mi-0123456789abcdef0")["Credentials"]
    callers = {
        "testing credentials": client(site.endpoint, "ecs"),
        "a session named like an unregistered instance": client(
            site.endpoint,
            "ecs",
            aws_access_key_id=stranger["AccessKeyId"],
            aws_secret_access_key=stranger["SecretAccessKey"],
            aws_session_token=stranger["SessionToken"],
        ),
    }
    for caller in callers.values():
        with pytest.raises(ClientError) as excinfo:
            caller.register_container_instance(cluster="edge", instanceIdentityDocument="", totalResources=RESOURCES)
        assert error_of(excinfo)[0::2] == ("ClientException", 400)
    assert site.ecs.list_container_instances(cluster="edge")["containerInstanceArns"] == []


def test_registration_into_a_missing_cluster(site):
    with pytest.raises(ClientError) as excinfo:
        site.host(cluster="nowhere")
    assert error_of(excinfo)[0] == "ClusterNotFoundException"


def test_agent_connected_follows_heartbeats(site):
    instance_id, registered = site.host()
    arn = registered["containerInstanceArn"]
    advance_clock(site.endpoint, 59)
    assert site.describe(arn)["agentConnected"] is True
    advance_clock(site.endpoint, 2)
    assert site.describe(arn)["agentConnected"] is False
    answer = site.agent(instance_id).discover_poll_endpoint(cluster="edge", containerInstance=arn)
    assert site.describe(arn)["agentConnected"] is True
    # Every endpoint the agent would dial is this server.
    assert {answer[key] for key in ("endpoint", "telemetryEndpoint", "serviceConnectEndpoint")} == {site.endpoint.url}


@pytest.mark.parametrize(
    ("cluster", "container_instance", "code"),
    [("edge", "arn:aws:ecs:us-east-1:123456789012:container-instance/edge/0123", "ClientException"), ("nowhere", "0123", "ClusterNotFoundException")],
)
def test_poll_endpoint_refuses_unknown_instances(site, cluster, container_instance, code):
    with pytest.raises(ClientError) as excinfo:
        site.ecs.discover_poll_endpoint(cluster=cluster, containerInstance=container_instance)
    assert error_of(excinfo)[0] == code


def test_services_take_launch_type_external(site):
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    created = site.ecs.create_service(cluster="edge", serviceName="web", taskDefinition="web", desiredCount=2, launchType="EXTERNAL")["service"]
    described = site.ecs.describe_services(cluster="edge", services=["web"])["services"][0]
    for service in (created, described):
        assert service["launchType"] == "EXTERNAL"
        assert [d["launchType"] for d in service["deployments"]] == ["EXTERNAL"]
        assert "platformFamily" not in service["deployments"][0]
    assert site.ecs.list_services(cluster="edge", launchType="EXTERNAL")["serviceArns"] == [created["serviceArn"]]


@pytest.mark.parametrize("action", ["create_service", "run_task"])
def test_external_needs_an_external_compatible_task_definition(site, action):
    site.register_task_definition(requiresCompatibilities=["EC2"], networkMode="awsvpc")
    params = {"cluster": "edge", "taskDefinition": "web", "launchType": "EXTERNAL"}
    if action == "create_service":
        params.update(serviceName="web", desiredCount=1)
    with pytest.raises(ClientError) as excinfo:
        getattr(site.ecs, action)(**params)
    code, message, _status = error_of(excinfo)
    assert (code, message) == ("InvalidParameterException", "Task definition does not support launch_type EXTERNAL.")


def test_run_task_places_external_tasks_on_external_instances(site):
    site.host()
    second = site.host()[1]
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    tasks = site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="EXTERNAL", count=2, startedBy="test")["tasks"]
    assert len(tasks) == 2 and {task["launchType"] for task in tasks} == {"EXTERNAL"}
    arns = site.ecs.list_container_instances(cluster="edge")["containerInstanceArns"]
    assert {task["containerInstanceArn"] for task in tasks} <= set(arns)
    described = site.ecs.describe_container_instances(cluster="edge", containerInstances=arns)["containerInstances"]
    assert sum(instance["runningTasksCount"] for instance in described) == 2
    memory = {
        instance["containerInstanceArn"]: next(r["integerValue"] for r in instance["remainingResources"] if r["name"] == "MEMORY") for instance in described
    }
    assert sum(memory.values()) == 2 * 3800 - 2 * 256
    assert second["containerInstanceArn"] in memory


def test_run_task_without_external_instances(site):
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    with pytest.raises(ClientError) as excinfo:
        site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="EXTERNAL")
    assert error_of(excinfo)[:2] == ("InvalidParameterException", "No Container Instances were found in your cluster.")


def test_run_task_skips_instances_whose_agent_is_gone(site):
    site.host()
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    advance_clock(site.endpoint, 120)
    assert site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="EXTERNAL")["tasks"] == []


def test_deregistered_instances_stay_describable_as_inactive(site):
    instance_id, registered = site.host()
    arn = registered["containerInstanceArn"]
    deregistered = site.ecs.deregister_container_instance(cluster="edge", containerInstance=arn)["containerInstance"]
    assert deregistered["status"] == "INACTIVE"
    described = site.describe(arn)
    assert (described["status"], described["agentConnected"]) == ("INACTIVE", False)
    assert site.ecs.list_container_instances(cluster="edge")["containerInstanceArns"] == []
    assert site.ecs.describe_clusters(clusters=["edge"])["clusters"][0]["registeredContainerInstancesCount"] == 0
    with pytest.raises(ClientError) as excinfo:
        site.agent(instance_id).register_container_instance(cluster="edge", instanceIdentityDocument="", containerInstanceArn=arn)
    assert error_of(excinfo)[:2] == ("ClientException", f"Container instance {arn.split('/')[-1]} is inactive.")


def test_deregistration_refuses_running_tasks_unless_forced(site):
    registered = site.host()[1]
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="EXTERNAL")
    arn = registered["containerInstanceArn"]
    with pytest.raises(ClientError) as excinfo:
        site.ecs.deregister_container_instance(cluster="edge", containerInstance=arn)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert site.ecs.deregister_container_instance(cluster="edge", containerInstance=arn, force=True)["containerInstance"]["status"] == "INACTIVE"


def test_container_instances_take_tags(site):
    registered = site.host()[1]
    arn = registered["containerInstanceArn"]
    site.ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    site.ecs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert site.ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]


def test_draining_instances_take_no_new_tasks(site):
    registered = site.host()[1]
    arn = registered["containerInstanceArn"]
    site.register_task_definition(requiresCompatibilities=["EXTERNAL"])
    drained = site.ecs.update_container_instances_state(cluster="edge", containerInstances=[arn], status="DRAINING")["containerInstances"]
    assert [instance["status"] for instance in drained] == ["DRAINING"]
    assert site.ecs.list_container_instances(cluster="edge", status="DRAINING")["containerInstanceArns"] == [arn]
    assert site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="EXTERNAL")["tasks"] == []
    site.ecs.update_container_instances_state(cluster="edge", containerInstances=[arn], status="ACTIVE")
    assert len(site.ecs.run_task(cluster="edge", taskDefinition="web", launchType="EXTERNAL")["tasks"]) == 1
