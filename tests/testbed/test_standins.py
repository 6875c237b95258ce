"""The stand-in agents' pieces that need no host: signer, config and flags."""

import datetime
import importlib.machinery
import importlib.util
import sys

import pytest
from bed import HERE

STANDINS = HERE / "standins"
sys.path.insert(0, str(STANDINS))
import awsreq  # noqa: E402


def load_script(path, name):
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


SSM = load_script(STANDINS / "amazon-ssm-agent" / "amazon-ssm-agent", "ssm_standin")
ECS = load_script(STANDINS / "amazon-ecs-init" / "amazon-ecs-init", "ecs_standin")


@pytest.mark.parametrize(
    ("url", "service", "target", "token"),
    [
        ("http://10.213.7.1:4566/", "ssm", "AmazonSSM.UpdateInstanceInformation", ""),
        ("http://10.213.7.1:4566/", "ecs", "AmazonEC2ContainerServiceV20141113.DiscoverPollEndpoint", "tok/en+="),
        ("https://ecs.us-east-1.amazonaws.com/", "ecs", "AmazonEC2ContainerServiceV20141113.RegisterContainerInstance", ""),
    ],
)
def test_sigv4_matches_botocore(url, service, target, token, monkeypatch):
    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = b'{"cluster": "c"}'
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    headers = {"Content-Type": awsreq.JSON_11, "X-Amz-Target": target}
    ours = awsreq.sigv4_headers(
        "POST", url, headers, body, {"id": "AKIDEXAMPLE", "key": "secret", "token": token}, "us-east-1", service, when
    )

    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: when.replace(tzinfo=None))
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret", token or None), service, "us-east-1").add_auth(request)
    assert ours["X-Amz-Date"] == request.headers["X-Amz-Date"]
    assert ours["Authorization"] == request.headers["Authorization"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "https://ssm.us-east-1.amazonaws.com"),
        ("ssm.example.internal", "https://ssm.example.internal"),
        ("http://10.213.7.1:4566", "http://10.213.7.1:4566"),
    ],
)
def test_endpoint_like_the_go_sdk(value, expected):
    assert awsreq.endpoint_url(value, "ssm.us-east-1.amazonaws.com") == expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["-register", "-code", "C", "-id", "I", "-region", "R"], {"register": True, "code": "C", "id": "I", "region": "R"}),
        (["--register", "--code=C", "-y", "-clear"], {"register": True, "code": "C", "y": True, "clear": True}),
        (["-version"], {"version": True}),
        ([], {}),
    ],
)
def test_ssm_flags_like_go_flag(argv, expected):
    assert SSM.parse_flags(argv) == expected


def test_ssm_unknown_flag_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        SSM.parse_flags(["-bogus"])
    assert stop.value.code == 2
    assert "flag provided but not defined: -bogus" in capsys.readouterr().err


def test_ecs_config_later_file_wins(tmp_path, monkeypatch):
    var_lib, etc = tmp_path / "var.config", tmp_path / "etc.config"
    var_lib.write_text("AWS_DEFAULT_REGION=us-east-1\nECS_EXTERNAL=true\nECS_CLUSTER=from-var-lib\n# comment\n")
    etc.write_text('ECS_CLUSTER="from-etc"\n\nECS_LOGLEVEL=debug\n')
    monkeypatch.setattr(ECS, "CONFIG_FILES", (str(var_lib), str(etc)))
    monkeypatch.setenv("ECS_CLUSTER", "from-environment")
    config = ECS.load_config()
    assert config["ECS_CLUSTER"] == "from-etc"
    assert config["ECS_EXTERNAL"] == "true" and config["ECS_LOGLEVEL"] == "debug"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"AWS_DEFAULT_REGION": "us-east-1"}, "ECS_EXTERNAL=true"),
        ({"ECS_EXTERNAL": "true"}, "AWS_DEFAULT_REGION must be set"),
    ],
)
def test_ecs_agent_needs_external_and_region(config, message):
    with pytest.raises(ECS.AgentError, match=message):
        ECS.Agent(config)


def test_ecs_agent_defaults():
    agent = ECS.Agent({"ECS_EXTERNAL": "true", "AWS_DEFAULT_REGION": "eu-west-1"})
    assert agent.cluster == "default"
    assert agent.endpoint == "https://ecs.eu-west-1.amazonaws.com"
