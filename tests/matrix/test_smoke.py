"""The smoke playbook (smoke.yml) against the local AWS endpoint: every module of the collection, each module that
writes once in check mode, once for real and once more without a change, each _info module after the real run.

Run once per ansible-core version by the support matrix: ``ECS_ANYWHERE_TEST_ANSIBLE_BIN`` names the bin directory of
the venv whose ansible-playbook runs it (the endpoint stays in this venv), ``ECS_ANYWHERE_TEST_EXPECT`` says how our AWS
modules must run there: ``worker`` (in the controller's worker process, the default) or ``module-process``.
"""

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

# pylint: disable=wrong-import-position
from external import register_external_instances  # noqa: E402
from fake_aws import call_log  # noqa: E402
from fake_aws.helpers import auto_scaling_group  # noqa: E402
from test_targets import QUIET_AGENTS_STAY_CONNECTED  # noqa: E402
from test_targets import run_playbook  # noqa: E402

PLAYBOOK = HERE / "smoke.yml"
COLLECTION = "hybridops.ecs_anywhere"
# Modules that write run once per pass (check, apply, again); _info modules once, after the apply pass.
PASSES = ("check", "apply", "again")
WRITES = ("ecs_cluster", "ecs_capacity_provider", "ecs_task_definition", "ecs_container_instance", "ecs_service", "ecs_task",
          "ssm_activation", "ssm_managed_instance")
READS = ("ecs_cluster_info", "ecs_capacity_provider_info", "ecs_task_definition_info", "ecs_container_instance_info",
         "ecs_service_info", "ssm_activation_info", "ssm_managed_instance_info")
NOT_AWS = ("gpg_verify",)  # runs on the managed host, like any module; says nothing about where it runs
RUNS = {**{module: len(PASSES) for module in WRITES}, **{module: 1 for module in READS}}

EXTERNAL_CLUSTER = "edge"
AUTO_SCALING_GROUP = "smoke-workers"
IAM_ROLE = "ecs-anywhere"  # made by register_external_instances
BATCH = {  # ecs_task's; registered before the play, as ecs_task refuses in check mode one that is not registered yet
    "family": "smoke-batch",
    "requiresCompatibilities": ["EXTERNAL"],
    "networkMode": "bridge",
    "containerDefinitions": [{"name": "batch", "image": "public.ecr.aws/docker/library/busybox:1.36", "memory": 64,
                              "command": ["sleep", "3600"]}],
}
# The play marks where each pass begins and ends in the endpoint's call log (smoke_call_log).
MARK = re.compile(r"smoke call log: (?P<name>\w+) pass (?P<edge>begins|ends) after call (?P<count>\d+)")
# plugins/plugin_utils/in_controller.py says, at -vvv, where each task of our AWS modules runs.
WHERE = re.compile(r"^(?P<fqcn>\S+): runs in (?:(?P<worker>the controller's worker process)|a module process \((?P<reason>.*)\))$",
                   re.MULTILINE)


def expected_way():
    way = os.environ.get("ECS_ANYWHERE_TEST_EXPECT", "worker")
    assert way in ("worker", "module-process"), f"ECS_ANYWHERE_TEST_EXPECT={way!r}: worker or module-process"
    return way


def gpg(home, *args):
    return subprocess.run(["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", "", *args],
                          capture_output=True, text=True, check=True)


def signed_file(work):
    """A throwaway signing key (a primary that signs through a subkey, as AWS's keys do), a file and its signature."""
    home = work / "gnupg"
    home.mkdir(mode=0o700)
    gpg(home, "--quick-gen-key", "Smoke <smoke@test.invalid>", "ed25519", "cert", "1d")
    listing = gpg(home, "--with-colons", "--list-keys", "smoke@test.invalid").stdout.splitlines()
    primary = [line.split(":")[9] for line in listing if line.startswith("fpr:")][0]
    gpg(home, "--quick-add-key", primary, "ed25519", "sign", "1d")
    payload = work / "agent.deb"
    payload.write_bytes(b"a package" * 100)
    signature = work / "agent.deb.sig"
    gpg(home, "--detach-sign", "--output", str(signature), str(payload))
    return {
        "smoke_gpg_file": str(payload),
        "smoke_gpg_signature": str(signature),
        "smoke_gpg_key": gpg(home, "--armor", "--export", "smoke@test.invalid").stdout,
        "smoke_gpg_fingerprint": primary,
    }


def tail(done):
    """What went wrong first (ansible's error lines), then the end of the output."""
    errors = [line for line in done.stdout.splitlines() if line.startswith(("[ERROR]", "fatal:", "failed:"))]
    return "\n".join(errors) + "\n...\n" + done.stdout[-20000:] + done.stderr[-5000:]


def writes(calls):
    """The actions in an endpoint call log that are not reads."""
    return sorted(set(call_log.writes(calls)))


def calls_by_pass(endpoint, output):
    """The controller's calls of each pass the play marked as ended, from the endpoint's call log."""
    log = call_log.calls(endpoint, access_key="testing")
    marks = {}
    for mark in MARK.finditer(output):
        marks.setdefault(mark["name"], {})[mark["edge"]] = int(mark["count"])
    return {name: log[edges["begins"]:edges["ends"]] for name, edges in marks.items() if "ends" in edges}


def test_every_module_is_in_the_smoke_playbook():
    modules = {path.stem for path in (REPO / "plugins" / "modules").glob("*.py") if path.stem != "__init__"}
    assert modules == set(WRITES) | set(READS) | set(NOT_AWS)
    playbook = "".join(path.read_text() for path in [PLAYBOOK, *(HERE / "tasks").glob("*.yml")])
    assert {module for module in modules if f"{COLLECTION}.{module}:" not in playbook} == set()


def test_smoke(fake_aws_started_with, tmp_path):
    way = expected_way()
    endpoint = fake_aws_started_with(QUIET_AGENTS_STAY_CONNECTED)
    instance_ids = register_external_instances(endpoint, EXTERNAL_CLUSTER, 2)
    auto_scaling_group(endpoint, AUTO_SCALING_GROUP)
    endpoint.client("ecs").register_task_definition(**BATCH)
    variables = {
        "aws_endpoint_url": endpoint.url,
        "aws_region": endpoint.region,
        "aws_access_key": "testing",
        "aws_secret_key": "testing",
        "smoke_external_cluster": EXTERNAL_CLUSTER,
        "smoke_instance_ids": instance_ids,
        "smoke_auto_scaling_group": AUTO_SCALING_GROUP,
        "smoke_iam_role": IAM_ROLE,
        "smoke_batch_family": BATCH["family"],
        "smoke_call_log": True,
        **signed_file(tmp_path),
    }

    done = run_playbook(PLAYBOOK, tmp_path, variables, options=["-vvv"])

    # What a pass that must only read wrote, even when the play failed later (a check mode that writes makes the apply
    # pass fail its assert).
    calls = calls_by_pass(endpoint, done.stdout)
    wrote = {name: writes(calls[name]) for name in ("check", "again") if name in calls}
    wrote = {name: actions for name, actions in wrote.items() if actions}
    assert done.returncode == 0, f"read-only passes that wrote: {wrote}\n" + tail(done)
    assert re.search(r"localhost\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0", done.stdout), tail(done)
    assert wrote == {}, f"passes that must only read (Describe*, List*, Get*) wrote: {wrote}"
    assert set(calls) == set(PASSES), f"the play marked the call log of these passes only: {sorted(calls)}"
    assert calls["check"] and calls["again"], "no calls logged in a pass"
    assert writes(calls["apply"]), "the apply pass wrote nothing the log shows"

    # Where each task of our AWS modules ran: every one the expected way, and each as often as the playbook runs it.
    here, elsewhere, reasons = Counter(), Counter(), Counter()
    for line in WHERE.finditer(done.stdout):
        module = line["fqcn"].removeprefix(f"{COLLECTION}.")
        if line["worker"]:
            here[module] += 1
        else:
            elsewhere[module] += 1
            reasons[line["reason"]] += 1
    got = dict(here if way == "worker" else elsewhere)
    other = elsewhere if way == "worker" else here
    assert (got, sum(other.values())) == (RUNS, 0), (
        f"expected every task of our AWS modules to run as {way}; worker: {dict(here)}; module process: {dict(elsewhere)} "
        f"(why: {dict(reasons)})"
    )
