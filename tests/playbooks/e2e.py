"""What the end-to-end suites on the test bed share (test_onboard.py, test_slices.py: one bed instance each): the bed's
variables, ansible-playbook runs, the endpoint's call log, clients, the documented IAM policy."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
import pytest
import yaml

from fake_aws import call_log

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed"))
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def bed():
    path = OUT / "testbed_vars.yml"
    assert path.is_file(), f"{path} is missing: bring the test bed up first (make playbook-test and make slices-test do)"
    return yaml.safe_load(path.read_text())


# Every (service, action) the playbooks called with the controller's credentials, over all the tests of the session
# (one test module a session: each has a bed of its own).
CONTROLLER_CALLS = set()


def calls(bed, clear=False):  # pylint: disable=redefined-outer-name
    """Every call since the last clear (the agents' too); the controller's are kept for the IAM policy test."""
    endpoint = bed["testbed_aws_endpoint_url"]
    CONTROLLER_CALLS.update((call["service"], call["action"]) for call in controller_calls(bed))
    if clear:
        call_log.clear(endpoint)
        return []
    return call_log.calls(endpoint)


def controller_calls(bed):  # pylint: disable=redefined-outer-name
    """The calls made with the controller's key since the last clear: the playbooks', none of the agents'."""
    return call_log.calls(bed["testbed_aws_endpoint_url"], access_key=bed["testbed_aws_access_key_id"])


def start_playbook(name, bed, tmp_path, *extra, inventory=None):  # pylint: disable=redefined-outer-name
    """ansible-playbook on the bed's hosts (or ``inventory``) with the demo's variables, started; output in pipes."""
    env = dict(
        os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"), ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False",
        AWS_ACCESS_KEY_ID=bed["testbed_aws_access_key_id"], AWS_SECRET_ACCESS_KEY=bed["testbed_aws_secret_access_key"],
    )
    env.pop("AWS_PROFILE", None)
    # Output into files, not pipes: nothing reads a pipe while the test waits on another run.
    output = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(BIN / "ansible-playbook"), "-i", str(inventory or OUT / "inventory.ini"), str(REPO / "playbooks" / f"{name}.yml"),
         "-e", f"@{OUT / 'testbed_vars.yml'}", "-e", f"@{REPO / 'demo' / 'testbed.yml'}", *extra],
        env=env, stdout=output[0], stderr=output[1], text=True, cwd=tmp_path,
    )
    process.output = output
    return process


def finished(process):
    process.wait()
    stdout, stderr = (stream.seek(0) or stream.read() for stream in process.output)
    for stream in process.output:
        stream.close()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def playbook(name, bed, tmp_path, *extra, inventory=None):  # pylint: disable=redefined-outer-name
    return finished(start_playbook(name, bed, tmp_path, *extra, inventory=inventory))


def recap(output):
    """{host: {ok, changed, failed, ...}} from PLAY RECAP."""
    found = {}
    for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.MULTILINE):
        found[host] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
    return found


def client(bed, service):  # pylint: disable=redefined-outer-name
    return boto3.client(service, endpoint_url=bed["testbed_aws_endpoint_url"], region_name=bed["testbed_region"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def policy_allows():
    """The actions docs/iam-policy.json (least privilege for the controller) allows."""
    policy = json.loads((REPO / "docs" / "iam-policy.json").read_text())
    allowed = {action for statement in policy["Statement"] if statement["Effect"] == "Allow" for action in statement["Action"]}
    assert not any("*" in action for action in allowed), "least privilege: no wildcards"
    return allowed


def controller_actions(bed):  # pylint: disable=redefined-outer-name
    """Every service:action the playbooks of this session called with the controller's key."""
    calls(bed)
    return {f"{service}:{action}" for service, action in CONTROLLER_CALLS}
