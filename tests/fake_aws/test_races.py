"""Armed races: the next call of an action is served first for another creator, then for the caller."""

import json

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import calls, client, error_of, http

CONTAINER = {"name": "web", "image": "nginx", "memory": 64}


def arm(endpoint, *actions):
    status, answer, _headers = http(endpoint, "/_fake_aws/races", method="POST", body=json.dumps({"actions": list(actions)}).encode())
    assert status == 200
    return answer["armed"]


def test_a_second_creator_of_a_service_meets_the_first(fake_aws):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="edge")
    ecs.register_task_definition(family="web", containerDefinitions=[CONTAINER], requiresCompatibilities=["EXTERNAL"])
    assert arm(fake_aws, "CreateService") == ["CreateService"]
    with pytest.raises(ClientError) as excinfo:
        ecs.create_service(cluster="edge", serviceName="web", taskDefinition="web", desiredCount=1, launchType="EXTERNAL")
    assert error_of(excinfo)[:2] == ("InvalidParameterException", "Creation of service was not idempotent.")
    assert [s["status"] for s in ecs.describe_services(cluster="edge", services=["web"])["services"]] == ["ACTIVE"]
    # Armed once: the next creation of another service is the caller's alone.
    ecs.create_service(cluster="edge", serviceName="api", taskDefinition="web", desiredCount=1, launchType="EXTERNAL")


def test_a_second_registration_makes_a_second_revision(fake_aws):
    ecs = client(fake_aws, "ecs")
    arm(fake_aws, "RegisterTaskDefinition")
    mine = ecs.register_task_definition(family="web", containerDefinitions=[CONTAINER])["taskDefinition"]
    assert mine["revision"] == 2
    assert ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"][0].endswith("web:1")


def test_a_second_creator_of_a_role_gets_entity_already_exists(fake_aws):
    iam = client(fake_aws, "iam")
    arm(fake_aws, "CreateRole")
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="ecs-anywhere", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    assert error_of(excinfo)[0] == "EntityAlreadyExists"
    assert iam.get_role(RoleName="ecs-anywhere")["Role"]["RoleName"] == "ecs-anywhere"


def test_the_other_creators_call_is_logged_under_its_own_key(fake_aws):
    arm(fake_aws, "CreateCluster")
    client(fake_aws, "ecs").create_cluster(clusterName="edge")
    assert calls(fake_aws) == [{"service": "ecs", "action": "CreateCluster"}] * 2
    status, mine, _headers = http(fake_aws, "/_fake_aws/calls?access_key=testing")
    assert (status, mine) == (200, [{"service": "ecs", "action": "CreateCluster"}])


def test_reset_disarms(fake_aws):
    arm(fake_aws, "CreateService")
    assert http(fake_aws, "/_fake_aws/reset", method="POST")[0] == 204
    assert arm(fake_aws) == []


def test_actions_must_be_a_list_of_names(fake_aws):
    status, answer, _headers = http(fake_aws, "/_fake_aws/races", method="POST", body=b'{"actions": "CreateService"}')
    assert status == 400 and "actions" in answer["message"]
