"""The endpoint as a process: its command line, its readiness, one port for every service."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fake_aws import server
from fake_aws.helpers import Site, advance_clock, agent_client, calls, client, http

SERVER = Path(server.__file__)


@pytest.mark.parametrize(
    ("environment", "argv", "expected"),
    [
        ({}, [], ("127.0.0.1", 5055)),
        ({"FAKE_AWS_HOST": "0.0.0.0", "FAKE_AWS_PORT": "6000"}, [], ("0.0.0.0", 6000)),
        ({"FAKE_AWS_HOST": "0.0.0.0", "FAKE_AWS_PORT": "6000"}, ["--host", "127.0.0.2", "--port", "7000"], ("127.0.0.2", 7000)),
    ],
)
def test_host_and_port_default_to_the_environment(monkeypatch, environment, argv, expected):
    monkeypatch.delenv("FAKE_AWS_HOST", raising=False)
    monkeypatch.delenv("FAKE_AWS_PORT", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    args = server.parse_args(argv)
    assert (args.host, args.port) == expected


def wait_until_ready(process, port, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1) as answer:
                return answer.status
        except OSError:
            assert time.monotonic() < deadline, "no answer on /moto-api/"
            time.sleep(0.1)


def test_serves_in_the_foreground_on_the_port_of_the_environment():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = dict(os.environ, FAKE_AWS_HOST="127.0.0.1", FAKE_AWS_PORT=str(port))
    with subprocess.Popen([sys.executable, str(SERVER)], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        try:
            assert wait_until_ready(process, port) == 200
        finally:
            process.terminate()
        # SIGTERM ends it cleanly.
        assert process.wait(timeout=10) == 0


def test_heartbeat_timeouts_come_from_the_environment(fake_aws_short_timeouts):
    # FAKE_AWS_PING_TIMEOUT and FAKE_AWS_AGENT_TIMEOUT are 1 second on this endpoint (60 by default).
    site = Site(fake_aws_short_timeouts)
    instance_id, registered = site.host()
    agent_client(fake_aws_short_timeouts).update_instance_information(InstanceId=instance_id, AgentVersion="3.3.1611.0")
    advance_clock(fake_aws_short_timeouts, 0.5)
    info = client(fake_aws_short_timeouts, "ssm").describe_instance_information()["InstanceInformationList"][0]
    assert (info["PingStatus"], site.describe(registered["containerInstanceArn"])["agentConnected"]) == ("Online", True)
    advance_clock(fake_aws_short_timeouts, 1)
    info = client(fake_aws_short_timeouts, "ssm").describe_instance_information()["InstanceInformationList"][0]
    assert (info["PingStatus"], site.describe(registered["containerInstanceArn"])["agentConnected"]) == ("ConnectionLost", False)


def test_every_service_answers_on_one_port(fake_aws):
    assert client(fake_aws, "ecs").list_clusters()["clusterArns"] == []
    assert client(fake_aws, "ssm").describe_activations()["ActivationList"] == []
    assert client(fake_aws, "sts").get_caller_identity()["Account"] == "123456789012"
    assert client(fake_aws, "iam").list_roles()["Roles"] == []


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        # Its real ARN has the service-role/ path.
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ],
)
def test_aws_managed_policies_exist(fake_aws, arn):
    answer = client(fake_aws, "iam").get_policy(PolicyArn=arn)
    assert answer["Policy"]["Arn"] == arn


def test_errors_are_sent_as_aws_json_protocol_sends_them(fake_aws):
    status, body, headers = http(
        fake_aws,
        "/",
        method="POST",
        body=b'{"ActivationId": "00000000-0000-4000-8000-000000000000"}',
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonSSM.DeleteActivation",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    assert status == 400
    assert body["__type"] == "InvalidActivation" and body["Message"]
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/_fake_aws/nothing", None, 404),
        ("POST", "/_fake_aws/calls", None, 405),
        ("GET", "/_fake_aws/reset", None, 405),
        ("DELETE", "/_fake_aws/clock", None, 405),
        ("POST", "/_fake_aws/clock", b'{"advance": "soon"}', 400),
        ("POST", "/_fake_aws/clock", b"[1]", 400),
    ],
)
def test_private_paths_refuse_what_they_do_not_serve(fake_aws, method, path, body, status):
    assert http(fake_aws, path, method=method, body=body)[0] == status


def test_the_clock_moves_forward_only_and_reset_puts_it_back(fake_aws):
    assert http(fake_aws, "/_fake_aws/clock")[1] == {"offset": 0}
    assert advance_clock(fake_aws, 90) == 90
    assert advance_clock(fake_aws, -30) == 90
    client(fake_aws, "ecs").create_cluster(clusterName="before-reset")
    assert http(fake_aws, "/_fake_aws/reset", method="POST")[0] == 204
    assert http(fake_aws, "/_fake_aws/clock")[1] == {"offset": 0}
    assert client(fake_aws, "ecs").list_clusters()["clusterArns"] == []
    assert calls(fake_aws) == [{"service": "ecs", "action": "ListClusters"}]
