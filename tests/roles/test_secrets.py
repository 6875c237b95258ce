"""The activation code appears nowhere: not in the output of the roles at -vvvv, not in a file or the journal of the host.

Needs the test bed up (make molecule brings it up and runs this after the scenarios): the code is that of a real
activation on the test bed's endpoint, used by a real registration on hoecs-1 (forced, so the host registers again).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml
from fake_aws.helpers import create_activation, create_role

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed"))
BIN = Path(sys.executable).parent
HOST = "hoecs-1"

PLAYBOOK = """\
- name: Register again at -vvvv
  hosts: {host}
  gather_facts: false
  roles:
    - role: hybridops.ecs_anywhere.ssm_agent
      vars:
        ssm_agent_region: "{{{{ testbed_region }}}}"
        ssm_agent_package_source: mirror
        ssm_agent_mirror_url: "{{{{ testbed_mirror_url }}}}"
        ssm_agent_key_files: ["{{{{ testbed_ssm_key_file }}}}"]
        ssm_agent_key_fingerprints: "{{{{ testbed_ssm_key_fingerprints }}}}"
        ssm_agent_endpoint: "{{{{ testbed_aws_endpoint_url }}}}"
        ssm_agent_force_reregister: true
        ssm_agent_activation_id: "{{{{ secret_activation_id }}}}"
        ssm_agent_activation_code: "{{{{ secret_activation_code }}}}"
"""


@pytest.fixture(scope="module")
def testbed_vars():
    path = OUT / "testbed_vars.yml"
    assert path.is_file(), f"{path} is missing: bring the test bed up first (make molecule does)"
    return yaml.safe_load(path.read_text())


def activation(testbed_vars):  # pylint: disable=redefined-outer-name
    session = dict(
        endpoint_url=testbed_vars["testbed_aws_endpoint_url"], region_name=testbed_vars["testbed_region"],
        aws_access_key_id=testbed_vars["testbed_aws_access_key_id"], aws_secret_access_key=testbed_vars["testbed_aws_secret_access_key"],
    )
    ssm = boto3.client("ssm", **session)
    role = create_role(boto3.client("iam", **session), "hybridops-secrets-test", exist_ok=True)
    answer = create_activation(ssm, timeout=30, IamRole=role, RegistrationLimit=1)
    return answer["ActivationId"], answer["ActivationCode"], ssm


def test_activation_code_is_never_shown_or_stored(tmp_path, testbed_vars):  # pylint: disable=redefined-outer-name
    activation_id, code, ssm = activation(testbed_vars)
    secrets = tmp_path / "secrets.json"  # the user's vault, on the controller
    secrets.write_text(json.dumps({"secret_activation_id": activation_id, "secret_activation_code": code}))
    secrets.chmod(0o600)
    (tmp_path / "play.yml").write_text(PLAYBOOK.format(host=HOST))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"), ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False")
    run = subprocess.run(
        [str(BIN / "ansible-playbook"), "-vvvv", "-i", str(OUT / "inventory.ini"), "-e", f"@{OUT / 'testbed_vars.yml'}", "-e", f"@{secrets}",
         str(tmp_path / "play.yml")],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    assert "The agent registers with the activation" in output and "censored" in output  # it ran, under no_log
    assert code not in output

    # The registration took: the activation was used once.
    [used] = ssm.describe_activations(Filters=[{"FilterKey": "ActivationIds", "FilterValues": [activation_id]}])["ActivationList"]
    assert used["RegistrationsCount"] == 1

    # Nowhere on the host: files (outside the kernel's pseudo file systems) and the journal. The code goes in on stdin:
    # on a command line, sudo's own log would hold it.
    search = (
        'read -r code; grep -rIl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=run -F -- "$code" / 2>/dev/null; '
        'journalctl --no-pager -o cat 2>/dev/null | grep -c -F -- "$code"'
    )
    found = subprocess.run(
        ["ssh", "-F", str(OUT / "ssh_config"), HOST, f"sudo -n sh -c '{search}'"], input=code + "\n", capture_output=True, text=True, check=False
    )
    assert found.stdout.strip() == "0", f"the activation code is on {HOST}: {found.stdout}"
