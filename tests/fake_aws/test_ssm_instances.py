"""Managed instances: registration as the SSM agent does it, heartbeats, describe, tags, deregistration."""

import base64
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fake_aws.helpers import (
    advance_clock,
    agent_client,
    client,
    create_activation,
    create_role,
    error_of,
    http,
    instance_client,
    onboard,
    register,
    role_token,
)


def pkcs1_key():
    """Long enough (RSA-3072), but PKCS#1 rather than the agent's PKIX."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072).public_key()
    return base64.b64encode(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)).decode("ascii")


HEARTBEAT = {
    "AgentName": "amazon-ssm-agent",
    "AgentStatus": "Active",
    "AgentVersion": "3.3.1611.0",
    "PlatformName": "Debian GNU/Linux",
    "PlatformType": "Linux",
    "PlatformVersion": "12",
    "ComputerName": "edge-1.example.internal",
    "IPAddress": "10.213.7.11",
}


def infos(endpoint, **params):
    return client(endpoint, "ssm").describe_instance_information(**params)["InstanceInformationList"]


def heartbeat(endpoint, instance_id, **fields):
    agent_client(endpoint).update_instance_information(InstanceId=instance_id, **dict(HEARTBEAT, **fields))


def test_register_answers_an_mi_id_and_consumes_one_registration(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws, RegistrationLimit=2)
    instance_id = register(fake_aws, activation)
    assert re.fullmatch(r"mi-[0-9a-f]{17}", instance_id)
    [described] = client(fake_aws, "ssm").describe_activations()["ActivationList"]
    assert described["RegistrationsCount"] == 1


def test_registered_instance_is_described_with_what_the_activation_gave_it(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws, DefaultInstanceName="edge", Tags=[{"Key": "site", "Value": "plant-1"}])
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    instance_id = register(fake_aws, activation)
    [info] = infos(fake_aws)
    assert {key: info[key] for key in ("InstanceId", "ResourceType", "IamRole", "ActivationId", "Name", "PingStatus")} == {
        "InstanceId": instance_id,
        "ResourceType": "ManagedInstance",
        "IamRole": "ecs-anywhere",
        "ActivationId": activation["ActivationId"],
        "Name": "edge",
        "PingStatus": "ConnectionLost",  # registered, agent not started yet
    }
    assert before <= info["RegistrationDate"] <= datetime.now(timezone.utc)
    assert "LastPingDateTime" not in info
    tags = client(fake_aws, "ssm").list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=instance_id)["TagList"]
    assert tags == [{"Key": "site", "Value": "plant-1"}]


def test_registration_stops_at_the_limit(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws, RegistrationLimit=2)
    register(fake_aws, activation, "host-1")
    register(fake_aws, activation, "host-2")
    with pytest.raises(ClientError) as excinfo:
        register(fake_aws, activation, "host-3")
    assert error_of(excinfo)[0::2] == ("RegistrationLimitExceeded", 400)
    assert len(infos(fake_aws)) == 2


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ActivationCode": "A" * 20}, "InvalidActivation"),
        ({"ActivationId": "00000000-0000-4000-8000-000000000000"}, "InvalidActivation"),
        ({"PublicKey": "x" * 392}, "InvalidPublicKey"),
        ({"PublicKeyType": "Ed25519"}, "InvalidPublicKey"),
        ({"PublicKey": pkcs1_key}, "InvalidPublicKey"),
    ],
)
def test_registration_refuses_what_the_agent_would_be_refused(fake_aws, overrides, code):
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    with pytest.raises(ClientError) as excinfo:
        register(fake_aws, activation, **overrides)
    assert error_of(excinfo)[0::2] == (code, 400)
    assert infos(fake_aws) == []


def test_registration_refuses_a_pkcs1_key_as_aws_model_does(fake_aws):
    # The agent sends PKIX DER (x509.MarshalPKIXPublicKey): 392 characters for RSA-2048; PKCS#1 is 360.
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    body = {
        "ActivationCode": activation["ActivationCode"],
        "ActivationId": activation["ActivationId"],
        "PublicKey": "A" * 360,
        "PublicKeyType": "Rsa",
        "Fingerprint": "f",
    }
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.RegisterManagedInstance"}
    status, answer, _headers = http(fake_aws, "/", method="POST", body=json.dumps(body).encode(), headers=headers)
    assert (status, answer["__type"]) == (400, "ValidationException")
    assert "Value '" + "A" * 360 + "' at 'publicKey' failed to satisfy constraint: Member must have length greater than or equal to 392" in answer["Message"]


def test_registration_refuses_a_deleted_activation(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    client(fake_aws, "ssm").delete_activation(ActivationId=activation["ActivationId"])
    with pytest.raises(ClientError) as excinfo:
        register(fake_aws, activation)
    assert error_of(excinfo)[0] == "InvalidActivation"


def test_registration_finds_the_activation_in_its_region(fake_aws):
    # The agent sends no region with its unsigned call; the instance belongs to the activation's region.
    create_role(fake_aws)
    eu = client(fake_aws, "ssm", region="eu-west-1")
    created = eu.create_activation(IamRole="ecs-anywhere")
    instance_id = register(fake_aws, created)
    assert [info["InstanceId"] for info in eu.describe_instance_information()["InstanceInformationList"]] == [instance_id]
    assert infos(fake_aws) == []


def test_heartbeat_makes_it_online_with_what_the_agent_reports(fake_aws):
    instance_id = onboard(fake_aws)
    heartbeat(fake_aws, instance_id)
    [info] = infos(fake_aws)
    assert info["PingStatus"] == "Online"
    assert abs(info["LastPingDateTime"] - datetime.now(timezone.utc)) < timedelta(seconds=5)
    assert {key: info[key] for key in ("AgentVersion", "PlatformName", "PlatformType", "PlatformVersion", "ComputerName", "IPAddress")} == {
        key: HEARTBEAT[key] for key in ("AgentVersion", "PlatformName", "PlatformType", "PlatformVersion", "ComputerName", "IPAddress")
    }


def test_ping_status_falls_to_connection_lost_after_60_seconds(fake_aws):
    instance_id = onboard(fake_aws)
    heartbeat(fake_aws, instance_id)
    advance_clock(fake_aws, 59)
    assert infos(fake_aws)[0]["PingStatus"] == "Online"
    advance_clock(fake_aws, 2)
    assert infos(fake_aws)[0]["PingStatus"] == "ConnectionLost"
    heartbeat(fake_aws, instance_id)
    assert infos(fake_aws)[0]["PingStatus"] == "Online"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"InstanceId": "mi-00000000000000000"}, "InvalidInstanceId"),
        ({"PlatformType": "Plan9"}, "InvalidInstanceInformationValue"),
    ],
)
def test_heartbeat_refuses_unknown_instances_and_values(fake_aws, params, code):
    instance_id = onboard(fake_aws)
    with pytest.raises(ClientError) as excinfo:
        agent_client(fake_aws).update_instance_information(**dict({"InstanceId": instance_id}, **params))
    assert error_of(excinfo)[0::2] == (code, 400)


def test_role_token_is_an_sts_session_named_after_the_instance(fake_aws):
    instance_id = onboard(fake_aws)
    token = role_token(fake_aws, instance_id)
    assert token["TokenExpirationDate"] > datetime.now(timezone.utc) and token["UpdateKeyPair"] is False
    identity = instance_client(fake_aws, "sts", instance_id).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::123456789012:assumed-role/ecs-anywhere/{instance_id}"


@pytest.mark.parametrize(
    ("signer", "fingerprint", "code"),
    [
        ("instance", "another-machine", "MachineFingerprintDoesNotMatch"),
        ("mi-00000000000000000", "fingerprint-1", "InvalidInstanceId"),
        ("AKIDEXAMPLE", "fingerprint-1", "InvalidInstanceId"),
    ],
)
def test_role_token_only_for_the_registered_machine(fake_aws, signer, fingerprint, code):
    instance_id = onboard(fake_aws)
    with pytest.raises(ClientError) as excinfo:
        role_token(fake_aws, instance_id if signer == "instance" else signer, fingerprint)
    assert error_of(excinfo)[0::2] == (code, 400)


@pytest.fixture
def fleet(fake_aws):
    """Four instances: two from activation A (tag team=a, role-a), two from B (team=b, role-b); the first of each pings."""
    create_role(fake_aws, "role-a")
    create_role(fake_aws, "role-b")
    ids = []
    for team in ("a", "b"):
        activation = create_activation(fake_aws, IamRole=f"role-{team}", RegistrationLimit=2, Tags=[{"Key": "team", "Value": team}])
        ids += [register(fake_aws, activation, f"{team}-1"), register(fake_aws, activation, f"{team}-2")]
        ids.append(activation["ActivationId"])
    heartbeat(fake_aws, ids[0])
    heartbeat(fake_aws, ids[3], PlatformType="Windows", AgentVersion="3.2.0.0")
    return {"a1": ids[0], "a2": ids[1], "A": ids[2], "b1": ids[3], "b2": ids[4], "B": ids[5]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([], ["a1", "a2", "b1", "b2"]),
        ([{"Key": "InstanceIds", "Values": ["a2", "b1"]}], ["a2", "b1"]),
        ([{"Key": "InstanceIds", "Values": ["mi-00000000000000000"]}], []),  # unknown: nothing, no error
        ([{"Key": "PingStatus", "Values": ["Online"]}], ["a1", "b1"]),
        ([{"Key": "PingStatus", "Values": ["ConnectionLost"]}], ["a2", "b2"]),
        ([{"Key": "ResourceType", "Values": ["ManagedInstance"]}], ["a1", "a2", "b1", "b2"]),
        ([{"Key": "ResourceType", "Values": ["EC2Instance"]}], []),
        ([{"Key": "ActivationIds", "Values": ["B"]}], ["b1", "b2"]),
        ([{"Key": "IamRole", "Values": ["role-a"]}], ["a1", "a2"]),
        ([{"Key": "PlatformTypes", "Values": ["Windows"]}], ["b1"]),
        ([{"Key": "AgentVersion", "Values": ["3.2.0.0"]}], ["b1"]),
        ([{"Key": "tag:team", "Values": ["b"]}], ["b1", "b2"]),
        ([{"Key": "tag:team", "Values": ["c"]}], []),
        ([{"Key": "tag-key", "Values": ["team"]}], ["a1", "a2", "b1", "b2"]),
        ([{"Key": "tag:team", "Values": ["a"]}, {"Key": "tag-key", "Values": ["team"]}], ["a1", "a2"]),
        ([{"Key": "ActivationIds", "Values": ["A"]}, {"Key": "PingStatus", "Values": ["Online"]}], ["a1"]),
    ],
)
def test_describe_filters(fake_aws, fleet, filters, expected):
    for item in filters:
        item["Values"] = [fleet.get(value, value) for value in item["Values"]]
    assert [info["InstanceId"] for info in infos(fake_aws, Filters=filters)] == [fleet[name] for name in expected]


@pytest.mark.parametrize(
    ("filter_list", "expected"),
    [
        ([{"key": "InstanceIds", "valueSet": ["a1"]}], ["a1"]),
        ([{"key": "PingStatus", "valueSet": ["ConnectionLost"]}], ["a2", "b2"]),
        ([{"key": "ActivationIds", "valueSet": ["A"]}], ["a1", "a2"]),
    ],
)
def test_describe_takes_the_old_filter_list_too(fake_aws, fleet, filter_list, expected):
    for item in filter_list:
        item["valueSet"] = [fleet.get(value, value) for value in item["valueSet"]]
    assert [info["InstanceId"] for info in infos(fake_aws, InstanceInformationFilterList=filter_list)] == [fleet[name] for name in expected]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"InstanceInformationFilterList": [{"key": "InstanceIds", "valueSet": ["mi-00000000000000000"]}]}, "InvalidInstanceId"),
        ({"Filters": [{"Key": "Color", "Values": ["blue"]}]}, "InvalidFilterKey"),
        # "Tag filters can't be combined with other filter types."
        ({"Filters": [{"Key": "tag:team", "Values": ["a"]}, {"Key": "PingStatus", "Values": ["Online"]}]}, "InvalidFilterKey"),
        (
            {"Filters": [{"Key": "tag-key", "Values": ["team"]}], "InstanceInformationFilterList": [{"key": "PingStatus", "valueSet": ["Online"]}]},
            "InvalidFilterKey",
        ),
        ({"Filters": [{"Key": "PingStatus", "Values": ["Sleeping"]}]}, "InvalidInstanceInformationFilterValue"),
        ({"MaxResults": 51}, "ValidationException"),
        ({"NextToken": "?"}, "InvalidNextToken"),
    ],
)
def test_describe_refuses_bad_filters(fake_aws, fleet, params, code):
    del fleet
    with pytest.raises(ClientError) as excinfo:
        infos(fake_aws, **params)
    assert error_of(excinfo)[0::2] == (code, 400)


def test_describe_pages(fake_aws, fleet):
    ssm = client(fake_aws, "ssm")
    pages = list(ssm.get_paginator("describe_instance_information").paginate(PaginationConfig={"PageSize": 5}))
    assert len(pages) == 1
    first = ssm.describe_instance_information(MaxResults=5)
    assert "NextToken" not in first
    found = [info["InstanceId"] for info in first["InstanceInformationList"]]
    assert found == [fleet[name] for name in ("a1", "a2", "b1", "b2")]


def test_describe_pages_past_the_page_size(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws, RegistrationLimit=7)
    ids = [register(fake_aws, activation, f"host-{index}") for index in range(7)]
    ssm = client(fake_aws, "ssm")
    first = ssm.describe_instance_information(MaxResults=5)
    second = ssm.describe_instance_information(MaxResults=5, NextToken=first["NextToken"])
    assert [i["InstanceId"] for i in first["InstanceInformationList"]] == ids[:5]
    assert [i["InstanceId"] for i in second["InstanceInformationList"]] == ids[5:]
    assert "NextToken" not in second


def test_tags_of_managed_instances(fake_aws):
    instance_id = onboard(fake_aws, Tags=[{"Key": "site", "Value": "plant-1"}])
    ssm = client(fake_aws, "ssm")
    ssm.add_tags_to_resource(
        ResourceType="ManagedInstance", ResourceId=instance_id, Tags=[{"Key": "role", "Value": "ecs"}, {"Key": "site", "Value": "plant-2"}]
    )
    ssm.remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=instance_id, TagKeys=["role"])
    tags = ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=instance_id)["TagList"]
    assert tags == [{"Key": "site", "Value": "plant-2"}]
    assert [info["InstanceId"] for info in infos(fake_aws, Filters=[{"Key": "tag:site", "Values": ["plant-2"]}])] == [instance_id]


@pytest.mark.parametrize("action", ["add_tags_to_resource", "list_tags_for_resource"])
def test_unknown_managed_instances_cannot_be_tagged(fake_aws, action):
    params = {"ResourceType": "ManagedInstance", "ResourceId": "mi-00000000000000000"}
    if action == "add_tags_to_resource":
        params["Tags"] = [{"Key": "a", "Value": "b"}]
    with pytest.raises(ClientError) as excinfo:
        getattr(client(fake_aws, "ssm"), action)(**params)
    assert error_of(excinfo)[0] == "InvalidResourceId"


def test_deregister_removes_the_instance_and_its_tags(fake_aws):
    instance_id = onboard(fake_aws, Tags=[{"Key": "site", "Value": "plant-1"}])
    ssm = client(fake_aws, "ssm")
    ssm.deregister_managed_instance(InstanceId=instance_id)
    assert infos(fake_aws) == []
    with pytest.raises(ClientError) as excinfo:
        ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=instance_id)
    assert error_of(excinfo)[0] == "InvalidResourceId"
    with pytest.raises(ClientError) as excinfo:
        heartbeat(fake_aws, instance_id)
    assert error_of(excinfo)[0] == "InvalidInstanceId"


def test_deregister_refuses_unknown_instances(fake_aws):
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ssm").deregister_managed_instance(InstanceId="mi-00000000000000000")
    assert error_of(excinfo)[0::2] == ("InvalidInstanceId", 400)


def test_parallel_registrations_never_pass_the_limit(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws, RegistrationLimit=5)
    register(fake_aws, activation, "warm-up")  # one client made before the threads share it

    def attempt(index):
        try:
            return register(fake_aws, activation, f"host-{index}")
        except ClientError as exc:
            return exc.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(12)))
    assert sum(result.startswith("mi-") for result in results) == 4
    assert sorted(set(results) - {r for r in results if r.startswith("mi-")}) == ["RegistrationLimitExceeded"]
    assert client(fake_aws, "ssm").describe_activations()["ActivationList"][0]["RegistrationsCount"] == 5
