"""Items 3 and 4 of issue 13: playbooks/onboard.yml on the test bed for fleets of 1, 4, 8 and 16 hosts (BENCH_FLEET_SIZES),
a first run on fresh hosts and BENCH_REPEAT no-change runs each, with the AWS calls the controller made (the call log of the
bed's endpoint, the controller's access key only: the agents' heartbeats are not the playbook's).

The bed instance comes from the TESTBED_* environment (`make bench` gives it one of its own); each size starts on fresh
hosts (down.sh, up.sh N). ansible-playbook runs as `make demo` runs it, with ANSIBLE_FORKS as the user has it (default 5)
unless BENCH_FORKS is set; profile_tasks (ansible.posix) times every task, the logs stay in build/bench/logs/.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import yaml

from common import BUILD, REPO, CallLog, PlaybookFailed, ansible_env, by_action, changed, median, ratio, repeat, run_playbook, save

OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed-bench"))
LOGS = BUILD / "logs"
# profile_tasks' summary: "Play name : Task name ---- 12.34s" (or "Task name ---- 12.34s").
PROFILE_LINE = re.compile(r"^(.+?) -{3,} (\d+\.\d+)s$", re.MULTILINE)


def sizes():
    return [int(size) for size in os.environ.get("BENCH_FLEET_SIZES", "1 4 8 16").split()]


def bed(script, *args):
    subprocess.run([str(REPO / "tests" / "testbed" / script), *map(str, args)], check=True, capture_output=True, text=True)


def onboard(hosts, log_name):
    """One run of onboard.yml as `make demo` runs it, with one service task a host at most (the demo's port 8080)."""
    services = [{"name": "web", "task_definition": "web", "desired_count": min(hosts, 2)}]
    args = ["-i", OUT / "inventory.ini", REPO / "playbooks" / "onboard.yml", "-e", f"@{OUT / 'testbed_vars.yml'}",
            "-e", f"@{REPO / 'demo' / 'testbed.yml'}", "-e", json.dumps({"ecs_anywhere_services": services})]
    env = ansible_env(ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="100")
    if os.environ.get("BENCH_FORKS"):
        env["ANSIBLE_FORKS"] = os.environ["BENCH_FORKS"]
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        seconds, output = run_playbook(args, env=env, cwd=REPO)
    except PlaybookFailed as failure:
        (LOGS / f"{log_name}.failed.log").write_text(str(failure))
        raise
    (LOGS / f"{log_name}.log").write_text(output)
    return seconds, output


def slowest(output, count=8):
    """The COUNT slowest tasks of a run (profile_tasks' summary): [[name, seconds], ...]."""
    tasks = [(name.strip(), float(seconds)) for name, seconds in PROFILE_LINE.findall(output)]
    return [[name, seconds] for name, seconds in sorted(tasks, key=lambda task: -task[1])[:count]]


def bench_size(hosts):
    bed("down.sh")
    bed("up.sh", hosts)
    testbed = yaml.safe_load((OUT / "testbed_vars.yml").read_text())
    log = CallLog(testbed["testbed_aws_endpoint_url"], access_key=testbed["testbed_aws_access_key_id"])
    log.clear()
    first, output = onboard(hosts, f"onboard-{hosts}-first")
    first_calls = log.calls()
    first_slowest = slowest(output)
    again = []
    for index in range(repeat()):
        log.clear()
        seconds, output = onboard(hosts, f"onboard-{hosts}-nochange-{index + 1}")
        if changed(output):
            raise RuntimeError(f"the no-change run on {hosts} host(s) changed something: see {LOGS}")
        again.append((seconds, log.calls()))
    nochange = median([seconds for seconds, _ in again])
    return {"hosts": hosts, "forks": int(os.environ.get("BENCH_FORKS") or os.environ.get("ANSIBLE_FORKS") or 5),
            "first_seconds": round(first, 1), "first_per_host": round(first / hosts, 1), "first_calls": len(first_calls),
            "first_calls_by_action": by_action(first_calls), "first_slowest": first_slowest,
            "nochange_seconds": round(nochange, 1), "nochange_per_host": round(nochange / hosts, 1),
            "nochange_runs": [round(seconds, 1) for seconds, _ in again], "nochange_calls": median([len(calls) for _, calls in again]),
            "nochange_calls_by_action": by_action(again[-1][1]), "nochange_slowest": slowest(output)}


def main():
    rows = []
    try:
        for hosts in sizes():
            rows.append(bench_size(hosts))
            save("onboard", rows)  # what was measured survives a later failure
    finally:
        bed("down.sh")
    one = rows[0]
    for row in rows:
        row["first_vs_smallest"] = ratio(row["first_seconds"], one["first_seconds"])
        row["nochange_vs_smallest"] = ratio(row["nochange_seconds"], one["nochange_seconds"])
    save("onboard", rows)


if __name__ == "__main__":
    main()
