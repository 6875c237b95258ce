"""Items 1 and 2 of issue 13: no-change runs of our modules, community.aws's and ansible.builtin.ping, side by side in one
run against one local endpoint (tests/fake_aws, eventual-consistency delays on: its defaults).

1. Task definition families of 1, 100 and 300 revisions: one no-change task, ours vs community.aws ecs_taskdefinition.
2. Playbooks of 10 no-change tasks each (cluster, task definition, service), ours vs community.aws vs ping.

Each playbook runs BENCH_REPEAT times, the variants interleaved (so that load on this shared machine hits them alike);
a run that changes anything fails the benchmark, since it would not measure a no-change run.
"""

import os
import subprocess
import sys
import time

import yaml

from common import BUILD, CREDENTIALS, REPO, CallLog, ansible_env, by_action, changed, median, ratio, repeat, run_playbook, save

sys.path.insert(0, str(REPO / "tests"))
from conftest import FakeAws  # noqa: E402  pylint: disable=wrong-import-position

FAMILY_SIZES = (1, 100, 300)
TASKS = 10
CLUSTER = "bench"
SERVICE_FAMILY = "bench-svc"


def container(revision):
    """The container of revision N: each revision differs by its image tag, so a family has N distinct revisions."""
    return {"name": "web", "image": f"public.ecr.aws/nginx/nginx:rev-{revision}", "memory": 128, "essential": True,
            "portMappings": [{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}]}


def definition(family, revision):
    return {"family": family, "networkMode": "bridge", "containerDefinitions": [container(revision)]}


def ours_task_definition(family, revision):
    return {"hybridops.ecs_anywhere.ecs_task_definition": {"definition": definition(family, revision)}}


def theirs_task_definition(family, revision):
    return {"community.aws.ecs_taskdefinition": {"state": "present", "family": family, "network_mode": "bridge",
                                                 "containers": [container(revision)]}}


TASK_KINDS = {
    ("ping", "ping"): {"ansible.builtin.ping": {}},
    ("cluster", "ours"): {"hybridops.ecs_anywhere.ecs_cluster": {"name": CLUSTER}},
    ("cluster", "community.aws"): {"community.aws.ecs_cluster": {"name": CLUSTER, "state": "present"}},
    ("task definition", "ours"): ours_task_definition(SERVICE_FAMILY, 1),
    ("task definition", "community.aws"): theirs_task_definition(SERVICE_FAMILY, 1),
    # community.aws has no EXTERNAL launch type: theirs runs EC2, ours EXTERNAL (what ECS Anywhere needs), no tasks; both name
    # the revision (theirs compares the name given with the service's ARN, so a bare family would update it on every run).
    ("service", "ours"): {"hybridops.ecs_anywhere.ecs_service": {
        "name": "bench-ours", "cluster": CLUSTER, "task_definition": f"{SERVICE_FAMILY}:1", "desired_count": 0, "launch_type": "EXTERNAL"}},
    ("service", "community.aws"): {"community.aws.ecs_service": {
        "name": "bench-theirs", "cluster": CLUSTER, "task_definition": f"{SERVICE_FAMILY}:1", "desired_count": 0, "launch_type": "EC2",
        "state": "present"}},
}


def playbook(name, tasks, endpoint):
    """A localhost playbook of TASKS; endpoint and region for every AWS module through module_defaults."""
    aws = {"endpoint_url": endpoint.url, "region": endpoint.region}
    play = {
        "name": name, "hosts": "localhost", "connection": "local", "gather_facts": False,
        "vars": {"ansible_python_interpreter": sys.executable},
        "module_defaults": {"group/hybridops.ecs_anywhere.aws": aws, "group/amazon.aws.aws": aws,
                            "community.aws.ecs_cluster": aws, "community.aws.ecs_taskdefinition": aws, "community.aws.ecs_service": aws},
        "tasks": [{"name": f"{name} {index + 1}", **task} for index, task in enumerate(tasks)],
    }
    path = BUILD / "playbooks" / f"{name.replace(' ', '-').replace('.', '-')}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


# Ours run in the controller's worker process by default (plugins/plugin_utils/in_controller.py); this variant runs the same
# tasks each in a module process of its own, as ansible runs any module, to show what that design is worth.
MODULE_PROCESS = "ours, module process"
VARIANT_ENV = {MODULE_PROCESS: {"ECS_ANYWHERE_IN_CONTROLLER": "false"}}


def measure(path, log, impl="ours"):
    """(seconds, calls) of one no-change run of PATH."""
    log.clear()
    seconds, output = run_playbook(["-i", "localhost,", path], env=ansible_env(**VARIANT_ENV.get(impl, {})))
    if changed(output):
        raise RuntimeError(f"{path.name} changed something: not a no-change run\n{output[-3000:]}")
    return seconds, log.calls()


def prepare(endpoint):
    """The families (1, 100, 300 revisions), and the cluster, task definition and services the 10-task playbooks find unchanged.

    The latter are made by the modules themselves (one task of each kind), so that each no-change run compares against what
    that module would make (ours also makes the ECS service-linked role on its first run).
    """
    ecs = endpoint.client("ecs")
    for size in FAMILY_SIZES:
        for revision in range(1, size + 1):
            ecs.register_task_definition(**definition(f"bench-{size}", revision))
    setup = [task for (resource, _impl), task in TASK_KINDS.items() if resource != "ping"]
    run_playbook(["-i", "localhost,", playbook("setup", setup, endpoint)])


def bench_families(endpoint, log):
    """Item 1: {size, impl, seconds (median), calls (median), calls_by_action (last run), runs}."""
    books = {(size, impl): playbook(f"family {size} {impl}", [make(f"bench-{size}", size)], endpoint)
             for size in FAMILY_SIZES for impl, make in (("ours", ours_task_definition), ("community.aws", theirs_task_definition))}
    samples = {key: [] for key in books}
    for _attempt in range(repeat()):
        for key, path in books.items():
            samples[key].append(measure(path, log))
    rows = []
    for (size, impl), runs in samples.items():
        rows.append({"revisions": size, "impl": impl, "seconds": round(median([run[0] for run in runs]), 2),
                     "calls": median([len(run[1]) for run in runs]), "calls_by_action": by_action(runs[-1][1]),
                     "runs": [round(run[0], 2) for run in runs]})
    for row in rows:
        one = next(r for r in rows if r["impl"] == row["impl"] and r["revisions"] == 1)
        row["time_vs_1_revision"] = ratio(row["seconds"], one["seconds"])
    return rows


def bench_per_task(endpoint, log):
    """Item 2: {resource, impl, seconds (median, whole playbook), seconds_per_task, calls_per_task, vs ping, vs community.aws}."""
    books = {key: playbook(f"ten {key[0]} {key[1]}", [task] * TASKS, endpoint) for key, task in TASK_KINDS.items()}
    books.update({(resource, MODULE_PROCESS): books[(resource, impl)] for resource, impl in TASK_KINDS if impl == "ours"})
    samples = {key: [] for key in books}
    for _attempt in range(repeat()):
        for key, path in books.items():
            samples[key].append(measure(path, log, key[1]))
    ping = median([run[0] for run in samples[("ping", "ping")]])
    rows = []
    for (resource, impl), runs in samples.items():
        seconds = median([run[0] for run in runs])
        rows.append({"resource": resource, "impl": impl, "tasks": TASKS, "seconds": round(seconds, 2),
                     "seconds_per_task": round(seconds / TASKS, 3), "calls_per_task": median([len(run[1]) for run in runs]) / TASKS,
                     "calls_by_action": by_action(runs[-1][1]), "vs_ping": ratio(seconds, ping), "runs": [round(run[0], 2) for run in runs]})
    for row in rows:
        theirs = next((r for r in rows if r["resource"] == row["resource"] and r["impl"] == "community.aws"), None)
        row["vs_community_aws"] = ratio(row["seconds"], theirs["seconds"]) if theirs else None
    return rows


# What every module process pays before its first call: the interpreter, boto3's import, one client per service it uses.
OVERHEAD_STEPS = {
    "python -c pass": "pass",
    "import boto3": "import boto3",
    "import boto3 + 1 client (ecs)": "import boto3; boto3.client('ecs', region_name='us-east-1')",
    "import boto3 + 2 clients (ecs, iam)": "import boto3; boto3.client('ecs', region_name='us-east-1'); boto3.client('iam', region_name='us-east-1')",
}


def bench_overhead():
    """[{step, seconds}]: medians of 5 x BENCH_REPEAT fresh interpreters (as each module task starts one)."""
    samples = {step: [] for step in OVERHEAD_STEPS}
    for _attempt in range(5 * repeat()):
        for step, code in OVERHEAD_STEPS.items():
            start = time.monotonic()
            subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ, **CREDENTIALS))
            samples[step].append(time.monotonic() - start)
    return [{"step": step, "seconds": round(median(runs), 3)} for step, runs in samples.items()]


def main():
    save("started", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    save("overhead", bench_overhead())
    endpoint = FakeAws().start()  # the endpoint's defaults: eventual-consistency delays on
    try:
        prepare(endpoint)
        log = CallLog(endpoint.url)
        save("families", bench_families(endpoint, log))
        save("per_task", bench_per_task(endpoint, log))
    finally:
        endpoint.stop()


if __name__ == "__main__":
    main()
