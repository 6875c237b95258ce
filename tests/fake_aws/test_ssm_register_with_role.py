"""RegisterManagedInstance in its signed form: `amazon-ssm-agent -register -role R -tags JSON -region X`
(aws/amazon-ssm-agent core/agent_parser.go, agent/ssm/authregister): no activation, signed with the
host's IAM credentials, the instance takes the role and tags from the request."""

import json

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fake_aws.helpers import client, create_role, http, public_key, role_token

HEADERS = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.RegisterManagedInstance"}


def register_with_role(endpoint, signed=True, **params):
    """(status, answer) of the signed RegisterManagedInstance the agent sends with -role."""
    body = {"PublicKey": public_key(), "PublicKeyType": "Rsa", "Fingerprint": "fingerprint-1"}
    body.update(params)
    request = AWSRequest(method="POST", url=f"{endpoint.url}/", data=json.dumps(body).encode(), headers=dict(HEADERS))
    if signed:
        SigV4Auth(Credentials("testing", "testing"), "ssm", endpoint.region).add_auth(request)
    status, answer, _headers = http(endpoint, "/", method="POST", body=request.body, headers=dict(request.headers))
    return status, answer


def test_signed_registration_with_role_and_tags(fake_aws):
    role = create_role(fake_aws)
    tags = [{"Key": "site", "Value": "plant-1"}]
    status, answer = register_with_role(fake_aws, IamRole=role, Tags=tags)
    assert status == 200 and answer["InstanceId"].startswith("mi-")
    instance_id = answer["InstanceId"]
    ssm = client(fake_aws, "ssm")
    [info] = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])["InstanceInformationList"]
    assert info["IamRole"] == role and "ActivationId" not in info
    assert ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=instance_id)["TagList"] == tags
    assert role_token(fake_aws, instance_id)["AccessKeyId"]


def test_role_form_must_be_signed_and_name_a_role(fake_aws):
    role = create_role(fake_aws)
    status, answer = register_with_role(fake_aws, signed=False, IamRole=role)
    assert (status, answer["__type"]) == (400, "MissingAuthenticationTokenException")
    status, answer = register_with_role(fake_aws, IamRole="no-such-role")
    assert (status, answer["__type"]) == (400, "ValidationException")
    status, answer = register_with_role(fake_aws)  # neither an activation nor a role
    assert (status, answer["__type"]) == (400, "InvalidActivation")
