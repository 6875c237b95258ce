"""The fault proxy's faults are what botocore sees from AWS (README.md beside it): each kind alone at rate 1, against the
local endpoint, with botocore's retries off so the first answer is the one checked. No test bed needed."""

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions
import pytest

from fake_aws import call_log

PROXY = Path(__file__).with_name("faultproxy.py")
NO_RETRY = botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=5, connect_timeout=5)


@pytest.fixture
def proxy(fake_aws):  # pylint: disable=redefined-outer-name
    started = []

    def start(rates, seed=7):
        command = [sys.executable, str(PROXY), "--upstream", fake_aws.url, "--seed", str(seed), "--rates", rates, "--slow-seconds", "1"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
        started.append(process)
        return process.stdout.readline().split()[3]

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def aws(url, service):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=NO_RETRY)


def calls(fake_aws):  # pylint: disable=redefined-outer-name
    return [call["action"] for call in call_log.calls(fake_aws)]


@pytest.mark.parametrize("kind, service, call, code, status", [
    ("throttle", "ecs", "list_clusters", "ThrottlingException", 400),
    ("throttle", "ssm", "describe_activations", "ThrottlingException", 400),
    ("throttle", "iam", "list_roles", "Throttling", 400),
    ("500", "ecs", "list_clusters", "ServerException", 500),
    ("500", "ssm", "describe_activations", "InternalServerError", 500),
    ("500", "iam", "list_roles", "ServiceFailure", 500),
    ("503", "ecs", "list_clusters", "ServiceUnavailable", 503),
    ("503", "iam", "list_roles", "ServiceUnavailable", 503),
])
def test_error_answers_parse_as_aws_errors(proxy, fake_aws, kind, service, call, code, status):  # pylint: disable=redefined-outer-name
    url = proxy(f"{kind}=1")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        getattr(aws(url, service), call)()
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert calls(fake_aws) == []  # refused before the endpoint


def test_botocore_retries_each_error_kind(proxy, fake_aws):  # pylint: disable=redefined-outer-name
    """botocore's legacy mode (the default) retries every error kind: at a high rate a call still succeeds."""
    url = proxy("throttle=0.3,500=0.2,503=0.2", seed=3)
    client = boto3.client("ecs", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 20}))
    for _attempt in range(5):
        assert client.list_clusters()["clusterArns"] == []
    with urllib.request.urlopen(url + "/_faultproxy/stats", timeout=10) as answer:
        stats = json.load(answer)["stats"]
    assert stats["throttle"] and stats["500"] and stats["503"], stats


def test_drop_happens_before_the_endpoint_and_lost_after(proxy, fake_aws):  # pylint: disable=redefined-outer-name
    dropped = proxy("drop=1")
    with pytest.raises((botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError)):
        aws(dropped, "ecs").create_cluster(clusterName="dropped")
    assert calls(fake_aws) == []
    lost = proxy("lost=1")
    with pytest.raises((botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError)):
        aws(lost, "ecs").create_cluster(clusterName="lost")
    assert calls(fake_aws) == ["CreateCluster"]  # it happened; only the answer was lost
    assert fake_aws.client("ecs").list_clusters()["clusterArns"][0].endswith("/lost")


def test_slow_answers_late_and_the_seed_replays(proxy, fake_aws):  # pylint: disable=redefined-outer-name,unused-argument
    url = proxy("slow=1")
    started = time.monotonic()
    assert aws(url, "ecs").list_clusters()["clusterArns"] == []
    assert time.monotonic() - started >= 1

    def draws(seed):
        url = proxy("throttle=0.5", seed=seed)
        client, seen = aws(url, "ecs"), []
        for _attempt in range(20):
            try:
                client.list_clusters()
                seen.append("ok")
            except botocore.exceptions.ClientError as error:
                seen.append(error.response["Error"]["Code"])
        return seen

    assert draws(11) == draws(11) != draws(12)
