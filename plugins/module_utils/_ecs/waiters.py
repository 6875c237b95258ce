# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every ECS waiter, in one factory built on amazon.aws's ``BaseWaiterFactory`` (as amazon.aws's ``_elbv2/waiters.py``).

botocore's ECS waiters (``services_stable``, ``services_inactive``, ``tasks_running``, ``tasks_stopped``: the
definitions of botocore/data/ecs/2014-11-13/waiters-2.json) with acceptors of ours where they must stop sooner or
later, and the waiters ECS lacks (clusters, capacity providers, drained container instances). amazon.aws adds
retries on throttling and 5xx errors; ECS throttles with ``ThrottlingException`` and answers ``ServerException``
when busy, so those retry too. ``wait`` times every waiter with ``custom_waiter_config(timeout)`` and fails with
the one timeout message of ``errors.TimedOut``.
"""

try:
    from botocore.exceptions import WaiterError
except ImportError:
    pass  # Modules are responsible for handling this (AnsibleAWSModule checks botocore).

from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

from ..errors import Failure
from ..errors import TimedOut

# Seconds between two looks (botocore's ECS waiters look every 6 or 15 s; custom_waiter_config shortens short waits).
PAUSE = 5
# Codes ECS answers while busy; BaseWaiterFactory retries Throttling but not ECS's spelling.
RETRIED = ("ThrottlingException", "ServerException")
_MISSING_FAILS = {"state": "failure", "matcher": "pathAny", "argument": "failures[].reason", "expected": "MISSING"}
_MISSING_RETRIES = {"state": "retry", "matcher": "pathAny", "argument": "failures[].reason", "expected": "MISSING"}
_UPDATE_FAILED = [
    {"state": "failure", "matcher": "pathAny", "argument": "capacityProviders[].updateStatus", "expected": status}
    for status in ("CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED")
]
_IN_PROGRESS = "['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS']"


def _waiter(operation, *acceptors):
    # delay and maxAttempts are placeholders: wait() always passes custom_waiter_config(timeout).
    return {"operation": operation, "delay": PAUSE, "maxAttempts": 60, "acceptors": list(acceptors)}


WAITERS = {
    "cluster_active": _waiter(
        "DescribeClusters",
        # Capacity provider changes finish when attachmentsStatus says so.
        {
            "state": "success",
            "matcher": "path",
            "argument": "clusters[0].status == 'ACTIVE' && (clusters[0].attachmentsStatus == `null` || clusters[0].attachmentsStatus == 'UPDATE_COMPLETE')",
            "expected": True,
        },
        {"state": "failure", "matcher": "pathAny", "argument": "clusters[].status", "expected": "FAILED"},
        {"state": "failure", "matcher": "pathAny", "argument": "clusters[].attachmentsStatus", "expected": "UPDATE_FAILED"},
    ),
    "cluster_inactive": _waiter(
        "DescribeClusters",
        {"state": "success", "matcher": "path", "argument": "length(clusters[?status != 'INACTIVE']) == `0`", "expected": True},
    ),
    "services_stable": _waiter(
        "DescribeServices",
        # A deployment the circuit breaker failed will not become stable; stop at once.
        {"state": "failure", "matcher": "pathAny", "argument": "services[].deployments[].rolloutState", "expected": "FAILED"},
        _MISSING_FAILS,
        {"state": "failure", "matcher": "pathAny", "argument": "services[].status", "expected": "DRAINING"},
        {"state": "failure", "matcher": "pathAny", "argument": "services[].status", "expected": "INACTIVE"},
        {
            "state": "success",
            "matcher": "path",
            "argument": "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`",
            "expected": True,
        },
    ),
    "services_inactive": _waiter(
        "DescribeServices",
        _MISSING_FAILS,
        {"state": "success", "matcher": "pathAll", "argument": "services[].status", "expected": "INACTIVE"},
    ),
    # botocore's TasksRunning gives up on a task RunTask just started that DescribeTasks does not show yet (MISSING).
    "tasks_running": _waiter(
        "DescribeTasks",
        _MISSING_RETRIES,
        {"state": "failure", "matcher": "pathAny", "argument": "tasks[].lastStatus", "expected": "STOPPED"},
        {"state": "success", "matcher": "pathAll", "argument": "tasks[].lastStatus", "expected": "RUNNING"},
    ),
    "tasks_stopped": _waiter(
        "DescribeTasks",
        _MISSING_RETRIES,
        {"state": "success", "matcher": "pathAll", "argument": "tasks[].lastStatus", "expected": "STOPPED"},
    ),
    "capacity_provider_settled": _waiter(
        "DescribeCapacityProviders",
        *_UPDATE_FAILED,
        {
            "state": "success",
            "matcher": "path",
            "argument": f"capacityProviders[0].status == 'ACTIVE' && !contains({_IN_PROGRESS}, capacityProviders[0].updateStatus || '')",
            "expected": True,
        },
    ),
    "capacity_provider_deleted": _waiter(
        "DescribeCapacityProviders",
        *_UPDATE_FAILED,
        # AWS keeps a deleted provider describable as INACTIVE for a while; then it is MISSING.
        {"state": "success", "matcher": "path", "argument": "length(capacityProviders[?status != 'INACTIVE']) == `0`", "expected": True},
    ),
    "container_instances_drained": _waiter(
        "DescribeContainerInstances",
        _MISSING_FAILS,  # a missing instance is no drained one
        {
            "state": "success",
            "matcher": "path",
            "argument": "length(containerInstances[?runningTasksCount > `0` || pendingTasksCount > `0`]) == `0`",
            "expected": True,
        },
    ),
}


class ECSWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self):
        return WAITERS

    def _inject_ratelimit_retries(self, model_data):
        data = super()._inject_ratelimit_retries(model_data)
        for definition in data.values():
            definition["acceptors"].extend({"state": "retry", "matcher": "error", "expected": code} for code in RETRIED)
        return data


def _statuses(items, *fields):
    return ", ".join(" ".join(f"{field}={item.get(field)}" for field in fields) for item in items) or "nothing"


# What a timeout message shows of the last answer, per operation.
_LAST_SEEN = {
    "DescribeClusters": lambda answer: _statuses(answer.get("clusters", []), "clusterName", "status", "attachmentsStatus"),
    "DescribeServices": lambda answer: _statuses(answer.get("services", []), "serviceName", "status", "runningCount", "desiredCount"),
    "DescribeTasks": lambda answer: _statuses(answer.get("tasks", []), "taskArn", "lastStatus"),
    "DescribeCapacityProviders": lambda answer: _statuses(answer.get("capacityProviders", []), "name", "status", "updateStatus", "updateStatusReason"),
    "DescribeContainerInstances": lambda answer: _statuses(
        answer.get("containerInstances", []), "ec2InstanceId", "runningTasksCount", "pendingTasksCount"
    ),
}


def last_seen(name, answer):
    """A short account of the last answer a waiter had (its error code when it was an error)."""
    answer = answer or {}
    if "Error" in answer:
        return f"error {answer['Error'].get('Code')}: {answer['Error'].get('Message')}"
    failures = ", ".join(f"{failure.get('arn')} {failure.get('reason')}" for failure in answer.get("failures") or [])
    seen = _LAST_SEEN[WAITERS[name]["operation"]](answer)
    return f"{seen}; failures: {failures}" if failures else seen


class WaitFailed(Failure):
    """A waiter reached a failure state (a failed rollout, a stopped task, a failed capacity provider update)."""

    def __init__(self, waiting_for, last, **details):
        super().__init__(f"gave up waiting for {waiting_for}: last seen {last}", **details)


def wait(client, name, timeout, waiting_for, **params):
    """Run waiter ``name`` for at most ``timeout`` seconds; TimedOut or WaitFailed name ``waiting_for`` and the last answer."""
    # amazon.aws wraps clients to retry calls; a waiter needs the botocore client itself.
    waiter = ECSWaiterFactory().get_waiter(getattr(client, "client", client), name)
    try:
        waiter.wait(WaiterConfig=custom_waiter_config(timeout, default_pause=PAUSE), **params)
    except WaiterError as e:
        seen = last_seen(name, e.last_response)
        if "Max attempts exceeded" in str(e):
            raise TimedOut(timeout, waiting_for, seen) from e
        raise WaitFailed(waiting_for, seen) from e
