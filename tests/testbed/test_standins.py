"""The stand-in agents' pieces that need no host: signer, config and flags."""

import datetime
import importlib.machinery
import importlib.util
import io
import json
import os
import subprocess
import sys
import tarfile
import time

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
        (["-register", "-role", "R", "-tags", "[]", "-region", "X"], {"register": True, "role": "R", "tags": "[]", "region": "X"}),
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


def test_ecs_config_read_as_ecs_init_reads_it(tmp_path, monkeypatch):
    """ecs-init's getEnvVars: trimmed lines split on the first '=', quotes and comments kept, the
    later file wins, the process environment (where systemd puts a drop-in's Environment=) ignored."""
    var_lib, etc = tmp_path / "var.config", tmp_path / "etc.config"
    var_lib.write_text("AWS_DEFAULT_REGION=us-east-1\nECS_EXTERNAL=true\nECS_CLUSTER=from-var-lib\n# comment\n#ECS_LOGLEVEL=debug\n")
    etc.write_text('  ECS_CLUSTER="from-etc"  \n\nECS_INSTANCE_ATTRIBUTES={"a":"b=c"}\nno equals sign\n')
    monkeypatch.setattr(ECS, "CONFIG_FILES", (str(var_lib), str(etc)))
    monkeypatch.setenv("ECS_CLUSTER", "from-environment")
    monkeypatch.setenv("ECS_RESERVED_MEMORY", "64")
    config = ECS.load_config()
    assert config["ECS_CLUSTER"] == '"from-etc"'
    assert config["#ECS_LOGLEVEL"] == "debug" and "ECS_LOGLEVEL" not in config
    assert config["ECS_INSTANCE_ATTRIBUTES"] == '{"a":"b=c"}'
    assert "ECS_RESERVED_MEMORY" not in config and "# comment" not in config and "no equals sign" not in config
    assert config["ECS_DATADIR"] == "/data"  # ecs-init's default for the agent container


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), ("1", True), ("false", False), ('"true"', None), ("yes", None), (" true", None)],
)
def test_ecs_booleans_as_go_parses_them(value, expected):
    assert ECS.parse_bool(value) is expected


def test_ecs_agent_needs_exact_true_in_ecs_init_environment_for_credentials(monkeypatch):
    config = {"ECS_EXTERNAL": "true", "AWS_DEFAULT_REGION": "us-east-1"}
    assert ECS.Agent(config, binds=["/root/.aws:/rotatingcreds:ro"]).credentials_file.endswith("/root/.aws/credentials")
    agent = ECS.Agent(config, binds=[])
    with pytest.raises(ECS.awsreq.AwsError, match="NoCredentialProviders"):
        agent.credentials()


def test_ecs_agent_db_is_binary(tmp_path, monkeypatch):
    monkeypatch.setattr(ECS, "DATA_DIR", str(tmp_path))
    monkeypatch.setattr(ECS, "STATE_FILE", str(tmp_path / "agent.db"))
    ECS.write_state({"cluster": "c", "containerInstanceArn": "arn:x"})
    data = (tmp_path / "agent.db").read_bytes()
    with pytest.raises(ValueError):
        json.loads(data)
    assert ECS.read_state() == {"cluster": "c", "containerInstanceArn": "arn:x"}
    (tmp_path / "agent.db").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # corrupted: not trusted
    assert ECS.read_state() == {}


def test_ssm_service_without_identity_exits(monkeypatch, capsys):
    monkeypatch.setattr(SSM, "instance_info", lambda: {})
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        assert len(naps) < 10, "the agent waits for an identity instead of exiting"

    monkeypatch.setattr(SSM.time, "sleep", sleep)
    monkeypatch.setattr(SSM, "LOG_DIR", "/nonexistent/for/test")
    assert SSM.run_service() == 1
    out = capsys.readouterr().out
    assert "Agent failed to assume any identity" in out
    assert "Error occurred when starting amazon-ssm-agent: failed to get identity: failed to find agent identity" in out


def test_ssm_clear_keeps_registration_file_and_drops_fingerprint(tmp_path, monkeypatch):
    data = tmp_path / "ssm"
    for name, value in (("DATA", data), ("VAULT", data / "Vault"), ("STORE", data / "Vault" / "Store"), ("MANIFEST", data / "Vault" / "Manifest")):
        monkeypatch.setattr(SSM, name, str(value))
    monkeypatch.setattr(SSM, "REGISTRATION_FILE", str(data / "registration"))
    monkeypatch.setattr(SSM, "LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setattr(SSM, "LOG_FILE", str(tmp_path / "log" / "agent.log"))
    SSM.update_server_info("mi-0123456789abcdef0", "us-east-1", "key", "Rsa")
    first = SSM.fingerprint()
    SSM.write_private(str(data / "registration"), b'{"ManagedInstanceID": "mi-0123456789abcdef0", "Region": "us-east-1"}')
    assert SSM.process_registration({"register": True, "clear": True}) == 0
    assert SSM.instance_info()["instanceID"] == ""
    assert json.loads((data / "registration").read_text())["ManagedInstanceID"] == "mi-0123456789abcdef0"
    assert SSM.fingerprint() != first


@pytest.fixture
def dockerd(tmp_path):
    """The stand-in dockerd on a socket of its own, and a `docker` runner for it."""
    sock = tmp_path / "docker.sock"
    env = dict(os.environ, DOCKER_STANDIN_ROOT=str(tmp_path), DOCKER_HOST=f"unix://{sock}")
    daemon = subprocess.Popen([sys.executable, str(STANDINS / "docker" / "dockerd"), "-H", f"unix://{sock}"], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not sock.exists():
        assert time.monotonic() < deadline and daemon.poll() is None, "dockerd did not start"
        time.sleep(0.05)

    def docker(*args, **kwargs):
        return subprocess.run([sys.executable, str(STANDINS / "docker" / "docker"), *args], env=env, capture_output=True, text=True, check=False, **kwargs)

    yield docker
    daemon.terminate()
    daemon.wait(timeout=10)


def test_docker_cli_against_the_standin_daemon(dockerd, tmp_path):
    assert dockerd("version", "--format", "{{.Server.ApiVersion}}").stdout.strip() == "1.41"
    assert dockerd("info", "--format", "{{.Images}} {{.CgroupDriver}}").stdout.split() == ["0", "systemd"]
    image = tmp_path / "agent.tar"
    with tarfile.open(image, "w") as archive:
        manifest = json.dumps([{"Config": "c.json", "RepoTags": ["amazon/amazon-ecs-agent:latest"], "Layers": []}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    assert dockerd("load", "-i", str(image)).stdout.strip() == "Loaded image: amazon/amazon-ecs-agent:latest"
    assert dockerd("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split() == ["amazon/amazon-ecs-agent:latest"]
    assert dockerd("ps", "-a", "-q").stdout == ""
    broken = dockerd("load", input="not a tarball")
    assert broken.returncode == 1 and "Error response from daemon" in broken.stderr


def test_docker_cli_without_a_daemon(tmp_path):
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/none.sock")
    answer = subprocess.run([sys.executable, str(STANDINS / "docker" / "docker"), "info"], env=env, capture_output=True, text=True, check=False)
    assert answer.returncode == 1
    assert f"Cannot connect to the Docker daemon at unix://{tmp_path}/none.sock. Is the docker daemon running?" in answer.stderr


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


def test_standin_delays_are_realistic_unless_configured(tmp_path, monkeypatch):
    monkeypatch.setattr(SSM, "TIMING_FILE", str(tmp_path / "absent.conf"))
    monkeypatch.setattr(ECS, "TIMING_FILE", str(tmp_path / "absent.conf"))
    assert (SSM.timing("SSM_REGISTER_SECONDS"), SSM.timing("SSM_START_SECONDS"), ECS.timing("ECS_START_SECONDS")) == (2, 3, 5)
    conf = tmp_path / "timing.conf"
    conf.write_text("SSM_START_SECONDS=0\nECS_START_SECONDS=1\n")
    monkeypatch.setattr(SSM, "TIMING_FILE", str(conf))
    monkeypatch.setattr(ECS, "TIMING_FILE", str(conf))
    assert (SSM.timing("SSM_START_SECONDS"), ECS.timing("ECS_START_SECONDS")) == (0, 1)
