"""SSM hybrid activations: CreateActivation, DescribeActivations, DeleteActivation."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import advance_clock, client, create_activation, create_role, error_of, register

NOT_TRUSTED = "Nonexistent role or missing ssm service principal in trust policy: arn:aws:iam::123456789012:role/"


def describe(endpoint, **params):
    return client(endpoint, "ssm").describe_activations(**params)["ActivationList"]


def test_create_answers_an_id_and_a_code(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", activation["ActivationId"])
    assert re.fullmatch(r"[A-Za-z0-9+/]{20}", activation["ActivationCode"])


def test_defaults_one_registration_for_24_hours(fake_aws):
    create_role(fake_aws)
    before = datetime.now(timezone.utc)
    activation_id = create_activation(fake_aws)["ActivationId"]
    [described] = describe(fake_aws)
    assert described["ActivationId"] == activation_id
    assert described["RegistrationLimit"] == 1 and described["RegistrationsCount"] == 0
    assert described["Expired"] is False
    assert before - timedelta(seconds=1) <= described["CreatedDate"] <= datetime.now(timezone.utc)
    assert abs(described["ExpirationDate"] - described["CreatedDate"] - timedelta(hours=24)) < timedelta(seconds=1)
    assert "Description" not in described and "DefaultInstanceName" not in described


def test_keeps_what_it_was_given(fake_aws):
    create_role(fake_aws, "hybrid", path="/service-role/")
    expiry = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)
    tags = [{"Key": "cluster", "Value": "edge"}, {"Key": "site", "Value": "plant-1"}]
    create_activation(
        fake_aws,
        IamRole="service-role/hybrid",
        RegistrationLimit=7,
        ExpirationDate=expiry,
        Description="three hosts",
        DefaultInstanceName="edge-host",
        Tags=tags,
        RegistrationMetadata=[{"Key": "k", "Value": "v"}],
    )
    [described] = describe(fake_aws)
    assert {key: described[key] for key in ("IamRole", "RegistrationLimit", "ExpirationDate", "Description", "DefaultInstanceName", "Tags")} == {
        "IamRole": "service-role/hybrid",
        "RegistrationLimit": 7,
        "ExpirationDate": expiry,
        "Description": "three hosts",
        "DefaultInstanceName": "edge-host",
        "Tags": tags,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"RegistrationLimit": 1001}, "Value '1001' at 'registrationLimit' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        ({"ExpirationDate": datetime.now(timezone.utc) - timedelta(minutes=1)}, "ExpirationDate must be in the future."),
        ({"ExpirationDate": datetime.now(timezone.utc) + timedelta(days=31)}, "ExpirationDate must be within 30 days of the current date."),
        ({"IamRole": "missing-role"}, NOT_TRUSTED + "missing-role"),
        ({"IamRole": "other-path/ecs-anywhere"}, NOT_TRUSTED + "other-path/ecs-anywhere"),
        ({"DefaultInstanceName": "no spaces? no!"}, "at 'defaultInstanceName' failed to satisfy constraint: Member must satisfy regular expression pattern"),
    ],
)
def test_create_refuses_what_aws_refuses(fake_aws, params, message):
    create_role(fake_aws)
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ssm").create_activation(**{"IamRole": "ecs-anywhere", **params})
    code, text, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message in text
    assert describe(fake_aws) == []


def test_expires_at_its_expiration_date(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    advance_clock(fake_aws, 24 * 3600 - 60)
    assert describe(fake_aws)[0]["Expired"] is False
    advance_clock(fake_aws, 61)
    assert describe(fake_aws)[0]["Expired"] is True
    with pytest.raises(ClientError) as excinfo:
        register(fake_aws, activation)
    assert error_of(excinfo)[0] == "ActivationExpired"


@pytest.fixture
def three_activations(fake_aws):
    create_role(fake_aws, "role-a")
    create_role(fake_aws, "role-b")
    return [
        create_activation(fake_aws, IamRole="role-a", DefaultInstanceName="web")["ActivationId"],
        create_activation(fake_aws, IamRole="role-b", DefaultInstanceName="web")["ActivationId"],
        create_activation(fake_aws, IamRole="role-b", DefaultInstanceName="db")["ActivationId"],
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([], [0, 1, 2]),
        ([{"FilterKey": "ActivationIds", "FilterValues": ["#0", "#2"]}], [0, 2]),
        ([{"FilterKey": "DefaultInstanceName", "FilterValues": ["web"]}], [0, 1]),
        ([{"FilterKey": "IamRole", "FilterValues": ["role-b"]}], [1, 2]),
        ([{"FilterKey": "IamRole", "FilterValues": ["role-b"]}, {"FilterKey": "DefaultInstanceName", "FilterValues": ["web"]}], [1]),
        ([{"FilterKey": "IamRole", "FilterValues": ["nobody"]}], []),
    ],
)
def test_describe_filters(fake_aws, three_activations, filters, expected):
    for item in filters:
        item["FilterValues"] = [three_activations[int(value[1:])] if value.startswith("#") else value for value in item["FilterValues"]]
    found = [activation["ActivationId"] for activation in describe(fake_aws, Filters=filters)]
    assert found == [three_activations[index] for index in expected]


def test_describe_pages_with_max_results_and_next_token(fake_aws, three_activations):
    ssm = client(fake_aws, "ssm")
    first = ssm.describe_activations(MaxResults=2)
    second = ssm.describe_activations(MaxResults=2, NextToken=first["NextToken"])
    assert [a["ActivationId"] for a in first["ActivationList"] + second["ActivationList"]] == three_activations
    assert "NextToken" not in second
    paged = [a["ActivationId"] for page in ssm.get_paginator("describe_activations").paginate(PaginationConfig={"PageSize": 1}) for a in page["ActivationList"]]
    assert paged == three_activations


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Filters": [{"FilterKey": "Tags", "FilterValues": ["x"]}]}, "InvalidFilter"),
        ({"NextToken": "not a token"}, "InvalidNextToken"),
        ({"MaxResults": 51}, "ValidationException"),
    ],
)
def test_describe_refuses_bad_filters_and_tokens(fake_aws, params, code):
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ssm").describe_activations(**params)
    assert error_of(excinfo)[0::2] == (code, 400)


def test_delete_removes_it_and_keeps_registered_instances(fake_aws):
    create_role(fake_aws)
    activation = create_activation(fake_aws)
    instance_id = register(fake_aws, activation)
    client(fake_aws, "ssm").delete_activation(ActivationId=activation["ActivationId"])
    assert describe(fake_aws) == []
    infos = client(fake_aws, "ssm").describe_instance_information()["InstanceInformationList"]
    assert [info["InstanceId"] for info in infos] == [instance_id]


@pytest.mark.parametrize(
    ("activation_id", "code"),
    [
        # Gone or never there: what AWS answers (and Terraform's provider treats as deleted).
        ("00000000-0000-4000-8000-000000000000", "InvalidActivation"),
        ("not-an-activation-id", "InvalidActivationId"),
    ],
)
def test_delete_refuses_unknown_activations(fake_aws, activation_id, code):
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ssm").delete_activation(ActivationId=activation_id)
    assert error_of(excinfo)[0::2] == (code, 400)


@pytest.mark.parametrize("action", ["add_tags_to_resource", "remove_tags_from_resource", "list_tags_for_resource"])
def test_activations_cannot_be_tagged_after_creation(fake_aws, action):
    # AWS: "You can't add tags to or delete tags from an existing activation"; not a ResourceTypeForTagging.
    create_role(fake_aws)
    activation_id = create_activation(fake_aws, Tags=[{"Key": "a", "Value": "b"}])["ActivationId"]
    params = {"ResourceType": "Activation", "ResourceId": activation_id}
    params.update({"add_tags_to_resource": {"Tags": [{"Key": "c", "Value": "d"}]}, "remove_tags_from_resource": {"TagKeys": ["a"]}}.get(action, {}))
    with pytest.raises(ClientError) as excinfo:
        getattr(client(fake_aws, "ssm"), action)(**params)
    assert error_of(excinfo)[0] == "InvalidResourceType"
    assert describe(fake_aws)[0]["Tags"] == [{"Key": "a", "Value": "b"}]
