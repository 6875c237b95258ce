"""Shared pieces of the reliability suite (test_reliability.py): the bed, the endpoint read directly, playbook runs, the fault proxy, the results."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed"))
BIN = Path(sys.executable).parent
RESULTS = REPO / "build" / "reliability"
CLUSTER = "demo"  # demo/testbed.yml
ROLE = "ecsAnywhereRole"  # the playbook's default instance role
SEED = int(os.environ.get("RELIABILITY_SEED") or random.SystemRandom().randrange(1, 2**31))
FIGURES = {"seed": SEED}


def save_figures():
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(FIGURES, indent=2, default=str) + "\n")


def bed_vars():
    path = OUT / "testbed_vars.yml"
    assert path.is_file(), f"{path} is missing: bring the test bed up first (make reliability does)"
    return yaml.safe_load(path.read_text())


@pytest.fixture()
def bed():
    return bed_vars()


def grow(count):
    """The bed declaratively at `count` hosts (existing ones kept); its variables afterwards."""
    env = dict(os.environ, TESTBED_OUT=str(OUT), TESTBED_PYTHON=sys.executable)
    subprocess.run([str(REPO / "tests" / "testbed" / "up.sh"), str(count)], env=env, capture_output=True, text=True, check=True)
    return bed_vars()


def client(bed, service):  # pylint: disable=redefined-outer-name
    """Straight at the endpoint, never through the proxy."""
    return boto3.client(service, endpoint_url=bed["testbed_aws_endpoint_url"], region_name=bed["testbed_region"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def playbook_command(name, bed, *extra, verbosity=""):  # pylint: disable=redefined-outer-name
    command = [str(BIN / "ansible-playbook"), "-i", str(OUT / "inventory.ini"), str(REPO / "playbooks" / f"{name}.yml"),
               "-e", f"@{OUT / 'testbed_vars.yml'}", "-e", f"@{REPO / 'demo' / 'testbed.yml'}", *extra]
    return command + ([verbosity] if verbosity else [])


def playbook_env(bed):  # pylint: disable=redefined-outer-name
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"), ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False",
               AWS_ACCESS_KEY_ID=bed["testbed_aws_access_key_id"], AWS_SECRET_ACCESS_KEY=bed["testbed_aws_secret_access_key"],
               PYTHONUNBUFFERED="1")
    env.pop("AWS_PROFILE", None)
    return env


class Run:
    """One ansible-playbook process in a session of its own (so a signal reaches it and its workers, as a cancel does)."""

    def __init__(self, command, env, cwd, log):
        self.command, self.log_path, self.started = command, log, time.monotonic()
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self.lines, self.tasks = [], []
        self.task_seen = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.killed = None

    def _read(self):
        with open(self.log_path, "w", encoding="utf-8") as log:
            for line in self.process.stdout:
                log.write(line)
                self.lines.append(line)
                if line.startswith(("TASK [", "RUNNING HANDLER [")):
                    with self.task_seen:
                        self.tasks.append(line.split("[", 1)[1].rsplit("]", 1)[0])
                        self.task_seen.notify_all()
        with self.task_seen:
            self.task_seen.notify_all()

    def wait_for_task(self, number):
        """True once the `number`-th task header was printed; False if the run ended first."""
        with self.task_seen:
            while len(self.tasks) < number and self.reader.is_alive():
                self.task_seen.wait(1)
            return len(self.tasks) >= number

    def kill(self, signum):
        self.killed = (signum, len(self.tasks), self.tasks[-1] if self.tasks else "", round(time.monotonic() - self.started, 1))
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:  # a SIGINT'd run that does not stop is then killed, as AWX does after its grace
            os.killpg(self.process.pid, signal.SIGKILL)

    def wait(self):
        code = self.process.wait()
        self.reader.join()
        self.seconds = round(time.monotonic() - self.started, 1)
        self.output = "".join(self.lines)
        self.returncode = code
        return self


def run_playbook(name, bed, tmp_path, *extra, log=None, verbosity=""):  # pylint: disable=redefined-outer-name
    log = log or (tmp_path / f"{name}.log")
    return Run(playbook_command(name, bed, *extra, verbosity=verbosity), playbook_env(bed), tmp_path, log)


def recap(output):
    """{host: {ok, changed, failed, ...}} from PLAY RECAP."""
    found = {}
    for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.MULTILINE):
        found[host] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
    return found


class FaultProxy:
    def __init__(self, bed, seed, rates, log, *extra):  # pylint: disable=redefined-outer-name
        self.log = open(log, "w", encoding="utf-8")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(Path(__file__).with_name("faultproxy.py")), "--upstream", bed["testbed_aws_endpoint_url"], "--seed", str(seed),
             "--rates", rates, *extra], stdout=subprocess.PIPE, stderr=self.log, text=True)
        banner = self.process.stdout.readline()
        match = re.search(r"listening on (\S+) seed=(\d+)", banner)
        assert match, banner
        self.url, self.seed = match.group(1), int(match.group(2))
        print(banner.strip(), flush=True)

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as answer:
            return json.load(answer)

    def stats(self):
        return self.get("/_faultproxy/stats")

    def faults(self):
        """The proxy's own log of the faults it injected: {"request", "action", "kind", "cause": "drawn" | "forced"}."""
        return self.get("/_faultproxy/faults")

    def activation_codes(self):
        return self.get("/_faultproxy/activation-codes")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def endpoint_state(bed):  # pylint: disable=redefined-outer-name
    """What the endpoint holds, read straight from it."""
    ecs, ssm, iam = client(bed, "ecs"), client(bed, "ssm"), client(bed, "iam")
    clusters = ecs.list_clusters()["clusterArns"]
    arns = []
    for page in ecs.get_paginator("list_container_instances").paginate(cluster=CLUSTER):
        arns += page["containerInstanceArns"]
    instances = []
    for start in range(0, len(arns), 100):
        instances += ecs.describe_container_instances(cluster=CLUSTER, containerInstances=arns[start:start + 100])["containerInstances"]
    managed = [m for page in ssm.get_paginator("describe_instance_information").paginate() for m in page["InstanceInformationList"]]
    activations = [a for page in ssm.get_paginator("describe_activations").paginate() for a in page["ActivationList"]]
    roles = [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    services = ecs.list_services(cluster=CLUSTER)["serviceArns"] if clusters else []
    described = ecs.describe_services(cluster=CLUSTER, services=services)["services"] if services else []
    return {"clusters": clusters, "instances": instances, "managed": managed, "activations": activations, "roles": roles, "services": described}


def host_of(managed):
    return managed["ComputerName"].split(".")[0]


def assert_converged(bed, hosts, service_running=True):  # pylint: disable=redefined-outer-name
    """Exactly one cluster and instance role, one managed and one ACTIVE connected container instance per host and no other,
    no activation, one `web` service running its tasks. Returns the state."""
    state = endpoint_state(bed)
    assert [arn.rsplit("/", 1)[1] for arn in state["clusters"]] == [CLUSTER], state["clusters"]
    own_roles = [r["RoleName"] for r in state["roles"] if not r["Path"].startswith("/aws-service-role/")]
    assert own_roles == [ROLE], own_roles
    names = sorted(host_of(m) for m in state["managed"])
    assert names == sorted(hosts), f"managed instances by host: {names}, expected {sorted(hosts)}"
    by_id = {m["InstanceId"]: host_of(m) for m in state["managed"]}
    registered = sorted(by_id.get(i["ec2InstanceId"], i["ec2InstanceId"]) for i in state["instances"])
    assert registered == sorted(hosts), f"container instances by host: {registered}, expected {sorted(hosts)}"
    assert all(i["status"] == "ACTIVE" and i["agentConnected"] for i in state["instances"]), [
        (i["ec2InstanceId"], i["status"], i["agentConnected"]) for i in state["instances"]]
    assert state["activations"] == [], [(a["ActivationId"], a.get("Tags")) for a in state["activations"]]
    assert [s["serviceName"] for s in state["services"]] == ["web"], [s["serviceName"] for s in state["services"]]
    if service_running:
        [web] = state["services"]
        assert web["status"] == "ACTIVE" and web["runningCount"] == web["desiredCount"] == 2, (web["runningCount"], web["desiredCount"])
    return state


def wait_for(predicate, timeout=120, interval=2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
