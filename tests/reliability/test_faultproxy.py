"""The fault proxy's faults are what botocore sees from AWS (README.md beside it): each kind alone at rate 1, against the
local endpoint, with botocore's retries off so the first answer is the one checked; then what the client our modules get
(amazon.aws's, botocore's default retry mode) makes of them. No test bed needed."""

import json
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions
import botocore.session
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.botocore import boto3_conn

import faultproxy
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


def module_client(url, service):
    """A client as our modules get one: their runner calls amazon.aws's module.client(), which is boto3_conn() with the
    connection info and no ``aws_config`` (the modules set none), so botocore's default retry mode and attempts."""
    return boto3_conn(None, conn_type="client", resource=service, region="us-east-1", endpoint=url, aws_access_key_id="testing",
                      aws_secret_access_key="testing", aws_session_token=None, verify=True)


# Attempts in all (the first and the retries) of botocore's modes when nothing sets them: data/_retry.json
# (``__default__`` ``max_attempts`` 5) for legacy, botocore/retries/standard.py (``DEFAULT_MAX_ATTEMPTS`` 3) for standard.
# Which mode is the default is botocore's (configprovider.py ``retry_mode``): legacy up to 1.40 (our floor, 1.40.42),
# standard in the 1.44 series that constraints.txt pins.
DEFAULT_ATTEMPTS = {"legacy": 5, "standard": 3}
CODES = {"throttle": "ThrottlingException", "500": "ServerException", "503": "ServiceUnavailable"}


@pytest.fixture
def botocore_defaults(monkeypatch, tmp_path):
    """No retry setting from this machine's environment or AWS config file: what botocore does by itself."""
    for name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))


def list_clusters(client):
    """"ok", or the code of the error the call ended with."""
    try:
        client.list_clusters()
        return "ok"
    except botocore.exceptions.ClientError as error:
        return error.response["Error"]["Code"]


def stats(url):
    with urllib.request.urlopen(url + "/_faultproxy/stats", timeout=10) as answer:
        return json.load(answer)["stats"]


def test_our_modules_clients_use_botocores_default_retry_mode(botocore_defaults):  # pylint: disable=redefined-outer-name,unused-argument
    client = module_client("http://127.0.0.1:9", "ecs")
    default = botocore.session.get_session().get_config_variable("retry_mode")
    assert client.meta.config.retries == {"mode": default}  # nothing between botocore and our modules sets a mode or attempts
    assert default in DEFAULT_ATTEMPTS


@pytest.mark.parametrize("kind", ["throttle", "500", "503", "drop", "lost"])
def test_the_default_client_retries_each_fault_kind(proxy, fake_aws, botocore_defaults, kind):  # pylint: disable=redefined-outer-name,unused-argument
    """Every attempt meets the fault: the client our modules get makes botocore's default number of attempts, then fails; a
    lost answer means the write happened that many times."""
    url = proxy(f"{kind}=1")
    client = module_client(url, "ecs")
    attempts = DEFAULT_ATTEMPTS[client.meta.config.retries["mode"]]
    with pytest.raises((botocore.exceptions.ClientError, botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError)):
        client.create_cluster(clusterName="retried")
    assert stats(url)["requests"] == attempts
    assert calls(fake_aws) == (["CreateCluster"] * attempts if kind == "lost" else [])


def test_the_default_client_rides_out_mixed_faults_as_the_seed_says(proxy, botocore_defaults):  # pylint: disable=redefined-outer-name,unused-argument
    """At 70 % errors, each call succeeds if one of its attempts draws no fault, else fails with its last fault's code: what the
    seed's draws say, call by call."""
    rates = "throttle=0.3,500=0.2,503=0.2"
    url = proxy(rates, seed=3)
    client = module_client(url, "ecs")
    attempts = DEFAULT_ATTEMPTS[client.meta.config.retries["mode"]]
    draws, drawn = random.Random(3), faultproxy.parse_rates(rates)
    seen, expected = [], []
    for _call in range(8):
        seen.append(list_clusters(client))
        kinds = []
        while len(kinds) < attempts and (not kinds or kinds[-1] is not None):
            kinds.append(faultproxy.pick(draws.random(), drawn))
        expected.append("ok" if kinds[-1] is None else CODES[kinds[-1]])
    assert seen == expected
    assert "ok" in seen and stats(url)["requests"] > len(seen)  # some calls were retried, and succeeded


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
        client = aws(url, "ecs")
        return [list_clusters(client) for _attempt in range(20)]

    assert draws(11) == draws(11) != draws(12)
