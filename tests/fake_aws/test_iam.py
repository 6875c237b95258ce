"""IAM as ECS Anywhere meets it: the role SSM may pass to instances, and what the instances' credentials may do."""

import json

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import (
    ATTRIBUTES,
    INSTANCE_POLICIES,
    RESOURCES,
    client,
    create_activation,
    create_role,
    error_of,
    instance_agent_client,
    instance_client,
    register,
)

SSM_CORE, ECS_FOR_EC2 = INSTANCE_POLICIES
NOT_TRUSTED = "Nonexistent role or missing ssm service principal in trust policy: arn:aws:iam::123456789012:role/"


def trust(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow_assume(service):
    return {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}


@pytest.mark.parametrize(
    "document",
    [
        trust(allow_assume("ec2.amazonaws.com")),
        trust(allow_assume("ssm.amazonaws.com"), {"Effect": "Deny", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:*"}),
        trust({"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:TagSession"}),
    ],
    ids=["other-service", "explicit-deny", "other-action"],
)
def test_activation_refuses_a_role_ssm_may_not_assume(fake_aws, document):
    create_role(fake_aws, "not-for-ssm", trust=document)
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ssm").create_activation(IamRole="not-for-ssm")
    assert error_of(excinfo) == ("ValidationException", NOT_TRUSTED + "not-for-ssm", 400)


@pytest.mark.parametrize(
    "document",
    [
        trust({"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ssm.amazonaws.com"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}),
        trust({"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:*"}),
    ],
)
def test_activation_takes_a_role_ssm_may_assume(fake_aws, document):
    create_role(fake_aws, "for-ssm", trust=document)
    assert client(fake_aws, "ssm").create_activation(IamRole="for-ssm")["ActivationId"]


def test_activation_names_the_role_by_arn_too(fake_aws):
    create_role(fake_aws, "by-arn", path="/edge/")
    arn = "arn:aws:iam::123456789012:role/edge/by-arn"
    assert client(fake_aws, "ssm").create_activation(IamRole=arn)["ActivationId"]
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ssm").create_activation(IamRole="arn:aws:iam::123456789012:role/gone")
    assert error_of(excinfo) == ("ValidationException", NOT_TRUSTED + "gone", 400)


def host_with(endpoint, policies=(), inline=None):
    """A managed instance whose role has these managed policies (and one inline policy): its mi- id."""
    create_role(endpoint, "instance-role", policies=policies)
    if inline:
        client(endpoint, "iam").put_role_policy(RoleName="instance-role", PolicyName="inline", PolicyDocument=json.dumps(inline))
    return register(endpoint, create_activation(endpoint, IamRole="instance-role"))


def denied(excinfo, action):
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDeniedException", 400)
    assert "assumed-role/instance-role/mi-" in message
    assert f"is not authorized to perform: {action} because" in message


def ping(endpoint, instance_id):
    instance_agent_client(endpoint, instance_id).update_instance_information(InstanceId=instance_id, AgentVersion="3.3.0.0", PlatformType="Linux")


def register_container_instance(endpoint, instance_id, **extra):
    ecs = instance_client(endpoint, "ecs", instance_id)
    return ecs.register_container_instance(cluster="edge", totalResources=RESOURCES, attributes=ATTRIBUTES, **extra)["containerInstance"]


def test_instance_without_the_ssm_policy_cannot_report(fake_aws):
    instance_id = host_with(fake_aws, policies=[ECS_FOR_EC2])
    with pytest.raises(ClientError) as excinfo:
        ping(fake_aws, instance_id)
    denied(excinfo, "ssm:UpdateInstanceInformation")
    info = client(fake_aws, "ssm").describe_instance_information()["InstanceInformationList"][0]
    assert info["PingStatus"] == "ConnectionLost"


def test_instance_with_the_ssm_policy_reports(fake_aws):
    instance_id = host_with(fake_aws, policies=[SSM_CORE])
    ping(fake_aws, instance_id)
    assert client(fake_aws, "ssm").describe_instance_information()["InstanceInformationList"][0]["PingStatus"] == "Online"


def test_instance_without_the_ecs_policy_cannot_register_or_poll(fake_aws):
    client(fake_aws, "ecs").create_cluster(clusterName="edge")
    instance_id = host_with(fake_aws, policies=[SSM_CORE])
    with pytest.raises(ClientError) as excinfo:
        register_container_instance(fake_aws, instance_id)
    denied(excinfo, "ecs:RegisterContainerInstance")
    with pytest.raises(ClientError) as excinfo:
        instance_client(fake_aws, "ecs", instance_id).discover_poll_endpoint(cluster="edge")
    denied(excinfo, "ecs:DiscoverPollEndpoint")
    assert client(fake_aws, "ecs").list_container_instances(cluster="edge")["containerInstanceArns"] == []


def test_instance_with_both_policies_registers_with_tags(fake_aws):
    client(fake_aws, "ecs").create_cluster(clusterName="edge")
    instance_id = host_with(fake_aws, policies=INSTANCE_POLICIES)
    instance = register_container_instance(fake_aws, instance_id, tags=[{"key": "site", "value": "lab"}])
    assert instance["ec2InstanceId"] == instance_id
    assert instance_client(fake_aws, "ecs", instance_id).discover_poll_endpoint(cluster="edge")["endpoint"]


def test_wildcards_allow_and_an_explicit_deny_wins(fake_aws):
    client(fake_aws, "ecs").create_cluster(clusterName="edge")
    inline = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["ecs:register*", "ecs:Discover?ollEndpoint"], "Resource": "*"},
            {"Effect": "Deny", "Action": "ecs:DiscoverPollEndpoint", "Resource": "*"},
        ],
    }
    instance_id = host_with(fake_aws, policies=[SSM_CORE], inline=inline)
    register_container_instance(fake_aws, instance_id)
    with pytest.raises(ClientError) as excinfo:
        instance_client(fake_aws, "ecs", instance_id).discover_poll_endpoint(cluster="edge")
    code, message, _status = error_of(excinfo)
    assert code == "AccessDeniedException" and "explicit deny" in message


def test_tags_on_registration_need_tag_resource_too(fake_aws):
    client(fake_aws, "ecs").create_cluster(clusterName="edge")
    inline = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:RegisterContainerInstance", "Resource": "*"}]}
    instance_id = host_with(fake_aws, policies=[SSM_CORE], inline=inline)
    with pytest.raises(ClientError) as excinfo:
        register_container_instance(fake_aws, instance_id, tags=[{"key": "site", "value": "lab"}])
    denied(excinfo, "ecs:TagResource")
    assert register_container_instance(fake_aws, instance_id)["ec2InstanceId"] == instance_id


def test_long_term_keys_act_as_the_account(fake_aws):
    # testing/testing is no session: the account's own calls are not limited by a role.
    assert client(fake_aws, "ecs").create_cluster(clusterName="edge")["cluster"]["status"] == "ACTIVE"
