"""What the endpoint's tests share: agent-side clients, an RSA key, the call log, errors."""

import base64
import functools
import json
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fake_aws import call_log
from fake_aws.shapes import botocore_session

TRUST_SSM = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


@functools.cache
def public_key():
    """A base64 DER (PKIX) RSA-2048 public key, as the SSM agent sends it (made once: key generation is slow)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def client(endpoint, service, region=None, **credentials):
    """A boto3 client of ``endpoint`` (its region and testing credentials unless given), without retries."""
    credentials = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return _client(endpoint.url, region or endpoint.region, service, tuple(sorted(credentials.items())))


@functools.cache
def _client(url, region, service, credentials):
    # Making a client loads its model: a tenth of a second each, so each is made once.
    return boto3.client(service, endpoint_url=url, region_name=region, config=NO_RETRIES, **dict(credentials))


def agent_client(endpoint, access_key="anonymous", secret="unused"):
    """An SSM client that also knows the agent's private actions (RegisterManagedInstance is sent unsigned)."""
    return _agent_client(endpoint.url, endpoint.region, access_key, secret)


@functools.cache
def _agent_session():
    return botocore_session()  # one session: each new one parses the SSM model again


@functools.cache
def _agent_client(url, region, access_key, secret):
    return _agent_session().create_client(
        "ssm",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        config=NO_RETRIES,
    )


# What ECS Anywhere's instance role needs (AWS: "Required IAM permissions" of ECS Anywhere); the ARNs are AWS's.
INSTANCE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
)
# A new role reaches SSM after FAKE_AWS_IAM_PROPAGATION seconds; callers retry as they must on AWS.
ROLE_PROPAGATION_TIMEOUT = 20


def service_client(target, service):
    """``target`` if it is a boto3 client of ``service``, else a client of the endpoint ``target`` (tests/conftest.py FakeAws)."""
    if getattr(getattr(target, "meta", None), "service_model", None) is not None:
        assert target.meta.service_model.service_name == service, f"a {service} client is needed, not {target.meta.service_model.service_name}"
        return target
    return client(target, service)


def create_role(iam, name="ecs-anywhere", path="/", policies=INSTANCE_POLICIES, trust=TRUST_SSM, exist_ok=False):
    """An instance role trusted by SSM with ``policies`` attached (ECS Anywhere's two by default): its name.

    ``iam``: a boto3 IAM client or an endpoint. ``exist_ok``: a role of that name already there is taken as it is
    (a test bed that outlives one test)."""
    iam = service_client(iam, "iam")
    try:
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust)
    except iam.exceptions.EntityAlreadyExistsException:
        if not exist_ok:
            raise
        return name
    for arn in policies:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return name


def create_activation(ssm, timeout=ROLE_PROPAGATION_TIMEOUT, **params):
    """CreateActivation, retried for up to ``timeout`` s while a new role is not yet visible to SSM (as AWS documents and
    Terraform does). ``ssm``: a boto3 SSM client (the test bed's, say) or an endpoint."""
    ssm = service_client(ssm, "ssm")
    params.setdefault("IamRole", "ecs-anywhere")
    deadline = time.monotonic() + timeout
    while True:
        try:
            return ssm.create_activation(**params)
        except ClientError as err:
            if "Nonexistent role" not in err.response["Error"]["Message"] or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def register(endpoint, activation, fingerprint="fingerprint-1", **overrides):
    """RegisterManagedInstance as the agent sends it; the new mi- id."""
    params = {
        "ActivationCode": activation["ActivationCode"],
        "ActivationId": activation["ActivationId"],
        "PublicKey": public_key(),
        "PublicKeyType": "Rsa",
        "Fingerprint": fingerprint,
    }
    params.update(overrides)
    return agent_client(endpoint).register_managed_instance(**params)["InstanceId"]


def onboard(endpoint, fingerprint="fingerprint-1", **activation_params):
    """A role, an activation and one managed instance registered with it: the instance id."""
    create_role(endpoint)
    return register(endpoint, create_activation(endpoint, **activation_params), fingerprint)


def role_token(endpoint, instance_id, fingerprint="fingerprint-1"):
    """RequestManagedInstanceRoleToken, signed as the agent signs it: the instance id is the access key."""
    return agent_client(endpoint, access_key=instance_id, secret="rsa-private-key").request_managed_instance_role_token(Fingerprint=fingerprint)


def instance_client(endpoint, service, instance_id, fingerprint="fingerprint-1"):
    """A client with the managed instance's role credentials, as the ECS agent uses them."""
    token = role_token(endpoint, instance_id, fingerprint)
    return client(
        endpoint,
        service,
        aws_access_key_id=token["AccessKeyId"],
        aws_secret_access_key=token["SecretAccessKey"],
        aws_session_token=token["SessionToken"],
    )


def instance_agent_client(endpoint, instance_id, fingerprint="fingerprint-1"):
    """The SSM agent's client once registered: its private actions, signed with the instance's role credentials."""
    token = role_token(endpoint, instance_id, fingerprint)
    return _agent_session().create_client(
        "ssm",
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id=token["AccessKeyId"],
        aws_secret_access_key=token["SecretAccessKey"],
        aws_session_token=token["SessionToken"],
        config=NO_RETRIES,
    )


def advance_clock(endpoint, seconds):
    """Move the endpoint's clock (expiry, pings, heartbeats) forward."""
    return http(endpoint, "/_fake_aws/clock", method="POST", body=json.dumps({"advance": seconds}).encode())[1]["offset"]


def calls(endpoint):
    return call_log.calls(endpoint)


def http(endpoint, path, method="GET", body=None, headers=None):
    """(status, decoded JSON body or None, headers) of a raw request; HTTP errors are answers too."""
    request = urllib.request.Request(f"{endpoint.url}{path}", data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            status, raw, answer_headers = answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as err:
        status, raw, answer_headers = err.code, err.read(), err.headers
    is_json = "json" in (answer_headers.get("Content-Type") or "")
    return status, json.loads(raw) if raw and is_json else None, answer_headers


def error_of(excinfo):
    """(code, message, HTTP status) of a botocore ClientError."""
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


RESOURCES = [
    {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    {"name": "MEMORY", "type": "INTEGER", "integerValue": 3800},
    {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
    {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
]
VERSION = {"agentVersion": "1.89.0", "agentHash": "abcdef01", "dockerVersion": "DockerVersion: 26.1.5"}
ATTRIBUTES = [
    {"name": "ecs.os-type", "value": "linux"},
    {"name": "ecs.os-family", "value": "LINUX"},
    {"name": "ecs.cpu-architecture", "value": "x86_64"},
    {"name": "ecs.capability.external"},
    {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.44"},
]
CONTAINER = {"name": "web", "image": "public.ecr.aws/nginx/nginx:stable", "memory": 256, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}


class Site:
    """An ECS cluster and an activation, from which hosts register the way the two agents do."""

    def __init__(self, endpoint, cluster="edge", hosts=3):
        self.endpoint = endpoint
        self.cluster = cluster
        self.ecs = client(endpoint, "ecs")
        self.ecs.create_cluster(clusterName=cluster)
        create_role(endpoint)
        self.activation = create_activation(endpoint, RegistrationLimit=hosts)
        self.fingerprints = {}

    def host(self, **registration):
        """SSM registration, the role token, then RegisterContainerInstance with it: (mi- id, container instance)."""
        fingerprint = f"host-{len(self.fingerprints) + 1}"
        instance_id = register(self.endpoint, self.activation, fingerprint)
        self.fingerprints[instance_id] = fingerprint
        request = {"cluster": self.cluster, "instanceIdentityDocument": "", "totalResources": RESOURCES, "versionInfo": VERSION, "attributes": ATTRIBUTES}
        request.update(registration)
        answer = self.agent(instance_id).register_container_instance(**request)
        return instance_id, answer["containerInstance"]

    def agent(self, instance_id):
        """An ECS client with the host's role credentials (those the SSM agent shares)."""
        return instance_client(self.endpoint, "ecs", instance_id, self.fingerprints[instance_id])

    def describe(self, arn, **params):
        return self.ecs.describe_container_instances(cluster=self.cluster, containerInstances=[arn], **params)["containerInstances"][0]

    def register_task_definition(self, **params):
        params.setdefault("family", "web")
        params.setdefault("containerDefinitions", [CONTAINER])
        return self.ecs.register_task_definition(**params)["taskDefinition"]

    # -- services and tasks ------------------------------------------------------------------

    def lab_host(self):
        """A host whose agent reports the custom attribute site=lab."""
        return self.host(attributes=ATTRIBUTES + [{"name": "site", "value": "lab"}])

    def app(self, family="app", revision_note=None, **container):
        """An EXTERNAL task definition of one container (256 MiB, no host port unless given): its ARN."""
        definition = {"name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36", "memory": 256, "command": ["sleep", "3600"]}
        definition.update(container)
        if revision_note:  # a different definition, hence a new revision
            definition["environment"] = [{"name": "NOTE", "value": revision_note}]
        return self.register_task_definition(family=family, containerDefinitions=[definition], requiresCompatibilities=["EXTERNAL"])["taskDefinitionArn"]

    def create_service(self, name="app", **params):
        params.setdefault("taskDefinition", "app")
        params.setdefault("launchType", "EXTERNAL")
        if params.get("schedulingStrategy") != "DAEMON":
            params.setdefault("desiredCount", 1)
        return self.ecs.create_service(cluster=self.cluster, serviceName=name, **params)["service"]

    def service(self, name="app", **params):
        return self.ecs.describe_services(cluster=self.cluster, services=[name], **params)["services"][0]

    def tasks(self, **filters):
        """The tasks ListTasks names for the filters, described."""
        arns = self.ecs.list_tasks(cluster=self.cluster, **filters)["taskArns"]
        return self.ecs.describe_tasks(cluster=self.cluster, tasks=arns)["tasks"] if arns else []

    def task(self, arn):
        return self.ecs.describe_tasks(cluster=self.cluster, tasks=[arn])["tasks"][0]

    def instance_of(self, task):
        return self.describe(task["containerInstanceArn"])

    def wait(self, waiter, attempts=3, **params):
        """A botocore waiter with a short delay; raises WaiterError when it gives up."""
        params.setdefault("cluster", self.cluster)
        self.ecs.get_waiter(waiter).wait(WaiterConfig={"Delay": 0.05, "MaxAttempts": attempts}, **params)


def auto_scaling_group(endpoint, name, protected=False):
    """An Auto Scaling group without instances, protecting new instances from scale-in or not: its ARN."""
    ec2, autoscaling = client(endpoint, "ec2"), client(endpoint, "autoscaling")
    if not ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": ["workers"]}])["LaunchTemplates"]:
        ec2.create_launch_template(LaunchTemplateName="workers", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": "workers"},
        MinSize=0,
        MaxSize=2,
        AvailabilityZones=[f"{endpoint.region}a"],
        NewInstancesProtectedFromScaleIn=protected,
    )
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
