"""`make fake-aws` as a developer runs it: the endpoint answers boto3 for what ECS Anywhere needs."""

import os
import signal
import subprocess

from conftest import FakeAws
from conftest import REPO
from conftest import free_port
from external import register_external_instances


def test_make_fake_aws_serves_activations_and_external_instances():
    port = free_port()
    env = dict(os.environ, FAKE_AWS_PORT=str(port), FAKE_AWS_HOST="127.0.0.1")
    server = subprocess.Popen(["make", "--no-print-directory", "fake-aws"], cwd=REPO, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = FakeAws(port=port).wait(server, timeout=60)
        ssm = endpoint.client("ssm")
        ids = register_external_instances(endpoint, "edge", 1)
        activations = ssm.describe_activations()["ActivationList"]
        assert len(activations) == 1 and activations[0]["RegistrationsCount"] == 1
        created = ssm.create_activation(IamRole="ecs-anywhere", RegistrationLimit=5, DefaultInstanceName="edge")
        assert created["ActivationId"] and created["ActivationCode"]
        listed = {a["ActivationId"]: a for a in ssm.describe_activations()["ActivationList"]}
        assert listed[created["ActivationId"]]["RegistrationLimit"] == 5
        instances = endpoint.client("ecs").describe_container_instances(
            cluster="edge", containerInstances=endpoint.client("ecs").list_container_instances(cluster="edge")["containerInstanceArns"]
        )["containerInstances"]
        assert [instance["ec2InstanceId"] for instance in instances] == ids
        assert ids[0].startswith("mi-") and instances[0]["agentConnected"] is True
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
