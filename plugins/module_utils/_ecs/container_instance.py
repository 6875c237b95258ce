# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS container instances: what the modules return of one, the calls, and the ECS-only waits (drain, deregister).

Shared by ecs_container_instance and ecs_container_instance_info; the plan of a change is in
container_instance_plan.py, what names an instance (host names through SSM) in ``_anywhere``.
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from ..errors import Refused
from ..errors import TimedOut
from ..polling import poll
from .common import RETRY
from .common import AnsibleECSError
from .common import ECSErrorHandler
from .common import chunks
from .container_instance_plan import attributes_dict
from .container_instance_plan import container_instance_id
from .container_instance_plan import is_external
from .container_instance_plan import label
from .tags import tags_to_dict
from .waiters import wait

# Per call: DescribeContainerInstances takes 100 instances, UpdateContainerInstancesState 10,
# PutAttributes and DeleteAttributes 10 attributes, DescribeTasks 100 tasks.
DESCRIBE_LIMIT = 100
UPDATE_STATE_LIMIT = 10
ATTRIBUTES_LIMIT = 10
DESCRIBE_TASKS_LIMIT = 100
# Tasks named in an error; the rest are counted.
TASKS_IN_ERROR = 10
# What ECS answers DeregisterContainerInstance without force while a task on the instance is not yet STOPPED.
STILL_STOPPING = "Found running tasks"
_RESOURCE_VALUE = {"INTEGER": "integerValue", "LONG": "longValue", "DOUBLE": "doubleValue", "STRINGSET": "stringSetValue"}
_DOCKER_VERSION_PREFIX = "DockerVersion: "


def busy(container_instance):
    return (container_instance.get("runningTasksCount") or 0) + (container_instance.get("pendingTasksCount") or 0) > 0


# -- what the modules return --------------------------------------------------------------


def resources_dict(resources):
    """Resources (CPU, MEMORY, PORTS, ...) as ``{name: value}``, the value read from the field its type names."""
    result = {}
    for resource in resources or []:
        field = _RESOURCE_VALUE.get(resource.get("type"), "integerValue")
        result[resource["name"]] = resource.get(field)
    return result


def docker_version(value):
    """``DockerVersion: 25.0.5`` (as the agent reports it) as ``25.0.5``."""
    if value and value.startswith(_DOCKER_VERSION_PREFIX):
        return value[len(_DOCKER_VERSION_PREFIX):]
    return value


def _timestamp(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def summarize(container_instance, host_names=None):
    """One container instance as the modules return it (snake_case), with its host name when known."""
    version = container_instance.get("versionInfo") or {}
    summary = {
        "arn": container_instance["containerInstanceArn"],
        "id": container_instance_id(container_instance),
        "ec2_instance_id": container_instance.get("ec2InstanceId"),
        "external": is_external(container_instance),
        "status": container_instance.get("status"),
        "status_reason": container_instance.get("statusReason"),
        "agent_connected": bool(container_instance.get("agentConnected")),
        "agent_update_status": container_instance.get("agentUpdateStatus"),
        "running_tasks_count": container_instance.get("runningTasksCount", 0),
        "pending_tasks_count": container_instance.get("pendingTasksCount", 0),
        "agent_version": version.get("agentVersion"),
        "agent_hash": version.get("agentHash"),
        "docker_version": docker_version(version.get("dockerVersion")),
        "attributes": attributes_dict(container_instance.get("attributes")),
        "registered_resources": resources_dict(container_instance.get("registeredResources")),
        "remaining_resources": resources_dict(container_instance.get("remainingResources")),
        "registered_at": _timestamp(container_instance.get("registeredAt")),
        "capacity_provider_name": container_instance.get("capacityProviderName"),
        "health_status": (container_instance.get("healthStatus") or {}).get("overallStatus"),
        "tags": tags_to_dict(container_instance.get("tags")),
    }
    if host_names is not None:
        summary["host_name"] = host_names.get(container_instance.get("ec2InstanceId"))
    return summary


# -- calls --------------------------------------------------------------------------------


@ECSErrorHandler.common_error_handler("list container instances of cluster {cluster} (ListContainerInstances)")
def list_arns(client, cluster):
    """Every container instance of the cluster but the deregistered (INACTIVE) ones."""
    return paginated_query_with_retries(client, "list_container_instances", retry_decorator=RETRY, cluster=cluster)["containerInstanceArns"]


@ECSErrorHandler.common_error_handler("describe container instances of cluster {cluster} (DescribeContainerInstances)")
def describe(client, cluster, arns):
    found = []
    for batch in chunks(list(arns), DESCRIBE_LIMIT):
        result = client.describe_container_instances(cluster=cluster, containerInstances=batch, include=["TAGS"], aws_retry=True)
        found.extend(result.get("containerInstances", []))
    return found


def read_cluster(client, cluster):
    arns = list_arns(client, cluster)
    return describe(client, cluster, arns) if arns else []


def _raise_failures(result, action):
    failures = result.get("failures") or []
    if failures:
        reasons = ", ".join(f"{failure.get('arn')}: {failure.get('reason')} {failure.get('detail') or ''}".strip() for failure in failures)
        raise Refused(f"{action} failed for {reasons}", failures=failures)


@ECSErrorHandler.common_error_handler("set the status of container instances of cluster {cluster} to {status} (UpdateContainerInstancesState)")
def update_state(client, cluster, arns, status):
    for batch in chunks(list(arns), UPDATE_STATE_LIMIT):
        result = client.update_container_instances_state(cluster=cluster, containerInstances=batch, status=status, aws_retry=True)
        _raise_failures(result, "UpdateContainerInstancesState")


@ECSErrorHandler.common_error_handler("put attributes on container instances of cluster {cluster} (PutAttributes)")
def put_attributes(client, cluster, attributes):
    """``attributes``: Attribute entries with ``targetId`` (the instance ARN)."""
    for batch in chunks(list(attributes), ATTRIBUTES_LIMIT):
        client.put_attributes(cluster=cluster, attributes=batch, aws_retry=True)


@ECSErrorHandler.common_error_handler("delete attributes of container instances of cluster {cluster} (DeleteAttributes)")
def delete_attributes(client, cluster, attributes):
    """``attributes``: name and ``targetId`` only; AWS wants no value for custom attributes."""
    for batch in chunks(list(attributes), ATTRIBUTES_LIMIT):
        client.delete_attributes(cluster=cluster, attributes=batch, aws_retry=True)


@ECSErrorHandler.common_error_handler("deregister container instance {arn} from cluster {cluster} (DeregisterContainerInstance)")
def deregister(client, cluster, arn, force):
    return client.deregister_container_instance(cluster=cluster, containerInstance=arn, force=force, aws_retry=True)["containerInstance"]


@ECSErrorHandler.common_error_handler("list the tasks of container instance {arn} (ListTasks, DescribeTasks)")
def tasks_on(client, cluster, arn):
    """The tasks on a container instance that are meant to run (running or pending), as ``id (group)`` names."""
    arns = paginated_query_with_retries(
        client, "list_tasks", retry_decorator=RETRY, cluster=cluster, containerInstance=arn, desiredStatus="RUNNING"
    )["taskArns"]
    names = []
    for batch in chunks(arns, DESCRIBE_TASKS_LIMIT):
        for task in client.describe_tasks(cluster=cluster, tasks=batch, aws_retry=True).get("tasks", []):
            task_id = task["taskArn"].rsplit("/", 1)[-1]
            names.append(f"{task_id} ({task['group']})" if task.get("group") else task_id)
    return sorted(names)


def name_tasks(names):
    shown = ", ".join(names[:TASKS_IN_ERROR])
    more = len(names) - TASKS_IN_ERROR
    return f"{shown} and {more} more" if more > 0 else shown


class Deadline:
    """One wait_timeout for every wait of a run (drain, deregistration, readiness)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self):
        return max(1, int(self.end - time.monotonic()))

    def poll(self, check, waiting_for, sleep=time.sleep):
        """polling.poll for the time left; the timeout message names the whole wait_timeout."""
        try:
            return poll(check, self.left(), waiting_for, sleep=sleep)
        except TimedOut as e:
            raise TimedOut(self.seconds, waiting_for, "; ".join(e.details["waiting_for"]), **e.details) from None


def drain(client, cluster, arns, deadline):
    """Wait until no task runs on ``arns``; on a timeout, fail naming the tasks that are left."""
    waiting_for = f"tasks to drain from container instances of cluster {cluster}"
    try:
        for batch in chunks(list(arns), DESCRIBE_LIMIT):
            wait(client, "container_instances_drained", deadline.left(), waiting_for, cluster=cluster, containerInstances=batch)
    except TimedOut as e:
        left = [ci for ci in describe(client, cluster, arns) if busy(ci)]
        if not left:
            raise
        parts = [f"{label(ci)}: {name_tasks(tasks_on(client, cluster, ci['containerInstanceArn'])) or 'tasks pending'}" for ci in left]
        raise TimedOut(deadline.seconds, waiting_for, "; ".join(parts), not_drained=[label(ci) for ci in left]) from e


def deregister_once_stopped(client, cluster, arn, deadline, sleep=time.sleep):
    """Deregister, trying again while ECS finds tasks on the instance that the drain wait no longer counts.

    A task ECS stopped for the drain leaves runningTasksCount before it is STOPPED (the count is of tasks in RUNNING
    status), and DeregisterContainerInstance without force is refused ("Found running tasks on the instance") until then.
    """

    def attempt():
        try:
            deregister(client, cluster, arn, False)
        except AnsibleECSError as e:
            if STILL_STOPPING not in str(getattr(e, "exception", e)):
                raise
            return [f"{arn}: ECS still finds tasks on it ({STILL_STOPPING})"]
        return []

    deadline.poll(attempt, f"container instances of cluster {cluster}", sleep=sleep)
