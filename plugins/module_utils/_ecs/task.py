# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS tasks: run, stop, and keep N of a definition running for a ``startedBy`` group."""

import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from .common import RETRY
from .common import ECSErrorHandler
from .common import chunks
from .waiters import wait

# RunTask starts at most 10 tasks per call; DescribeTasks and StopTask batches likewise.
RUN_TASK_LIMIT = 10
DESCRIBE_TASKS_LIMIT = 100
# How long a listed task may stay MISSING from DescribeTasks before it is taken as gone, and how often to look.
SETTLE_TIMEOUT = 15
SETTLE_DELAY = 1


@ECSErrorHandler.common_error_handler("list tasks started by {started_by} in cluster {cluster}")
def list_live_task_arns(client, cluster, started_by):
    return paginated_query_with_retries(
        client, "list_tasks", retry_decorator=RETRY, cluster=cluster, startedBy=started_by, desiredStatus="RUNNING"
    )["taskArns"]


@ECSErrorHandler.common_error_handler("describe tasks in cluster {cluster}")
def describe_tasks(client, cluster, arns):
    found = []
    for batch in chunks(list(arns), DESCRIBE_TASKS_LIMIT):
        found.extend(client.describe_tasks(cluster=cluster, tasks=batch, include=["TAGS"], aws_retry=True).get("tasks", []))
    return found


def describe_settled(client, cluster, references, settle_timeout=SETTLE_TIMEOUT):
    """DescribeTasks for tasks that AWS may not show yet.

    A task that RunTask or ListTasks just named can be MISSING from DescribeTasks for a moment (AWS is eventually
    consistent); it is asked for again until it shows. What is still MISSING after ``settle_timeout`` is gone (AWS
    forgets a stopped task after about an hour).
    """
    tasks = describe_tasks(client, cluster, references)
    deadline = time.monotonic() + settle_timeout
    while len(tasks) < len(set(references)) and time.monotonic() < deadline:
        time.sleep(SETTLE_DELAY)
        tasks = describe_tasks(client, cluster, references)
    return tasks


def live_tasks(client, cluster, started_by, settle_timeout=SETTLE_TIMEOUT):
    """Tasks of a startedBy group that ECS means to keep running (pending ones too), oldest first; one that ListTasks
    names and DescribeTasks does not show yet still counts."""
    arns = list_live_task_arns(client, cluster, started_by)
    tasks = [task for task in describe_settled(client, cluster, arns, settle_timeout) if task.get("desiredStatus") == "RUNNING"]
    return sorted(tasks, key=lambda task: (str(task.get("createdAt", "")), task["taskArn"]))


def plan_running(tasks, task_definition_arn, count):
    """(how many to start, tasks to stop) so that exactly ``count`` tasks of the definition run.

    Tasks of the group that run another definition are stale and stopped; of the
    right ones the newest beyond ``count`` are stopped, so long-lived tasks stay.
    """
    current = [task for task in tasks if task["taskDefinitionArn"] == task_definition_arn]
    stale = [task for task in tasks if task["taskDefinitionArn"] != task_definition_arn]
    surplus = current[count:]
    return max(0, count - len(current)), stale + surplus


@ECSErrorHandler.common_error_handler("run {count} task(s) in cluster {cluster}")
def run_tasks(client, cluster, request, count):
    """Start ``count`` tasks; returns (tasks, failures). RunTask reports placement failures instead of raising."""
    started, failures = [], []
    remaining = count
    while remaining > 0:
        batch = min(remaining, RUN_TASK_LIMIT)
        result = client.run_task(cluster=cluster, count=batch, **request, aws_retry=True)
        started.extend(result.get("tasks", []))
        failures.extend(result.get("failures", []))
        remaining -= batch
        if result.get("failures"):
            break  # The next batch would fail for the same reason.
    return started, failures


@ECSErrorHandler.common_error_handler("stop tasks in cluster {cluster}")
def stop_tasks(client, cluster, arns, reason):
    return [client.stop_task(cluster=cluster, task=arn, reason=reason, aws_retry=True)["task"] for arn in arns]


def wait_for_tasks(client, cluster, arns, status, timeout):
    """Wait until every task in ``arns`` is ``status`` (RUNNING or STOPPED); raises errors.TimedOut or waiters.WaitFailed.

    A task RunTask just started can be MISSING from DescribeTasks for a moment; botocore's
    TasksRunning gives up on MISSING at once, ours keeps polling (within the timeout).
    """
    name = "tasks_running" if status == "RUNNING" else "tasks_stopped"
    for batch in chunks(list(arns), DESCRIBE_TASKS_LIMIT):
        wait(client, name, timeout, f"{len(batch)} task(s) in cluster {cluster} to be {status}", cluster=cluster, tasks=batch)


def stop_reasons(tasks):
    """Why tasks stopped, with each container's exit code: what a user needs when a task fails."""
    return [
        {
            "task_arn": task.get("taskArn"),
            "last_status": task.get("lastStatus"),
            "stop_code": task.get("stopCode"),
            "stopped_reason": task.get("stoppedReason"),
            "containers": [{"name": c.get("name"), "exit_code": c.get("exitCode"), "reason": c.get("reason")} for c in task.get("containers", [])],
        }
        for task in tasks
        if task.get("lastStatus") == "STOPPED" or task.get("stoppedReason")
    ]
