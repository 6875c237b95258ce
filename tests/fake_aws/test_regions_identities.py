"""Regions and identities: a managed instance lives in its activation's region, in one cluster at a time; clientToken."""

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import RESOURCES, Site, client, create_role, error_of, register
from fake_aws.shapes import botocore_session


def regional_agent_client(endpoint, region, access_key, secret, token=None):
    return botocore_session().create_client(
        "ssm", endpoint_url=endpoint.url, region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret, aws_session_token=token
    )


def eu_token(endpoint, instance_id):
    return regional_agent_client(endpoint, "eu-west-1", instance_id, "rsa-private-key").request_managed_instance_role_token(Fingerprint="fingerprint-1")


@pytest.fixture
def eu_instance(fake_aws):
    """A managed instance registered with an activation of eu-west-1: its mi- id."""
    create_role(fake_aws)
    activation = client(fake_aws, "ssm", region="eu-west-1").create_activation(IamRole="ecs-anywhere")
    return register(fake_aws, activation)


def test_role_token_is_signed_for_the_instance_region(fake_aws, eu_instance):
    eu = regional_agent_client(fake_aws, "eu-west-1", eu_instance, "rsa-private-key")
    assert eu.request_managed_instance_role_token(Fingerprint="fingerprint-1")["AccessKeyId"]
    us = regional_agent_client(fake_aws, "us-east-1", eu_instance, "rsa-private-key")
    with pytest.raises(ClientError) as excinfo:
        us.request_managed_instance_role_token(Fingerprint="fingerprint-1")
    assert error_of(excinfo)[0] == "InvalidInstanceId"


def test_heartbeat_signed_for_another_region_finds_no_instance(fake_aws, eu_instance):
    token = eu_token(fake_aws, eu_instance)
    keys = (token["AccessKeyId"], token["SecretAccessKey"], token["SessionToken"])
    regional_agent_client(fake_aws, "eu-west-1", *keys).update_instance_information(InstanceId=eu_instance, AgentVersion="3.3.0.0")
    with pytest.raises(ClientError) as excinfo:
        regional_agent_client(fake_aws, "us-east-1", *keys).update_instance_information(InstanceId=eu_instance, AgentVersion="3.3.0.0")
    assert error_of(excinfo)[0] == "InvalidInstanceId"


def test_register_container_instance_in_another_region_fails(fake_aws, eu_instance):
    client(fake_aws, "ecs").create_cluster(clusterName="edge")  # us-east-1
    token = eu_token(fake_aws, eu_instance)
    keys = {"aws_access_key_id": token["AccessKeyId"], "aws_secret_access_key": token["SecretAccessKey"], "aws_session_token": token["SessionToken"]}
    ecs = client(fake_aws, "ecs", **keys)
    with pytest.raises(ClientError) as excinfo:
        ecs.register_container_instance(cluster="edge", totalResources=RESOURCES)
    assert error_of(excinfo)[0] == "ClientException"


def test_one_instance_is_in_one_cluster_at_a_time(fake_aws):
    site = Site(fake_aws)
    instance_id, instance = site.host()
    site.ecs.create_cluster(clusterName="other")
    with pytest.raises(ClientError) as excinfo:
        site.agent(instance_id).register_container_instance(cluster="other", totalResources=RESOURCES)
    code, message, _status = error_of(excinfo)
    assert code == "ClientException" and "already a container instance of cluster edge" in message
    site.ecs.deregister_container_instance(cluster="edge", containerInstance=instance["containerInstanceArn"])
    moved = site.agent(instance_id).register_container_instance(cluster="other", totalResources=RESOURCES)["containerInstance"]
    assert moved["ec2InstanceId"] == instance_id


@pytest.fixture
def site(fake_aws):
    site = Site(fake_aws)
    site.host()
    site.app()
    return site


def test_create_service_with_a_client_token_is_idempotent(site):
    first = site.create_service(clientToken="token-1")
    again = site.create_service(clientToken="token-1")
    assert again["serviceArn"] == first["serviceArn"] and again["createdAt"] == first["createdAt"]
    with pytest.raises(ClientError) as excinfo:
        site.create_service(clientToken="token-1", desiredCount=2)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:  # without the token it is a second creation
        site.create_service()
    assert "not idempotent" in error_of(excinfo)[1]


def test_run_task_with_a_client_token_is_idempotent(site):
    params = {"cluster": site.cluster, "taskDefinition": "app", "launchType": "EXTERNAL", "count": 2}
    first = [task["taskArn"] for task in site.ecs.run_task(clientToken="run-1", **params)["tasks"]]
    again = [task["taskArn"] for task in site.ecs.run_task(clientToken="run-1", **params)["tasks"]]
    assert again == first and len(first) == 2
    assert sorted(site.ecs.list_tasks(cluster=site.cluster)["taskArns"]) == sorted(first)
    with pytest.raises(ClientError) as excinfo:
        site.ecs.run_task(clientToken="run-1", **dict(params, count=1))
    assert error_of(excinfo)[0] == "ConflictException"
    assert excinfo.value.response["resourceIds"] == first  # the tasks the token already made
