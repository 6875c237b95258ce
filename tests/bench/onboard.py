"""Items 3 and 4 of issue 13: playbooks/onboard.yml on the test bed for fleets of 1, 4, 8 and 16 hosts (BENCH_FLEET_SIZES),
a first run on fresh hosts and BENCH_ONBOARD_REPEAT (2) no-change runs each, with the AWS calls the controller made (the call log of the
bed's endpoint, the controller's access key only: the agents' heartbeats are not the playbook's).

The bed instance comes from the TESTBED_* environment (`make bench` gives it one of its own); each size starts on fresh
hosts (down.sh, up.sh N). ansible-playbook runs as `make demo` runs it, with BENCH_FORKS forks (default: the largest
fleet size, so that a task runs on every host at once; one more no-change run at that size with ansible's default 5).
profile_tasks (ansible.posix) times every task; the logs stay in build/bench/logs/.
"""

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import yaml

from common import BUILD, REPO, CallLog, PlaybookFailed, ansible_env, by_action, changed, median, ratio, run_playbook, save

OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed-bench"))
LOGS = BUILD / "logs"
# profile_tasks' summary: "Play name : Task name ---- 12.34s" (or "Task name ---- 12.34s").
PROFILE_LINE = re.compile(r"^(.+?) -{3,} (\d+\.\d+)s$", re.MULTILINE)


def sizes():
    return [int(size) for size in os.environ.get("BENCH_FLEET_SIZES", "1 4 8 16").split()]


def onboard_repeat():
    """No-change runs per fleet size: BENCH_ONBOARD_REPEAT, default 2 (each costs one to several minutes on 2 cores)."""
    return max(1, int(os.environ.get("BENCH_ONBOARD_REPEAT") or 2))


def bed(script, *args):
    subprocess.run([str(REPO / "tests" / "testbed" / script), *map(str, args)], check=True, capture_output=True, text=True)


def hosts_cpu():
    """CPU seconds the bed's hosts used so far: cpu.stat of this bed instance's cgroup (cgroup v2, or v1's unified tree)."""
    name = "hybridops-testbed" + (f"-{os.environ['TESTBED_MACHINE_PREFIX']}" if os.environ.get("TESTBED_MACHINE_PREFIX") else "")
    for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        stat = Path(root) / name / "cpu.stat"
        if stat.is_file():
            return int(dict(line.split() for line in stat.read_text().splitlines())["usage_usec"]) / 1e6
    return None


def endpoint_cpu():
    """CPU seconds the bed's AWS endpoint used so far (its pid file in TESTBED_STATE; /proc/PID/stat utime + stime)."""
    try:
        pid = (Path(os.environ.get("TESTBED_STATE", "/var/lib/hybridops-testbed")) / "fake_aws.pid").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15 of stat(5)


def forks():
    """Forks of the measured runs: BENCH_FORKS, else the largest fleet size (so that every host of a task runs at once)."""
    return int(os.environ.get("BENCH_FORKS") or max(sizes() + [5]))


def onboard(hosts, log_name, forks_used=None):
    """One run of onboard.yml as `make demo` runs it, with one service task a host at most (the demo's port 8080)."""
    services = [{"name": "web", "task_definition": "web", "desired_count": min(hosts, 2)}]
    args = ["-i", OUT / "inventory.ini", REPO / "playbooks" / "onboard.yml", "-e", f"@{OUT / 'testbed_vars.yml'}",
            "-e", f"@{REPO / 'demo' / 'testbed.yml'}", "-e", json.dumps({"ecs_anywhere_services": services})]
    testbed = yaml.safe_load((OUT / "testbed_vars.yml").read_text())
    LOGS.mkdir(parents=True, exist_ok=True)
    calls_file = LOGS / f"{log_name}.calls.jsonl"
    calls_file.unlink(missing_ok=True)
    # profile_tasks times each task; bench_calls (callbacks/) notes which task made which AWS call.
    env = ansible_env(ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks,bench_calls", PROFILE_TASKS_TASK_OUTPUT_LIMIT="100",
                      ANSIBLE_CALLBACK_PLUGINS=str(Path(__file__).resolve().parent / "callbacks"), ANSIBLE_FORKS=str(forks_used or forks()),
                      BENCH_CALLS_URL=testbed["testbed_aws_endpoint_url"], BENCH_CALLS_KEY=testbed["testbed_aws_access_key_id"],
                      BENCH_CALLS_OUT=str(calls_file))
    cpu, before, endpoint_before = {}, hosts_cpu(), endpoint_cpu()
    try:
        seconds, output = run_playbook(args, env=env, cwd=REPO, cpu=cpu)
    except PlaybookFailed as failure:
        (LOGS / f"{log_name}.failed.log").write_text(str(failure))
        raise
    after, endpoint_after = hosts_cpu(), endpoint_cpu()
    cpu["hosts"] = after - before if before is not None and after is not None else None
    cpu["endpoint"] = endpoint_after - endpoint_before if endpoint_before is not None and endpoint_after is not None else None
    (LOGS / f"{log_name}.log").write_text(output)
    cpu["calls_by_task"] = calls_by_task(calls_file)
    return seconds, output, cpu


def calls_by_task(path):
    """{task name: {"service:Action": count}} from bench_calls' lines (a name used by several tasks adds up)."""
    found = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            found.setdefault(entry["task"], []).extend(entry["calls"])
    return {task: dict(Counter(calls).most_common()) for task, calls in found.items()}


def slowest(output, count=8):
    """The COUNT slowest tasks of a run (profile_tasks' summary): [[name, seconds], ...]."""
    tasks = [(name.strip(), float(seconds)) for name, seconds in PROFILE_LINE.findall(output)]
    return [[name, seconds] for name, seconds in sorted(tasks, key=lambda task: -task[1])[:count]]


def rounded(value):
    return None if value is None else round(value, 1)


def bench_size(hosts):
    bed("down.sh")
    bed("up.sh", hosts)
    testbed = yaml.safe_load((OUT / "testbed_vars.yml").read_text())
    log = CallLog(testbed["testbed_aws_endpoint_url"], access_key=testbed["testbed_aws_access_key_id"])
    log.clear()
    first, output, first_cpu = onboard(hosts, f"onboard-{hosts}-first")
    first_calls = log.calls()
    first_slowest = slowest(output)
    again = []
    for index in range(onboard_repeat()):
        log.clear()
        seconds, output, cpu = onboard(hosts, f"onboard-{hosts}-nochange-{index + 1}")
        if changed(output):
            raise RuntimeError(f"the no-change run on {hosts} host(s) changed something: see {LOGS}")
        again.append((seconds, log.calls(), cpu))
    nochange = median([run[0] for run in again])
    nochange_cpu = again[-1][2]
    # Once, at the largest size: the same no-change run with ansible's default forks (5), as a user who sets none runs it.
    default_forks = None
    if hosts == max(sizes()) and forks() != 5:
        default_forks, output_5, _cpu = onboard(hosts, f"onboard-{hosts}-nochange-forks5", forks_used=5)
        if changed(output_5):
            raise RuntimeError(f"the no-change run on {hosts} host(s) with 5 forks changed something: see {LOGS}")
    return {"hosts": hosts, "forks": forks(), "nochange_forks5_seconds": rounded(default_forks),
            "first_seconds": round(first, 1), "first_per_host": round(first / hosts, 1), "first_calls": len(first_calls),
            "first_calls_by_action": by_action(first_calls), "first_slowest": first_slowest,
            "first_cpu_controller": round(first_cpu["controller"], 1), "first_cpu_hosts": rounded(first_cpu["hosts"]),
            "first_cpu_endpoint": rounded(first_cpu["endpoint"]),
            "nochange_seconds": round(nochange, 1), "nochange_per_host": round(nochange / hosts, 1),
            "nochange_runs": [round(run[0], 1) for run in again], "nochange_calls": median([len(run[1]) for run in again]),
            "nochange_cpu_controller": round(nochange_cpu["controller"], 1), "nochange_cpu_hosts": rounded(nochange_cpu["hosts"]),
            "nochange_cpu_endpoint": rounded(nochange_cpu["endpoint"]), "nochange_calls_by_task": nochange_cpu["calls_by_task"],
            "nochange_calls_by_action": by_action(again[-1][1]), "nochange_slowest": slowest(output)}


def main():
    rows = []
    try:
        for hosts in sizes():
            rows.append(bench_size(hosts))
            save("onboard", sorted(rows, key=lambda row: row["hosts"]))  # what was measured survives a later failure
    finally:
        bed("down.sh")
    rows.sort(key=lambda row: row["hosts"])  # sizes may be given in any order (the largest first, to have it early)
    one = rows[0]
    for row in rows:
        row["first_vs_smallest"] = ratio(row["first_seconds"], one["first_seconds"])
        row["nochange_vs_smallest"] = ratio(row["nochange_seconds"], one["nochange_seconds"])
    save("onboard", rows)


if __name__ == "__main__":
    main()
