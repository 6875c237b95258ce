"""Faults, interruption, secrets and load on the test bed (make reliability; results in docs/reliability.md).

The tests follow each other on one bed: faults on the first three hosts, interruption on ten more (one at a time per
chain, five chains at once), secrets on one more, then a fresh bed of sixteen for the load. Every check reads the
endpoint directly (boto3), never through the fault proxy. The seed (RELIABILITY_SEED) replays the fault draws and
the kill points.
"""

import hashlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
import yaml

import faultproxy
from harness import CLUSTER
from harness import FIGURES
from harness import OUT
from harness import REPO
from harness import RESULTS
from harness import SEED
from harness import FaultProxy
from harness import assert_converged
from harness import bed_vars
from harness import client
from harness import endpoint_state
from harness import grow
from harness import host_of
from harness import recap
from harness import run_playbook
from harness import save_figures
from harness import wait_for
from fake_aws import transition_log

RATES = os.environ.get("RELIABILITY_FAULT_RATES", "throttle=0.06,500=0.03,503=0.03,drop=0.03,lost=0.02,slow=0.03")
KILLS = int(os.environ.get("RELIABILITY_KILLS", "10"))
CHAINS = 5
FIRST = 3  # hosts of the fault run
LOGS = RESULTS / "logs"


@pytest.fixture(scope="module", autouse=True)
def logs():
    LOGS.mkdir(parents=True, exist_ok=True)
    print(f"\nRELIABILITY_SEED={SEED} (set it to replay this run)", flush=True)
    yield
    save_figures()


@pytest.fixture(autouse=True)
def figures_saved():
    yield
    save_figures()  # after each test, so a failed run keeps the figures it got


def names(bed, numbers):
    hosts = [h["name"] for h in bed["testbed_hosts"]]
    return [hosts[n - 1] for n in numbers]


def limit(hosts):
    return ["--limit", ",".join([*hosts, "localhost"])]


def test_onboard_converges_under_faults(tmp_path):
    """3 hosts, 20 % of the controller's AWS requests meet a fault, and the first answer of every write is lost on top;
    then a second run under faults changes nothing."""
    bed = bed_vars()
    proxy = FaultProxy(bed, SEED, RATES, LOGS / "faultproxy.log", "--lose-first-writes")
    try:
        first = run_playbook("onboard", bed, tmp_path, "-e", f"ecs_anywhere_endpoint_url={proxy.url}", log=LOGS / "faults-first.log").wait()
        stats_first = proxy.stats()
        assert first.returncode == 0, first.output[-8000:]
        state = assert_converged(bed, names(bed, range(1, FIRST + 1)))
        second = run_playbook("onboard", bed, tmp_path, "-e", f"ecs_anywhere_endpoint_url={proxy.url}", log=LOGS / "faults-second.log").wait()
        stats = proxy.stats()
        injected = proxy.faults()  # the proxy's own log: the random ("drawn") faults apart from the forced lost writes
    finally:
        proxy.stop()
    FIGURES["faults"] = {
        "rates": RATES, "first_seconds": first.seconds, "second_seconds": second.seconds,
        "first_run": stats_first["stats"], "both_runs": stats["stats"], "by_action": stats["by_action"],
        "task_definition_revisions": len(client(bed, "ecs").list_task_definitions(familyPrefix="web")["taskDefinitionArns"]),
        "second_recap": recap(second.output), "tasks_in_a_run": sum(1 for line in first.output.splitlines() if line.startswith("TASK [")),
    }
    drawn = {kind: sum(1 for fault in injected if fault["cause"] == "drawn" and fault["kind"] == kind) for kind in faultproxy.KINDS}
    draws, rates = stats["stats"]["draws"], faultproxy.parse_rates(RATES)
    FIGURES["faults"].update(random_faults=drawn, draws=draws)
    # Only the random faults count (the forced lost writes come on top, whatever the rates): at least the 0.1 % quantile of
    # what the rates make of this many draws, so a run with the rates not in force, or none drawn, fails.
    floor = random_fault_floor(draws, sum(rates.values()))
    assert draws > 40 and sum(drawn.values()) >= floor, (floor, drawn, stats["stats"])
    # Kind by kind, exactly the faults the seed's draws make (replayable): at ~80 requests a kind's mean is 1.6-4.8, too few
    # for "at least one" to be sure, but the seed says how many of each there must be, and a kind the proxy did not inject
    # as drawn, or rates other than RATES, show here.
    expected = faultproxy.replay(stats["seed"], rates, draws)
    assert drawn == expected, (drawn, expected)
    lost_writes = [fault["action"] for fault in injected if fault["cause"] == "forced" and fault["action"].split(":")[1].startswith("Create")]
    assert len(lost_writes) >= 4, lost_writes  # cluster, role, activation, service at least
    assert second.returncode == 0, second.output[-8000:]
    counts = recap(second.output)
    assert set(counts) == {"localhost", *names(bed, range(1, FIRST + 1))}, second.output[-4000:]  # a recap was read, every host in it
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in counts.values()), counts
    assert_converged(bed, names(bed, range(1, FIRST + 1)))
    assert len(state["instances"]) == FIRST


def random_fault_floor(draws, rate, quantile=0.001):
    """The largest k with P(X < k) <= quantile for X ~ Binomial(draws, rate): fewer random faults than this is a broken proxy
    (or rates not in force), not bad luck. 1 at the least: some random fault must have happened."""
    below, k = 0.0, 0
    while True:
        below += math.comb(draws, k) * rate**k * (1 - rate) ** (draws - k)
        if below > quantile:
            return max(1, k)
        k += 1


def kill_points(rng, tasks):
    """KILLS task numbers spread over the whole run (one per stratum), each with a delay into the task and a signal."""
    points = []
    for index in range(KILLS):
        number = 1 + int((index + rng.random()) * tasks / KILLS)
        points.append({"task": min(number, tasks), "delay": round(rng.uniform(0, 2), 2),
                       "signal": signal.SIGKILL if index % 2 == 0 else signal.SIGINT})
    rng.shuffle(points)
    return points


def slice_activations(bed, hosts):
    """The activations onboard.yml names with the key of this cluster and host set (see the playbook)."""
    key = hashlib.sha256(",".join([CLUSTER, *sorted(hosts)]).encode()).hexdigest()[:16]
    return [a["ActivationId"] for a in endpoint_state(bed)["activations"]
            if {t["Key"]: t["Value"] for t in a.get("Tags", [])}.get("hybridops:activation-name", "").startswith(f"onboard-{CLUSTER}-{key}-")]


def test_interrupted_runs_converge_when_run_again(tmp_path):
    """Each of 10 new hosts: onboard.yml (that host's slice) killed at a random point, then run again: converged."""
    tasks = FIGURES.get("faults", {}).get("tasks_in_a_run") or 120
    rng = random.Random(SEED)
    points = kill_points(rng, tasks)
    bed = grow(FIRST + KILLS)
    hosts = names(bed, range(FIRST + 1, FIRST + KILLS + 1))
    rounds, failures = [], []

    def chain(jobs):
        for host, point in jobs:
            record = {"host": host, "signal": signal.Signals(point["signal"]).name, "at_task": point["task"], "delay": point["delay"]}
            try:
                run = run_playbook("onboard", bed, tmp_path, *limit([host]), log=LOGS / f"interrupted-{host}.log")
                if run.wait_for_task(point["task"]):
                    time.sleep(point["delay"])
                    run.kill(point["signal"])
                run.wait()
                record.update(killed=bool(run.killed), killed_in=run.killed[2] if run.killed else None,
                              killed_after_seconds=run.killed[3] if run.killed else None, exit=run.returncode)
                record["activations_left"] = len(slice_activations(bed, [host]))
                again = run_playbook("onboard", bed, tmp_path, *limit([host]), log=LOGS / f"rerun-{host}.log").wait()
                record.update(rerun_exit=again.returncode, rerun_seconds=again.seconds, activations_after=len(slice_activations(bed, [host])))
                if again.returncode != 0:
                    failures.append(f"{host}: the run after the kill failed:\n{again.output[-4000:]}")
                if record["activations_after"]:
                    failures.append(f"{host}: activations of its slice left after the rerun: {slice_activations(bed, [host])}")
            except Exception as error:  # pylint: disable=broad-except
                failures.append(f"{host}: {error!r}")
            rounds.append(record)

    jobs = list(zip(hosts, points))
    threads = [threading.Thread(target=chain, args=(jobs[start::CHAINS],)) for start in range(CHAINS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    FIGURES["interruption"] = {"rounds": sorted(rounds, key=lambda r: r["at_task"]), "tasks_in_a_run": tasks,
                               "seconds": round(time.monotonic() - started, 1), "chains": CHAINS}
    assert not failures, "\n".join(failures)
    assert sum(1 for r in rounds if r["killed"]) >= KILLS, rounds
    assert_converged(bed, names(bed, range(1, FIRST + KILLS + 1)))


def search_host(host, needles):
    """Files (outside the kernel's pseudo file systems) and the journal of a host, for each needle given on stdin (never on
    a command line: sudo logs command lines). Answers the number of hits."""
    script = (
        'hits=0; while read -r needle; do [ -n "$needle" ] || continue; '
        'n=$(grep -rIl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=run -F -- "$needle" / 2>/dev/null | wc -l); '
        'j=$(journalctl --no-pager -o cat 2>/dev/null | grep -c -F -- "$needle"); hits=$((hits + n + j)); done; echo "$hits"'
    )
    found = subprocess.run(["ssh", "-F", str(OUT / "ssh_config"), host, f"sudo -n bash -c '{script}'"], input="\n".join(needles) + "\n",
                           capture_output=True, text=True, check=True, timeout=600)
    return int(found.stdout.strip())


def test_no_secret_in_output_artifacts_or_hosts(tmp_path):
    """onboard and offboard at -vvvv through ansible-runner with an AWX-style AWS credential: neither the activation code, the
    secret key nor the session token appears in the output, the runner's artifacts or anywhere on the host."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    bed = grow(FIRST + KILLS + 1)
    [host] = names(bed, [FIRST + KILLS + 1])
    secret = "".join(random.SystemRandom().choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _character in range(40))
    token = "FwoGZXIvYXdzE" + "".join(random.SystemRandom().choice("abcdefghijklmnopqrstuvwxyz0123456789") for _character in range(60))
    proxy = FaultProxy(bed, SEED, "", LOGS / "secrets-proxy.log")  # no faults: it only records the codes it sees go by
    extravars = {**bed, **yaml.safe_load((REPO / "demo" / "testbed.yml").read_text())}
    extravars["ecs_anywhere_endpoint_url"] = proxy.url
    private = tmp_path / "runner"
    (private / "inventory").mkdir(parents=True)
    (private / "inventory" / "hosts").write_text((OUT / "inventory.ini").read_text())
    env = {"AWS_ACCESS_KEY_ID": "AKIAHYBRIDOPSRELTEST", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token,
           "ANSIBLE_COLLECTIONS_PATH": str(REPO / "build" / "collections"), "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_NOCOLOR": "1"}
    outputs, seconds = [], {}
    try:
        for name in ("onboard", "offboard"):
            started = time.monotonic()
            result = ansible_runner.run(private_data_dir=str(private), playbook=str(REPO / "playbooks" / f"{name}.yml"), envvars=env,
                                        extravars=extravars, limit=f"{host},localhost" if name == "onboard" else host, verbosity=4,
                                        quiet=True, ident=name, suppress_env_files=True)
            seconds[name] = round(time.monotonic() - started, 1)
            output = result.stdout.read()
            outputs.append(output)
            assert result.rc == 0, output[-6000:]
        codes = proxy.activation_codes()
    finally:
        proxy.stop()
    assert codes, "no activation was made: nothing was audited"
    assert "censored" in outputs[0] and "SSH: EXEC" in outputs[0]  # it ran at -vvvv, and the code went under no_log
    needles = {**dict.fromkeys(codes, "code"), secret: "secret key", token: "session token"}
    in_output = [needles[n] for n in needles for out in outputs if n in out]
    in_files, runner_command_files = [], []
    for path in private.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            found = [f"{path.relative_to(private)}: {what}" for n, what in needles.items() if n in text]
            # ansible-runner itself writes the whole process environment (the credential too) to artifacts/<ident>/command,
            # readable by its owner only: runner's doing, not the collection's (see docs/reliability.md).
            credential = [f"{path.relative_to(private)}: {what}" for what in ("secret key", "session token")]
            if path.name == "command" and path.parent.parent.name == "artifacts" and found and set(found) <= set(credential):
                assert path.stat().st_mode & 0o077 == 0, oct(path.stat().st_mode)
                runner_command_files.append(str(path.relative_to(private)))
                continue
            in_files += found
    on_host = search_host(host, list(needles))
    FIGURES["secrets"] = {"host": host, "codes": len(codes), "seconds": seconds, "output_bytes": sum(len(o) for o in outputs),
                          "artifact_files": sum(1 for p in private.rglob("*") if p.is_file()),
                          "hits_output": len(in_output), "hits_artifacts": in_files, "hits_host": on_host,
                          "runner_command_files_with_the_key": runner_command_files}
    assert not in_output, f"in the runner's output: {in_output}"
    assert not in_files, in_files
    assert on_host == 0, f"{on_host} hit(s) on {host}"
    ecs = client(bed, "ecs")
    left = {i["ec2InstanceId"] for i in ecs.describe_container_instances(
        cluster="demo", containerInstances=ecs.list_container_instances(cluster="demo")["containerInstanceArns"])["containerInstances"]}
    assert host not in {host_of(m) for m in endpoint_state(bed)["managed"] if m["InstanceId"] in left}


def test_two_slices_onboard_sixteen_then_eight_leave(tmp_path):
    """A fresh bed of 16: two AWX-style slices (disjoint --limit) at once, then offboard.yml for 8 while `web` keeps its tasks."""
    env = dict(os.environ, TESTBED_OUT=str(OUT), TESTBED_PYTHON=sys.executable)
    subprocess.run([str(REPO / "tests" / "testbed" / "down.sh")], env=env, capture_output=True, text=True, check=True)
    bed = grow(16)
    hosts = names(bed, range(1, 17))
    slices = [hosts[0::2], hosts[1::2]]  # AWX slices hosts round robin
    started = time.monotonic()
    runs = [run_playbook("onboard", bed, tmp_path, *limit(part), log=LOGS / f"slice-{index + 1}.log") for index, part in enumerate(slices)]
    for run in runs:
        run.wait()
    onboard_seconds = round(time.monotonic() - started, 1)
    for run in runs:
        assert run.returncode == 0, run.output[-8000:]
    ecs, ssm = client(bed, "ecs"), client(bed, "ssm")
    wait_for(lambda: ecs.describe_services(cluster="demo", services=["web"])["services"][0]["runningCount"] == 2, timeout=60)
    state = assert_converged(bed, hosts)

    # The 8 that leave: every host that runs a web task among them, so the tasks must move.
    by_arn = {i["containerInstanceArn"]: i for i in state["instances"]}
    id_to_host = {m["InstanceId"]: host_of(m) for m in state["managed"]}
    busy = sorted({id_to_host[by_arn[t["containerInstanceArn"]]["ec2InstanceId"]]
                   for t in ecs.describe_tasks(cluster="demo", tasks=ecs.list_tasks(cluster="demo", serviceName="web")["taskArns"])["tasks"]})
    leaving = busy + [h for h in hosts if h not in busy][: 8 - len(busy)]
    staying = [h for h in hosts if h not in leaving]
    started = time.monotonic()
    desired = ecs.describe_services(cluster="demo", services=["web"])["services"][0]["desiredCount"]
    with transition_log.watch(bed["testbed_aws_endpoint_url"], "demo", "web") as watched:
        off = run_playbook("offboard", bed, tmp_path, "--limit", ",".join(leaving), log=LOGS / "offboard-8.log").wait()
    offboard_seconds = round(time.monotonic() - started, 1)
    replay = watched.replay
    FIGURES["load"] = {"onboard_seconds": onboard_seconds, "slice_seconds": [r.seconds for r in runs], "offboard_seconds": offboard_seconds,
                       "leaving": leaving, "busy_before": busy, "running_tasks_min": replay.minimum(), "transitions": len(replay.transitions)}
    assert off.returncode == 0, off.output[-8000:]
    assert wait_for(lambda: ecs.describe_services(cluster="demo", services=["web"])["services"][0]["runningCount"] == 2, timeout=60)
    final = assert_converged(bed, staying)
    FIGURES["load"]["running_count_end"] = final["services"][0]["runningCount"]
    # The busy hosts' tasks moved (two replacements ran), and at no transition did fewer than the desired count run.
    assert [entry["to"] for entry in replay.transitions].count("RUNNING") >= len(busy), replay.report()
    assert replay.minimum() >= desired, replay.report()
    assert not {host_of(m) for m in ssm.describe_instance_information()["InstanceInformationList"]} & set(leaving)
    (RESULTS / "load.json").write_text(json.dumps(FIGURES["load"], indent=2))
