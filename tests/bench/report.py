"""docs/performance.md, .csv and .png from build/bench/results.json (what modules.py and onboard.py measured).

Targets are checked here and said in the document, never asserted: a benchmark is not a test.
The analysis (why a figure misses its target, what would close it) is tests/bench/analysis.md, included verbatim.
"""

import csv
import datetime
import json
import os
import platform
import sys
from pathlib import Path

from common import REPO, RESULTS, ratio, repeat

DOCS = REPO / "docs"
ANALYSIS = Path(__file__).with_name("analysis.md")


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    load = " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, Python {platform.python_version()}; load average at the end {load}"


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(["---"] * len(headers)) + "|"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def actions(calls_by_action):
    return ", ".join(f"{action.split(':', 1)[1]} {count}" for action, count in calls_by_action.items()) or "none"


def verdict(ok):
    return "met" if ok else "**missed**"


def families_section(rows):
    ours = {row["revisions"]: row for row in rows if row["impl"] == "ours"}
    largest = max(ours)
    flat = ours[largest]["calls"] <= 2 and (ours[largest]["time_vs_1_revision"] or 99) <= 1.1
    body = table(["revisions", "implementation", "wall time (s, median)", "vs 1 revision", "API calls", "calls by action", "runs (s)"],
                 [[r["revisions"], r["impl"], r["seconds"], r["time_vs_1_revision"], r["calls"], actions(r["calls_by_action"]),
                   " ".join(map(str, r["runs"]))] for r in sorted(rows, key=lambda r: (r["revisions"], r["impl"] != "ours"))])
    return (f"## 1. Task definition, no-change run, by size of the family\n\nOne playbook with one task; the family's latest revision is "
            f"the definition asked for.\n\n{body}\n\nTarget (ours flat: at most 2 calls, time {largest}/1 revisions at most 1.1): "
            f"{verdict(flat)} ({ours[largest]['calls']} call(s), time ratio {ours[largest]['time_vs_1_revision']}).\n")


def per_task_section(rows):
    order = {"ping": 0, "cluster": 1, "task definition": 2, "service": 3}
    body = table(["resource", "implementation", "10 tasks (s, median)", "per task (s)", "vs ping", "vs community.aws", "API calls per task",
                  "calls (10 tasks) by action", "runs (s)"],
                 [[r["resource"], r["impl"], r["seconds"], r["seconds_per_task"], r["vs_ping"], r["vs_community_aws"], r["calls_per_task"],
                   actions(r["calls_by_action"]), " ".join(map(str, r["runs"]))]
                  for r in sorted(rows, key=lambda r: (order[r["resource"]], r["impl"] != "ours", r["impl"]))])
    checks = []
    for resource in ("cluster", "task definition", "service"):
        ours = next(r for r in rows if r["resource"] == resource and r["impl"] == "ours")
        checks.append(f"- {resource}: ours {ours['vs_community_aws']}× community.aws (target < 1: {verdict((ours['vs_community_aws'] or 9) < 1)}), "
                      f"{ours['vs_ping']}× ping (target ≤ 1.2: {verdict((ours['vs_ping'] or 9) <= 1.2)})")
    return ("## 2. Per-task cost of a no-change run\n\nA playbook of 10 identical no-change tasks on localhost; community.aws's "
            "`ecs_service` with launch type EC2 (it has no EXTERNAL), ours with EXTERNAL; `ansible.builtin.ping` as the floor. "
            "\"ours\" runs in the controller's worker process, as it does by default (plugins/plugin_utils/in_controller.py); "
            "\"ours, module process\" is the same playbook with `ECS_ANYWHERE_IN_CONTROLLER=false`: each task in a module process of "
            "its own, as ansible runs community.aws's modules and `ping`.\n\n"
            f"{body}\n\n" + "\n".join(checks) + "\n")


def overhead_section(rows):
    body = table(["a fresh interpreter doing", "seconds (median)"], [[r["step"], r["seconds"]] for r in rows])
    return f"### What each module process pays before its first call\n\n{body}\n"


def onboard_section(rows):
    body = table(["hosts", "forks", "first run (s)", "per host", "vs smallest", "CPU s: controller / hosts / endpoint",
                  "no-change run (s, median)", "per host", "vs smallest", "CPU s: controller / hosts / endpoint", "no-change runs (s)",
                  "controller API calls: first / no-change"],
                 [[r["hosts"], r["forks"], r["first_seconds"], r["first_per_host"], r.get("first_vs_smallest"),
                   f"{r.get('first_cpu_controller')} / {r.get('first_cpu_hosts')} / {r.get('first_cpu_endpoint')}",
                   r["nochange_seconds"], r["nochange_per_host"],
                   r.get("nochange_vs_smallest"), f"{r.get('nochange_cpu_controller')} / {r.get('nochange_cpu_hosts')} / {r.get('nochange_cpu_endpoint')}",
                   " ".join(map(str, r["nochange_runs"])), f"{r['first_calls']} / {r['nochange_calls']}"] for r in rows])
    largest, smallest = rows[-1], rows[0]
    text = (f"## 3. Fleet onboarding on the test bed\n\n`playbooks/onboard.yml` as `make demo` runs it (`demo/testbed.yml`, the service at "
            f"min(hosts, 2) tasks), fresh hosts for each size; then no-change runs on the same hosts. CPU: ansible-playbook with its "
            f"workers and ssh (controller), the bed's hosts (their cgroup, the agents' idle work included) and the bed's AWS endpoint: "
            f"all share this machine's {os.cpu_count()} cores (with whatever else runs), so a run takes at least their sum / "
            f"{os.cpu_count()} seconds however it is ordered.\n\n{body}\n\n")
    if largest.get("nochange_forks5_seconds"):
        text += (f"The same no-change run at {largest['hosts']} hosts with ansible's default 5 forks: {largest['nochange_forks5_seconds']} s "
                 f"({ratio(largest['nochange_forks5_seconds'], largest['nochange_seconds'])}× the run with {largest['forks']} forks).\n\n")
    if smallest["hosts"] == 1 and largest["hosts"] > 1:
        text += (f"Target ({largest['hosts']} hosts in at most 4× the time of one): first run {largest.get('first_vs_smallest')}× "
                 f"({verdict((largest.get('first_vs_smallest') or 99) <= 4)}), no-change run {largest.get('nochange_vs_smallest')}× "
                 f"({verdict((largest.get('nochange_vs_smallest') or 99) <= 4)}).\n\n")
    cpu_rows = []
    for row in rows:
        first, nochange = cpu_total(row, "first"), cpu_total(row, "nochange")
        cpu_rows.append([row["hosts"], first, round(first / os.cpu_count(), 1) if first else None, ratio(first, cpu_total(smallest, "first")),
                         nochange, round(nochange / os.cpu_count(), 1) if nochange else None, ratio(nochange, cpu_total(smallest, "nochange"))])
    text += ("CPU seconds are what the load of other jobs changes least: the work itself, and the least wall time it allows on this "
             f"machine's {os.cpu_count()} cores.\n\n" + table(["hosts", "first run: CPU s (all)", "bound: CPU / cores (s)", "vs smallest",
                                                               "no-change: CPU s (all)", "bound (s)", "vs smallest"], cpu_rows) + "\n\n")
    slow = "\n".join(f"| {name} | {seconds} |" for name, seconds in largest["first_slowest"])
    slow_nc = "\n".join(f"| {name} | {seconds} |" for name, seconds in largest["nochange_slowest"])
    text += (f"Slowest tasks at {largest['hosts']} hosts (profile_tasks; a task's time spans all hosts):\n\n| first run | s |\n|---|---|\n{slow}\n\n"
             f"| no-change run | s |\n|---|---|\n{slow_nc}\n")
    return text


def cpu_total(row, run):
    """Controller + hosts + endpoint CPU seconds of a row's first or no-change run (None when one is unknown)."""
    parts = [row.get(f"{run}_cpu_{part}") for part in ("controller", "hosts", "endpoint")]
    return round(sum(parts), 1) if all(part is not None for part in parts) else None


RESOURCES = {  # which resource each controller call reads or writes (for item 4's grouping)
    "DescribeClusters": "cluster", "CreateCluster": "cluster", "ListRoles": "ECS service-linked role", "CreateServiceLinkedRole": "ECS service-linked role",
    "GetRole": "instances' IAM role", "ListAttachedRolePolicies": "instances' IAM role", "AttachRolePolicy": "instances' IAM role",
    "CreateRole": "instances' IAM role", "ListRolePolicies": "instances' IAM role", "ListRoleTags": "instances' IAM role",
    "GetRolePolicy": "instances' IAM role", "ListInstanceProfilesForRole": "instances' IAM role",
    "DescribeActivations": "activation", "CreateActivation": "activation", "DeleteActivation": "activation",
    "ListContainerInstances": "container instances", "DescribeContainerInstances": "container instances",
    "DescribeInstanceInformation": "managed instances", "DescribeTaskDefinition": "task definition",
    "ListTaskDefinitions": "task definition", "RegisterTaskDefinition": "task definition",
    "DescribeServices": "service", "CreateService": "service", "UpdateService": "service", "DescribeTasks": "tasks", "ListTasks": "tasks",
}


def total(calls):
    """The sum of the counts of [(action, count), ...]."""
    return sum(count for _action, count in calls)


def calls_section(rows):
    parts = ["## 4. AWS calls of a no-change `onboard.yml` run, by resource\n\nFrom the endpoint's call log, the controller's access key "
             "only (the agents' heartbeats are theirs, not the playbook's). The floor is one read per resource.\n"]
    for row in (rows[0], rows[-1]) if len(rows) > 1 else rows:
        grouped = {}
        for action, count in row["nochange_calls_by_action"].items():
            name = action.split(":", 1)[1]
            grouped.setdefault(RESOURCES.get(name, "other"), []).append((name, count))
        body = table(["resource", "calls", "by action", "above the floor"],
                     [[resource, total(calls), ", ".join(f"{name} {count}" for name, count in calls), total(calls) - 1]
                      for resource, calls in sorted(grouped.items(), key=lambda item: -total(item[1]))])
        parts.append(f"{row['hosts']} host(s), {row['nochange_calls']} calls:\n\n{body}\n")
    by_task = rows[-1].get("nochange_calls_by_task")
    if by_task:
        body = table(["task", "calls", "by action"], [[task, sum(calls.values()), actions(calls)] for task, calls in by_task.items()])
        parts.append(f"The same calls by task ({rows[-1]['hosts']} host(s); `tests/bench/callbacks/bench_calls.py`):\n\n{body}\n")
    return "\n".join(parts)


def write_csv(results, path):
    with path.open("w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")  # sanity wants \n line endings
        out.writerow(["section", "case", "implementation", "metric", "value"])
        for r in results.get("families", []):
            for metric in ("seconds", "calls", "time_vs_1_revision"):
                out.writerow(["task_definition_family", f"{r['revisions']} revisions", r["impl"], metric, r[metric]])
        for r in results.get("per_task", []):
            for metric in ("seconds", "seconds_per_task", "calls_per_task", "vs_ping", "vs_community_aws"):
                out.writerow(["per_task_no_change", r["resource"], r["impl"], metric, r[metric]])
        for r in results.get("overhead", []):
            out.writerow(["module_process_overhead", r["step"], "", "seconds", r["seconds"]])
        for r in results.get("onboard", []):
            for metric in ("first_seconds", "first_per_host", "first_vs_smallest", "nochange_seconds", "nochange_per_host",
                           "nochange_vs_smallest", "first_calls", "nochange_calls"):
                out.writerow(["onboard", f"{r['hosts']} hosts", f"forks {r['forks']}", metric, r.get(metric)])
            for action, count in r["nochange_calls_by_action"].items():
                out.writerow(["onboard_no_change_calls", f"{r['hosts']} hosts", "", action, count])


def write_png(results, path):
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    figure, axes = plt.subplots(2, 2, figsize=(13, 9))
    families = results.get("families", [])
    for impl in ("ours", "community.aws"):
        rows = sorted((r for r in families if r["impl"] == impl), key=lambda r: r["revisions"])
        axes[0][0].plot([r["revisions"] for r in rows], [r["seconds"] for r in rows], marker="o", label=impl)
        axes[0][1].plot([r["revisions"] for r in rows], [r["calls"] for r in rows], marker="o", label=impl)
    axes[0][0].set(title="1. Task definition no-change run: wall time", xlabel="revisions in the family", ylabel="seconds (median)")
    axes[0][1].set(title="1. Task definition no-change run: API calls", xlabel="revisions in the family", ylabel="calls", yscale="log")
    per_task = results.get("per_task", [])
    resources = ["cluster", "task definition", "service"]
    for offset, impl in ((-0.27, "ours"), (0, "ours, module process"), (0.27, "community.aws")):
        values = [next((r["seconds_per_task"] for r in per_task if r["resource"] == res and r["impl"] == impl), 0) for res in resources]
        axes[1][0].bar([i + offset for i in range(len(resources))], values, width=0.27, label=impl)
    ping = next((r["seconds_per_task"] for r in per_task if r["impl"] == "ping"), None)
    if ping:
        axes[1][0].axhline(ping, color="grey", linestyle="--", label="ansible.builtin.ping")
    axes[1][0].set_xticks(range(len(resources)), resources)
    axes[1][0].set(title="2. No-change run: wall time per task (10 tasks)", ylabel="seconds per task")
    onboard = results.get("onboard", [])
    if onboard:
        hosts = [r["hosts"] for r in onboard]
        axes[1][1].plot(hosts, [r["first_seconds"] for r in onboard], marker="o", label="first run")
        axes[1][1].plot(hosts, [r["nochange_seconds"] for r in onboard], marker="o", label="no-change run")
        if onboard[0]["hosts"] == 1:
            axes[1][1].axhline(onboard[0]["first_seconds"] * 4, color="grey", linestyle=":", label="target at 16 hosts: 4× one host (first run)")
        axes[1][1].set(title="3. onboard.yml on the test bed", xlabel="hosts", ylabel="seconds")
    for axis in (axes[0][0], axes[0][1], axes[1][0], axes[1][1]):
        axis.legend()
        axis.grid(alpha=0.3)
    figure.suptitle(f"hybridops.ecs_anywhere benchmarks, {datetime.date.today()} (one run, medians of {repeat()})")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main():
    results = json.loads(RESULTS.read_text())
    command = os.environ.get("BENCH_COMMAND", "make bench")
    started = results.get("started", "")
    sections = [
        "# Performance\n",
        f"Produced by `{command}` (BENCH_REPEAT={repeat()}) on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
        f"{' (started ' + started + ')' if started else ''}; machine: {machine()}.\n",
        "All figures come from one run: every variant measured side by side against the same local endpoint (`tests/fake_aws`, its "
        "eventual-consistency delays on), interleaved, as medians of BENCH_REPEAT runs; ratios are between figures of that one run. "
        "The machine was shared with other jobs, so absolute seconds are noisy; ratios less so. Nothing here is a timed assertion. "
        "Raw figures: [performance.csv](performance.csv); plot: [performance.png](performance.png).\n",
        "![benchmarks](performance.png)\n",
    ]
    if "families" in results:
        sections.append(families_section(results["families"]))
    if "per_task" in results:
        sections.append(per_task_section(results["per_task"]))
    if "overhead" in results:
        sections.append(overhead_section(results["overhead"]))
    if "onboard" in results:
        sections.append(onboard_section(results["onboard"]))
        sections.append(calls_section(results["onboard"]))
    if ANALYSIS.is_file():
        sections.append(ANALYSIS.read_text())
    DOCS.mkdir(exist_ok=True)
    (DOCS / "performance.md").write_text("\n".join(sections))
    write_csv(results, DOCS / "performance.csv")
    write_png(results, DOCS / "performance.png")
    print(f"wrote {DOCS / 'performance.md'}, .csv, .png", file=sys.stderr)


if __name__ == "__main__":
    main()
