"""Eventual consistency, on by default: new roles take a moment to reach SSM, tasks take seconds to start and stop.

These tests set the delays ten times the defaults (lifecycle.py, iam.py), so that a slow machine cannot outrun them,
and move the endpoint's clock instead of sleeping.
"""

import json

import pytest
from botocore.exceptions import ClientError, WaiterError

from fake_aws.helpers import TRUST_SSM, Site, advance_clock, client, error_of

SLOW_ROLES = {"FAKE_AWS_IAM_PROPAGATION": "20"}
# The Site's role at once; tasks MISSING for 5 s, started in 15 s (awsvpc: PROVISIONING for the first half), stopped in 10 s.
SLOW_TASKS = {"FAKE_AWS_IAM_PROPAGATION": "0", "FAKE_AWS_TASK_VISIBILITY": "5", "FAKE_AWS_TASK_START": "15", "FAKE_AWS_TASK_STOP": "10"}


def test_a_new_role_reaches_ssm_after_a_few_seconds(fake_aws_started_with):
    endpoint = fake_aws_started_with(SLOW_ROLES)
    client(endpoint, "iam").create_role(RoleName="fresh", AssumeRolePolicyDocument=TRUST_SSM)
    with pytest.raises(ClientError) as excinfo:
        client(endpoint, "ssm").create_activation(IamRole="fresh")
    assert error_of(excinfo) == (
        "ValidationException",
        "Nonexistent role or missing ssm service principal in trust policy: arn:aws:iam::123456789012:role/fresh",
        400,
    )
    advance_clock(endpoint, 20)
    assert client(endpoint, "ssm").create_activation(IamRole="fresh")["ActivationId"]


def test_a_changed_trust_policy_takes_as_long(fake_aws_started_with):
    endpoint = fake_aws_started_with(SLOW_ROLES)
    iam = client(endpoint, "iam")
    iam.create_role(RoleName="fixed", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    advance_clock(endpoint, 5)
    iam.update_assume_role_policy(RoleName="fixed", PolicyDocument=TRUST_SSM)
    with pytest.raises(ClientError):
        client(endpoint, "ssm").create_activation(IamRole="fixed")
    advance_clock(endpoint, 20)
    assert client(endpoint, "ssm").create_activation(IamRole="fixed")["ActivationId"]


@pytest.fixture
def site(fake_aws_started_with):
    site = Site(fake_aws_started_with(SLOW_TASKS), hosts=1)
    site.host()
    site.app()
    return site


def test_run_task_is_missing_then_pending_then_running(site):
    task = site.ecs.run_task(cluster=site.cluster, taskDefinition="app", launchType="EXTERNAL")["tasks"][0]
    assert (task["lastStatus"], task["desiredStatus"]) == ("PENDING", "RUNNING")
    assert "startedAt" not in task
    answer = site.ecs.describe_tasks(cluster=site.cluster, tasks=[task["taskArn"]])
    assert answer["tasks"] == [] and [failure["reason"] for failure in answer["failures"]] == ["MISSING"]
    assert site.ecs.list_tasks(cluster=site.cluster)["taskArns"] == [task["taskArn"]]
    advance_clock(site.endpoint, 5)
    assert site.task(task["taskArn"])["lastStatus"] == "PENDING"
    advance_clock(site.endpoint, 10)
    running = site.task(task["taskArn"])
    assert running["lastStatus"] == "RUNNING" and running["startedAt"]
    assert [container["lastStatus"] for container in running["containers"]] == ["RUNNING"]


def test_stop_task_is_stopping_then_stopped_and_holds_the_cluster(site):
    arn = site.ecs.run_task(cluster=site.cluster, taskDefinition="app", launchType="EXTERNAL")["tasks"][0]["taskArn"]
    advance_clock(site.endpoint, 15)
    stopping = site.ecs.stop_task(cluster=site.cluster, task=arn)["task"]
    assert (stopping["lastStatus"], stopping["desiredStatus"]) == ("STOPPING", "STOPPED")
    assert "stoppedAt" not in stopping
    instance = site.ecs.list_container_instances(cluster=site.cluster)["containerInstanceArns"][0]
    site.ecs.deregister_container_instance(cluster=site.cluster, containerInstance=instance, force=True)
    with pytest.raises(ClientError) as excinfo:
        site.ecs.delete_cluster(cluster=site.cluster)
    assert error_of(excinfo)[0] == "ClusterContainsTasksException"
    advance_clock(site.endpoint, 10)
    stopped = site.task(arn)
    assert stopped["lastStatus"] == "STOPPED" and stopped["stoppedAt"] and stopped["containers"][0]["exitCode"] == 0
    assert site.ecs.delete_cluster(cluster=site.cluster)["cluster"]["status"] == "INACTIVE"


def test_awsvpc_tasks_provision_first(fake_aws_started_with):
    endpoint = fake_aws_started_with(SLOW_TASKS)
    ecs = client(endpoint, "ecs")
    ecs.create_cluster(clusterName="cloud")
    ecs.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx"}],
    )  # fmt: skip
    subnet = client(endpoint, "ec2").describe_subnets()["Subnets"][0]["SubnetId"]  # of moto's default VPC
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    task = ecs.run_task(cluster="cloud", taskDefinition="web", launchType="FARGATE", networkConfiguration=network)["tasks"][0]
    assert task["lastStatus"] == "PROVISIONING"
    advance_clock(endpoint, 8)
    assert ecs.describe_tasks(cluster="cloud", tasks=[task["taskArn"]])["tasks"][0]["lastStatus"] == "PENDING"
    advance_clock(endpoint, 7)
    assert ecs.describe_tasks(cluster="cloud", tasks=[task["taskArn"]])["tasks"][0]["lastStatus"] == "RUNNING"
    ecs.stop_task(cluster="cloud", task=task["taskArn"])
    advance_clock(endpoint, 5)
    assert ecs.describe_tasks(cluster="cloud", tasks=[task["taskArn"]])["tasks"][0]["lastStatus"] == "DEPROVISIONING"


def test_a_deployment_takes_time(site):
    site.create_service(desiredCount=1)
    service = site.service()
    assert (service["runningCount"], service["pendingCount"]) == (0, 1)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    with pytest.raises(WaiterError):
        site.wait("services_stable", attempts=2, services=["app"])
    advance_clock(site.endpoint, 15)
    service = site.service()
    assert (service["runningCount"], service["pendingCount"]) == (1, 0)
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"


def test_a_deleted_service_drains_until_its_tasks_stopped(site):
    site.create_service(desiredCount=1)
    advance_clock(site.endpoint, 15)
    site.ecs.delete_service(cluster=site.cluster, service="app", force=True)
    assert site.service()["status"] == "DRAINING"
    assert site.service()["status"] == "DRAINING"  # its task is still stopping
    advance_clock(site.endpoint, 10)
    site.service()
    assert site.service()["status"] == "INACTIVE"


def test_delays_are_on_by_default(fake_aws_started_with):
    site = Site(fake_aws_started_with({}), hosts=1)  # its activation waited for the role to propagate
    site.host()
    site.app()
    task = site.ecs.run_task(cluster=site.cluster, taskDefinition="app", launchType="EXTERNAL")["tasks"][0]
    assert task["lastStatus"] == "PENDING"
