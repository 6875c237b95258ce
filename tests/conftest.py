"""Fixtures shared by every test suite: the local AWS endpoint on a free port."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SERVER = REPO / "tests" / "fake_aws" / "server.py"
# Importable as ansible_collections.hybridops.ecs_anywhere through the symlink tree `make` builds.
sys.path.insert(0, str(REPO / "build" / "collections"))

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


# A start is seconds; beside the test beds of other suites moto's import alone can take minutes (a start that fails still
# fails at once: the process exits).
START_TIMEOUT = 180


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class FakeAws:
    """A running local AWS endpoint (a subprocess) and how to reach it."""

    def __init__(self, host="127.0.0.1", port=None, environment=None):
        self.environment = dict(environment or {})
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.region = FAKE_CREDENTIALS["AWS_DEFAULT_REGION"]
        self.process = None

    def start(self, timeout=START_TIMEOUT):
        env = dict(os.environ, **FAKE_CREDENTIALS, **self.environment)
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(SERVER), "--host", self.host, "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self.wait(process, timeout)

    def wait(self, process, timeout=START_TIMEOUT):
        """This endpoint once it answers, served by ``process`` (started here or by someone else, `make fake-aws` say)."""
        self.process = process
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"fake AWS exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"fake AWS did not answer on {self.url} within {timeout}s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def reset(self):
        """Forget every resource and logged call: a fresh endpoint in milliseconds instead of seconds."""
        request = urllib.request.Request(f"{self.url}/_fake_aws/reset", method="POST")
        urllib.request.urlopen(request, timeout=30).close()
        return self

    def client(self, service):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )


@pytest.fixture(scope="session")
def fake_aws_started_with():
    """``start(environment)``: the worker's endpoint started with these FAKE_AWS_* settings (one per setting, reused)."""
    started = {}

    def start(environment):
        key = tuple(sorted(environment.items()))
        if key not in started:
            started[key] = FakeAws(environment=environment).start()
        return started[key].reset()

    yield start
    for endpoint in started.values():
        endpoint.stop()


@pytest.fixture
def fake_aws(fake_aws_started_with):  # pylint: disable=redefined-outer-name
    """A fresh local AWS endpoint for one test: the worker's endpoint, reset (a start costs seconds, a reset milliseconds)."""
    return fake_aws_started_with({})


# AWS's eventual consistency, on by default (tests/fake_aws/README.md "Eventual consistency"), switched off.
NO_DELAYS = {"FAKE_AWS_IAM_PROPAGATION": "0", "FAKE_AWS_TASK_VISIBILITY": "0", "FAKE_AWS_TASK_START": "0", "FAKE_AWS_TASK_STOP": "0"}

# Managed instances lose their ping, and container instances their agent connection, one second after the last heartbeat.
SHORT_TIMEOUTS = {"FAKE_AWS_PING_TIMEOUT": "1", "FAKE_AWS_AGENT_TIMEOUT": "1"}


@pytest.fixture
def fake_aws_short_timeouts(fake_aws_started_with):  # pylint: disable=redefined-outer-name
    """Like fake_aws, but heartbeats count for one second only (see SHORT_TIMEOUTS)."""
    return fake_aws_started_with(SHORT_TIMEOUTS)
