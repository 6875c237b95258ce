"""The call log: every AWS API call served, by service and action, until it is cleared."""

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import agent_client, calls, client, create_activation, create_role, http, public_key


def test_logs_each_call_in_order_by_service_and_action(fake_aws):
    ecs = client(fake_aws, "ecs")
    ecs.create_cluster(clusterName="logged")
    ecs.describe_clusters(clusters=["logged"])
    client(fake_aws, "iam").list_roles()
    client(fake_aws, "sts").get_caller_identity()
    client(fake_aws, "ssm").describe_activations()
    assert calls(fake_aws) == [
        {"service": "ecs", "action": "CreateCluster"},
        {"service": "ecs", "action": "DescribeClusters"},
        {"service": "iam", "action": "ListRoles"},
        {"service": "sts", "action": "GetCallerIdentity"},
        {"service": "ssm", "action": "DescribeActivations"},
    ]


def test_logs_calls_that_fail(fake_aws):
    with pytest.raises(ClientError):
        client(fake_aws, "ecs").describe_task_definition(taskDefinition="missing:1")
    assert calls(fake_aws) == [{"service": "ecs", "action": "DescribeTaskDefinition"}]


def test_unsigned_calls_are_named_by_their_target(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    agent_client(fake_aws).register_managed_instance(
        ActivationCode=activation["ActivationCode"],
        ActivationId=activation["ActivationId"],
        PublicKey=public_key(),
        PublicKeyType="Rsa",
        Fingerprint="f",
    )
    assert calls(fake_aws)[-1] == {"service": "ssm", "action": "RegisterManagedInstance"}


def test_delete_clears_the_log_and_the_log_itself_is_not_logged(fake_aws):
    client(fake_aws, "ecs").list_clusters()
    assert http(fake_aws, "/_fake_aws/calls", method="DELETE")[0] == 204
    assert calls(fake_aws) == []
    http(fake_aws, "/moto-api/")
    assert calls(fake_aws) == []
    client(fake_aws, "ecs").list_clusters()
    assert calls(fake_aws) == [{"service": "ecs", "action": "ListClusters"}]


def test_calls_by_the_access_key_that_signed_them(fake_aws):
    client(fake_aws, "ecs").list_clusters()
    client(fake_aws, "ecs", aws_access_key_id="AKIDINSTANCE", aws_secret_access_key="other").list_clusters()
    client(fake_aws, "ssm").describe_activations()
    status, controller, _headers = http(fake_aws, "/_fake_aws/calls?access_key=testing")
    assert status == 200
    assert controller == [{"service": "ecs", "action": "ListClusters"}, {"service": "ssm", "action": "DescribeActivations"}]
    assert http(fake_aws, "/_fake_aws/calls?access_key=AKIDINSTANCE")[1] == [{"service": "ecs", "action": "ListClusters"}]
    assert len(calls(fake_aws)) == 3
