"""ecs_container_instance(_info) and ssm_managed_instance(_info) against hosts registered as their agents register them.

Registered hosts need calls only agents make (RegisterManagedInstance with an activation,
RegisterContainerInstance signed with the instance's role credentials, heartbeats), so the
targets cannot set themselves up. This file does it with boto3, then runs the scenario roles
under scenarios/ through run_target, with the hosts' ids as variables; while a scenario
runs, a background thread keeps the agents' heartbeats going and plays the parts a playbook
waits for (a host that registers late, a task that stops).
"""

import base64
import functools
import threading
import time
from pathlib import Path

import boto3
import boto3.session
import botocore.exceptions
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fake_aws.call_log import calls
from fake_aws.helpers import create_activation
from fake_aws.helpers import create_role
from fake_aws.shapes import botocore_session
from test_targets import run_target

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
CLUSTER = "edge"
ROLE = "ecsAnywhereRole"
RESOURCES = [
    {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    {"name": "MEMORY", "type": "INTEGER", "integerValue": 3840},
    {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
]
# Seconds after its last heartbeat that an agent counts as disconnected, in the wait scenario.
AGENT_TIMEOUT = 5


@functools.cache
def agent_session():
    """One botocore session whose SSM model has the agent's actions (models load once)."""
    return botocore_session()


def public_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


class Host:
    """One on-premises host: what its SSM agent and its ECS agent say to AWS."""

    def __init__(self, endpoint, name, address):
        self.endpoint = endpoint
        self.name = name
        self.address = address
        self.fingerprint = f"fingerprint-{name}"
        self.instance_id = None
        self.arn = None
        self.credentials = None
        self.ecs = None

    def _ssm(self, **credentials):
        return agent_session().create_client(
            "ssm", endpoint_url=self.endpoint.url, region_name=self.endpoint.region,
            **(credentials or {"aws_access_key_id": "anonymous", "aws_secret_access_key": "unused"}),
        )  # fmt: skip

    def _ecs(self):
        """The ECS agent's client (made once, in a session of its own: heartbeats come from another thread)."""
        if self.ecs is None:
            self.ecs = boto3.session.Session(**self.credentials).client("ecs", endpoint_url=self.endpoint.url, region_name=self.endpoint.region)
        return self.ecs

    def register_ssm(self, activation, public):
        """``amazon-ssm-agent -register``, then the agent's first report (the host is Online)."""
        self.instance_id = self._ssm().register_managed_instance(
            ActivationCode=activation["ActivationCode"], ActivationId=activation["ActivationId"],
            PublicKey=public, PublicKeyType="Rsa", Fingerprint=self.fingerprint,
        )["InstanceId"]  # fmt: skip
        # The agent signs with its key; the local endpoint reads the instance id from the signature.
        token = self._ssm(aws_access_key_id=self.instance_id, aws_secret_access_key="agent-key").request_managed_instance_role_token(
            Fingerprint=self.fingerprint
        )
        self.credentials = {
            "aws_access_key_id": token["AccessKeyId"],
            "aws_secret_access_key": token["SecretAccessKey"],
            "aws_session_token": token["SessionToken"],
        }
        return self

    def report(self):
        self._ssm(**self.credentials).update_instance_information(
            InstanceId=self.instance_id, AgentName="amazon-ssm-agent", AgentVersion="3.3.1142.0", AgentStatus="Active",
            PlatformType="Linux", PlatformName="Debian GNU/Linux", PlatformVersion="12",
            ComputerName=f"{self.name}.lab.example", IPAddress=self.address,
        )  # fmt: skip
        return self

    def register_ecs(self, cluster=CLUSTER):
        """The ECS agent's RegisterContainerInstance, with no identity document: an external instance."""
        self.arn = self._ecs().register_container_instance(
            cluster=cluster, totalResources=RESOURCES,
            versionInfo={"agentVersion": "1.91.0", "agentHash": "a1b2c3d", "dockerVersion": "DockerVersion: 25.0.5"},
            attributes=[{"name": "ecs.capability.external"}, {"name": "ecs.os-type", "value": "linux"}],
        )["containerInstance"]["containerInstanceArn"]  # fmt: skip
        return self

    def heartbeat(self, cluster=CLUSTER):
        """DiscoverPollEndpoint, as the agent polls; False once the instance is deregistered (the agent then stops)."""
        try:
            self._ecs().discover_poll_endpoint(containerInstance=self.arn, cluster=cluster)
        except botocore.exceptions.ClientError as error:
            if "inactive" not in str(error):
                raise
            return False
        return True


class Fleet:
    """Hosts of one local endpoint, and the account-side calls that set a scenario up."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.ecs = endpoint.client("ecs")
        self.ssm = endpoint.client("ssm")
        self.public = public_key()
        create_role(endpoint, ROLE)  # trusted by SSM, with ECS Anywhere's two managed policies

    def activation(self, **params):
        return create_activation(self.endpoint, IamRole=ROLE, RegistrationLimit=100, **params)

    def host(self, name, activation, address, report=True):
        host = Host(self.endpoint, name, address).register_ssm(activation, self.public)
        return host.report() if report else host

    def start_task(self, host):
        """A task not started by a service (draining leaves it running), placed on ``host``."""
        self.ecs.register_task_definition(
            family="sleeper", networkMode="bridge", requiresCompatibilities=["EXTERNAL"],
            containerDefinitions=[{"name": "sleep", "image": "busybox", "command": ["sleep", "3600"], "cpu": 256, "memory": 256}],
        )  # fmt: skip
        task = self.ecs.start_task(cluster=CLUSTER, taskDefinition="sleeper", containerInstances=[host.arn], startedBy="test")["tasks"][0]
        return task["taskArn"]

    def calls(self):
        return calls(self.endpoint)

    def count(self, service, action):
        return sum(1 for call in self.calls() if call == {"service": service, "action": action})


class Stage(threading.Thread):
    """Heartbeats for the hosts that are up, and cues: when the n-th call of an action arrives, do something."""

    def __init__(self, fleet, hosts):
        super().__init__(daemon=True)
        self.fleet = fleet
        self.hosts = list(hosts)
        self.cues = []
        self.errors = []
        self.stopping = threading.Event()

    def cue(self, service, action, occurrence, do):
        self.cues.append({"call": {"service": service, "action": action}, "occurrence": occurrence, "do": do})

    def run(self):
        while not self.stopping.is_set():
            try:
                for host in list(self.hosts):
                    if not host.heartbeat():
                        self.hosts.remove(host)
                calls = self.fleet.calls()
                for cue in list(self.cues):
                    if sum(1 for call in calls if call == cue["call"]) >= cue["occurrence"]:
                        self.cues.remove(cue)
                        threading.Thread(target=self._play, args=(cue["do"],), daemon=True).start()
            except Exception as error:  # pylint: disable=broad-exception-caught  # reported by the test
                self.errors.append(repr(error))
            self.stopping.wait(0.5)

    def _play(self, do):
        """A cue runs on its own, so that heartbeats go on meanwhile."""
        try:
            do()
        except Exception as error:  # pylint: disable=broad-exception-caught  # reported by the test
            self.errors.append(repr(error))

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        self.join(timeout=10)


def run_scenario(name, endpoint, tmp_path, variables):
    result = run_target(str(SCENARIOS / name), endpoint, tmp_path, variables)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "failed=0" in result.stdout
    return result


def ids(host):
    return {"name": host.name, "instance_id": host.instance_id, "arn": host.arn}


@pytest.fixture
def quick_agents(fake_aws_started_with):
    """The local endpoint, started with agents that count as disconnected AGENT_TIMEOUT seconds after their last heartbeat."""
    return fake_aws_started_with({"FAKE_AWS_AGENT_TIMEOUT": str(AGENT_TIMEOUT)})


def test_container_instances(fake_aws, tmp_path):
    fleet = Fleet(fake_aws)
    fleet.ecs.create_cluster(clusterName=CLUSTER)
    activation = fleet.activation(DefaultInstanceName="edge")
    one = fleet.host("edge-01", activation, "10.0.0.11").register_ecs()
    two = fleet.host("edge-02", activation, "10.0.0.12").register_ecs()
    task = fleet.start_task(two)

    with Stage(fleet, [one, two]) as stage:
        run_scenario("ecs_container_instance", fake_aws, tmp_path, {
            "cluster": CLUSTER, "one": ids(one), "two": ids(two), "task_id": task.rsplit("/", 1)[-1],
        })  # fmt: skip
        assert stage.errors == []

    described = fleet.ecs.describe_container_instances(cluster=CLUSTER, containerInstances=[one.arn, two.arn])["containerInstances"]
    described = {ci["ec2InstanceId"]: ci for ci in described}
    assert described[one.instance_id]["status"] == "ACTIVE"
    assert {"name": "site", "value": "lab"} in described[one.instance_id]["attributes"]
    assert "maintenance" not in [attribute["name"] for attribute in described[one.instance_id]["attributes"]]
    assert described[two.instance_id]["status"] == "INACTIVE"
    # Check mode and second runs wrote nothing: each write happened once.
    assert fleet.count("ecs", "UpdateContainerInstancesState") == 3  # drain and activate edge-01, drain edge-02
    assert fleet.count("ecs", "PutAttributes") == 1
    assert fleet.count("ecs", "DeleteAttributes") == 1
    assert fleet.count("ecs", "DeregisterContainerInstance") == 1


def test_container_instance_waits(quick_agents, tmp_path):
    fleet = Fleet(quick_agents)
    fleet.ecs.create_cluster(clusterName=CLUSTER)
    activation = fleet.activation()
    one = fleet.host("edge-01", activation, "10.0.0.11").register_ecs()
    late = fleet.host("edge-02", activation, "10.0.0.12")  # SSM registered; its ECS agent is not up yet
    silent = fleet.host("edge-03", activation, "10.0.0.13").register_ecs()  # registered, then its agent goes quiet
    tasks = {"one": fleet.start_task(one)}

    def late_agent_starts():
        time.sleep(2)
        stage.hosts.append(late.register_ecs())
        tasks["late"] = fleet.start_task(late)

    with Stage(fleet, [one]) as stage:
        # The scenario's first task looks host names up, after listing the cluster; then edge-02's agent registers.
        stage.cue("ssm", "DescribeInstanceInformation", 1, late_agent_starts)
        # Draining edge-01 (the 1st status change) lets its task finish, and so does draining edge-02 (the 2nd).
        stage.cue("ecs", "UpdateContainerInstancesState", 1, lambda: fleet.ecs.stop_task(cluster=CLUSTER, task=tasks["one"]))
        stage.cue("ecs", "UpdateContainerInstancesState", 2, lambda: fleet.ecs.stop_task(cluster=CLUSTER, task=tasks["late"]))
        time.sleep(AGENT_TIMEOUT + 1)  # edge-03's agent is disconnected from here on
        assert not fleet.ecs.describe_container_instances(cluster=CLUSTER, containerInstances=[silent.arn])["containerInstances"][0]["agentConnected"]
        run_scenario("ecs_container_instance_wait", quick_agents, tmp_path, {
            "cluster": CLUSTER, "one": ids(one), "late": ids(late), "silent": ids(silent),
        })  # fmt: skip
        assert stage.errors == []
        assert stage.cues == []

    described = fleet.ecs.describe_container_instances(cluster=CLUSTER, containerInstances=[one.arn, late.arn, silent.arn])["containerInstances"]
    assert {ci["ec2InstanceId"]: ci["status"] for ci in described} == {
        one.instance_id: "DRAINING", late.instance_id: "INACTIVE", silent.instance_id: "INACTIVE",
    }  # fmt: skip


def test_managed_instances(fake_aws, tmp_path):
    fleet = Fleet(fake_aws)
    lab = fleet.activation(DefaultInstanceName="lab", Tags=[{"Key": "site", "Value": "lab"}])
    other = fleet.activation()
    web1 = fleet.host("web-01", lab, "10.0.1.11")
    web2 = fleet.host("web-02", lab, "10.0.1.12", report=False)  # registered, never reported: ConnectionLost
    db1 = fleet.host("db-01", other, "10.0.2.11")

    run_scenario("ssm_managed_instance", fake_aws, tmp_path, {
        "web1": ids(web1), "web2": ids(web2), "db1": ids(db1), "lab_activation_id": lab["ActivationId"],
    })  # fmt: skip

    left = fleet.ssm.describe_instance_information()["InstanceInformationList"]
    assert [info["InstanceId"] for info in left] == [web1.instance_id]
    tags = fleet.ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=web1.instance_id)["TagList"]
    assert tags == [{"Key": "role", "Value": "web"}]
    # Check mode and second runs wrote nothing.
    assert [fleet.count("ssm", action) for action in ("AddTagsToResource", "RemoveTagsFromResource", "DeregisterManagedInstance")] == [1, 1, 2]


def test_managed_instance_pages(fake_aws, tmp_path):
    fleet = Fleet(fake_aws)
    activation = fleet.activation()
    count = 55
    for index in range(count):
        fleet.host(f"host-{index}", activation, f"10.0.3.{index}")
    assert fleet.ssm.describe_instance_information().get("NextToken"), "the endpoint no longer pages: this test needs more instances"

    run_scenario("ssm_managed_instance_pages", fake_aws, tmp_path, {"count": count})

    assert fleet.count("ssm", "DescribeInstanceInformation") >= 1 + 2 * 2  # the check above, then two pages per listing
