"""Run each integration target through `ansible-playbook` against its own local AWS endpoint.

A target is a role under targets/ (the layout ansible-test uses); it gets the
endpoint and credentials as the variables ansible-test's AWS cloud plugin sets.
A target whose `aliases` file has `needs/external_instances` first gets two
external (ECS Anywhere) container instances registered in cluster `edge`, as the
agents would register them; their `mi-` ids come as `external_instance_ids`.
One with `needs/slow_task_stops` gets an endpoint whose tasks take 4 s to stop.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from external import register_external_instances

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# The ansible under test: this Python's, or another venv's bin directory (make matrix runs these tests once per
# ansible-core version, the endpoint staying in this venv).
ANSIBLE_COLLECTIONS = REPO / "build" / "collections" / "ansible_collections"
ANSIBLE_BIN = Path(os.environ.get("ECS_ANYWHERE_TEST_ANSIBLE_BIN") or Path(sys.executable).parent)
TARGETS = sorted(path.name for path in (HERE / "targets").iterdir() if (path / "tasks" / "main.yml").is_file())

PLAYBOOK = """\
- name: Integration target {target}
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: {target}
"""


def run_target(target, fake_aws, tmp_path, extra_vars=None):
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK.format(target=target))
    variables = {
        "aws_endpoint_url": fake_aws.url,
        "aws_region": fake_aws.region,
        "aws_access_key": "testing",
        "aws_secret_key": "testing",
    }
    variables.update(extra_vars or {})
    return run_playbook(playbook, tmp_path, variables)


def playbook_environment(environment=None):
    """ansible-playbook's environment: the collection, the targets' roles, and no AWS credentials (only variables give them)."""
    env = dict(
        os.environ,
        ANSIBLE_ROLES_PATH=str(HERE / "targets"),
        ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
    )
    # Credentials reach modules only through the variables, as from AWX's credential.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        env.pop(name, None)
    env.update(environment or {})
    return env


def run_playbook(playbook, tmp_path, variables, options=(), environment=None):
    """ansible-playbook with --diff, the collection and the targets' roles, and AWS credentials only from ``variables``."""
    command = [str(ANSIBLE_BIN / "ansible-playbook"), str(playbook), "-e", json.dumps(variables), "--diff", *options]
    return subprocess.run(command, env=playbook_environment(environment), capture_output=True, text=True, check=False, cwd=tmp_path)


EXTERNAL_CLUSTER = "edge"
EXTERNAL_INSTANCES = 2


def aliases(target):
    return (HERE / "targets" / target / "aliases").read_text().split()


# The instances registered for a target send no heartbeats; their agents stay connected for the whole run.
QUIET_AGENTS_STAY_CONNECTED = {"FAKE_AWS_AGENT_TIMEOUT": "3600", "FAKE_AWS_PING_TIMEOUT": "3600"}


# Tasks take this long to stop, for a target whose aliases have `needs/slow_task_stops` (a wait that must run out first).
SLOW_TASK_STOPS = {"FAKE_AWS_TASK_STOP": "4"}


@pytest.mark.parametrize("target", TARGETS)
def test_target(target, fake_aws_started_with, tmp_path):
    extra_vars = {}
    environment = dict(SLOW_TASK_STOPS) if "needs/slow_task_stops" in aliases(target) else {}
    if "needs/external_instances" in aliases(target):
        endpoint = fake_aws_started_with(dict(environment, **QUIET_AGENTS_STAY_CONNECTED))
        ids = register_external_instances(endpoint, EXTERNAL_CLUSTER, EXTERNAL_INSTANCES)
        extra_vars = {"external_cluster": EXTERNAL_CLUSTER, "external_instance_ids": ids}
    else:
        endpoint = fake_aws_started_with(environment)
    result = run_target(target, endpoint, tmp_path, extra_vars)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "failed=0" in result.stdout
