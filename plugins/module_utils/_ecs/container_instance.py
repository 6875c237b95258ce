# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS container instances: finding them (by ARN, id, ``mi-`` id or host name), their state and
custom attributes, the plan of a change, the calls that apply it, and the waits.

Shared by ecs_container_instance and ecs_container_instance_info.
"""

import re
import time

try:
    from botocore.waiter import WaiterModel
    from botocore.waiter import create_waiter_with_client
except ImportError:
    pass  # Modules are responsible for handling this (AnsibleAWSModule checks botocore).

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from ..errors import Refused
from ..waiters import WAITER_DELAY
from .cluster import is_external
from .common import RETRY
from .common import ECSErrorHandler
from .common import chunks
from .tags import tags_to_dict

# Per call: DescribeContainerInstances takes 100 instances, UpdateContainerInstancesState 10,
# PutAttributes and DeleteAttributes 10 attributes, DescribeTasks 100 tasks.
DESCRIBE_LIMIT = 100
UPDATE_STATE_LIMIT = 10
ATTRIBUTES_LIMIT = 10
DESCRIBE_TASKS_LIMIT = 100
# ECS allows at most 10 custom attributes on a resource.
CUSTOM_ATTRIBUTES_PER_INSTANCE = 10
# Tasks named in an error; the rest are counted.
TASKS_IN_ERROR = 10
STATUS_OF_STATE = {"active": "ACTIVE", "draining": "DRAINING"}
# The only statuses UpdateContainerInstancesState moves between.
SWITCHABLE = ("ACTIVE", "DRAINING")
# Attributes ECS and its agent set themselves; never purged.
BUILTIN_ATTRIBUTE_PREFIXES = ("ecs.", "com.amazonaws.ecs.")
# The characters AWS documents for attribute names and values (the Attribute data type).
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_./\\-]{1,128}$")
ATTRIBUTE_VALUE = re.compile(r"^[A-Za-z0-9_.@/\\: -]{1,128}$")
ARN = re.compile(r"^arn:aws[a-z-]*:ecs:[^:]*:\d*:container-instance/.+$")
CONTAINER_INSTANCE_ID = re.compile(r"^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
INSTANCE_ID = re.compile(r"^(mi-[0-9a-f]{17}|i-[0-9a-f]{8,17})$")
_RESOURCE_VALUE = {"INTEGER": "integerValue", "LONG": "longValue", "DOUBLE": "doubleValue", "STRINGSET": "stringSetValue"}
_DOCKER_VERSION_PREFIX = "DockerVersion: "


# -- references: what names an instance ---------------------------------------------------


def reference_kind(reference):
    """How a reference names a container instance: ``arn``, ``id`` (container instance id), ``instance_id`` (mi- or i-) or ``host``."""
    if reference.startswith("arn:"):
        return "arn"
    if CONTAINER_INSTANCE_ID.match(reference):
        return "id"
    if INSTANCE_ID.match(reference):
        return "instance_id"
    return "host"


def reference_errors(references):
    errors = []
    for index, reference in enumerate(references):
        if not reference or not reference.strip():
            errors.append(f"instances[{index}]: empty")
        elif reference.startswith("arn:") and not ARN.match(reference):
            errors.append(f"instances[{index}]: {reference} is not the ARN of a container instance")
    return errors


def instance_id(container_instance):
    return container_instance["containerInstanceArn"].rsplit("/", 1)[-1]


def label(container_instance):
    """How an instance is shown: its mi- (or EC2) id, else its container instance id."""
    return container_instance.get("ec2InstanceId") or instance_id(container_instance)


def match_references(references, container_instances, managed_instances):
    """The container instances each reference names, and the references that name none.

    ``managed_instances`` maps host-name references to the ``mi-`` ids SSM knows by that name.
    Returns ``({reference: [container instance, ...]}, [missing reference, ...])``.
    """
    matched, missing = {}, []
    for reference in references:
        kind = reference_kind(reference)
        if kind == "arn":
            found = [ci for ci in container_instances if ci["containerInstanceArn"] == reference]
        elif kind == "id":
            found = [ci for ci in container_instances if instance_id(ci) == reference]
        elif kind == "instance_id":
            found = [ci for ci in container_instances if ci.get("ec2InstanceId") == reference]
        else:
            ids = set(managed_instances.get(reference) or [])
            found = [ci for ci in container_instances if ci.get("ec2InstanceId") in ids]
        if found:
            matched[reference] = found
        else:
            missing.append(reference)
    return matched, missing


def unique(*groups):
    """The container instances of lists such as ``matched.values()``, each once, in the order first named."""
    seen, result = set(), []
    for found in groups:
        for container_instance in found:
            if container_instance["containerInstanceArn"] not in seen:
                seen.add(container_instance["containerInstanceArn"])
                result.append(container_instance)
    return result


# -- attributes ---------------------------------------------------------------------------


def is_builtin_attribute(name):
    return name.startswith(BUILTIN_ATTRIBUTE_PREFIXES)


def attributes_dict(attributes):
    return {item["name"]: item.get("value") for item in attributes or []}


def custom_attributes(container_instance):
    """The attributes a user set (on the instance or through the agent's ECS_INSTANCE_ATTRIBUTES), not ECS's own."""
    return {name: value for name, value in attributes_dict(container_instance.get("attributes")).items() if not is_builtin_attribute(name)}


def normalize_attributes(attributes):
    """(attributes with string values, errors naming each bad one). A value of None is an attribute without a value."""
    if attributes is None:
        return None, []
    normalized, errors = {}, []
    for name, value in attributes.items():
        path = f"attributes.{name}"
        if not ATTRIBUTE_NAME.match(name):
            errors.append(f"{path}: a name has 1 to 128 letters, digits, hyphens, underscores, periods, slashes or backslashes")
            continue
        if is_builtin_attribute(name):
            errors.append(f"{path}: names starting with {' or '.join(BUILTIN_ATTRIBUTE_PREFIXES)} belong to ECS")
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif value is not None and not isinstance(value, str):
            errors.append(f"{path}: expected a string (or null for an attribute without a value), got {type(value).__name__}")
            continue
        if value is not None and (not ATTRIBUTE_VALUE.match(value) or value != value.strip(" ")):
            errors.append(
                f"{path}: a value has 1 to 128 letters, digits, hyphens, underscores, periods, at signs, slashes, backslashes,"
                " colons or spaces, and does not start or end with a space"
            )
            continue
        normalized[name] = value
    if len(normalized) > CUSTOM_ATTRIBUTES_PER_INSTANCE:
        errors.append(f"attributes: ECS allows at most {CUSTOM_ATTRIBUTES_PER_INSTANCE} custom attributes on a container instance, got {len(normalized)}")
    return normalized, errors


# -- the plan -----------------------------------------------------------------------------


def plan_instance(container_instance, state, attributes, purge):
    """(change, before, after) for one container instance; ``change`` is empty when nothing is to be done.

    ``change`` may hold ``status`` (the status to set), ``deregister`` (True), ``put`` (attributes to
    set) and ``delete`` (names of attributes to remove). ``after`` is None for a deregistered instance.
    """
    status = container_instance.get("status")
    before, change = {"status": status}, {}
    if state == "deregistered":
        return {"deregister": True}, before, None
    after = {"status": status}
    if state:
        wanted = STATUS_OF_STATE[state]
        if status != wanted:
            if status not in SWITCHABLE:
                raise Refused(f"{label(container_instance)}: status {status} cannot be changed to {wanted}; only ACTIVE and DRAINING can")
            change["status"] = after["status"] = wanted
    if attributes is not None:
        current = custom_attributes(container_instance)
        put = {name: value for name, value in attributes.items() if name not in current or current[name] != value}
        delete = sorted(name for name in current if name not in attributes) if purge else []
        if put or delete:
            change.update(put=put, delete=delete)
            before["attributes"] = current
            after["attributes"] = {name: value for name, value in dict(current, **put).items() if name not in delete}
    return change, before, after


def plan(container_instances, state, attributes, purge, names=None):
    """(changes by ARN, diff before, diff after); the diff shows changed instances only.

    The diff is keyed by the name the user gave an instance (``names``: ARN -> host name), else by its label.
    """
    names = names or {}
    changes, before, after = {}, {}, {}
    errors = []
    for container_instance in container_instances:
        try:
            change, was, will_be = plan_instance(container_instance, state, attributes, purge)
        except Refused as e:
            errors.append(str(e))
            continue
        if not change:
            continue
        arn = container_instance["containerInstanceArn"]
        changes[arn] = change
        key = names.get(arn) or label(container_instance)
        before[key] = was
        if will_be is not None:
            after[key] = will_be
    if errors:
        raise Refused("; ".join(errors))
    return changes, before, after


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
        "id": instance_id(container_instance),
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


# -- waiting ------------------------------------------------------------------------------


def poll_delay(timeout):
    """Seconds between polls: botocore's usual 5, less for short waits."""
    return max(1, min(WAITER_DELAY, int(timeout) // 10))


def problems(references, matched, missing, unnamed_hosts, cluster, expected_count=None, container_instances=()):
    """What keeps a wait for ACTIVE, connected instances from being over, one message per reference (none: done)."""
    found = []
    for reference in missing:
        if reference in unnamed_hosts:
            found.append(f"{reference}: no SSM managed instance has this name")
        else:
            found.append(f"{reference}: not registered in cluster {cluster}")
    for reference in references:
        candidates = matched.get(reference) or []
        if not candidates or any(ready(ci) for ci in candidates):
            continue
        found.append("; ".join(f"{reference} ({label(ci)}): {why_not_ready(ci)}" for ci in candidates))
    if expected_count:
        count = sum(1 for ci in container_instances if ready(ci))
        if count < expected_count:
            found.append(f"{count} of {expected_count} expected container instances in cluster {cluster} are ACTIVE with a connected agent")
    return found


def ready(container_instance):
    return container_instance.get("status") == "ACTIVE" and bool(container_instance.get("agentConnected"))


def why_not_ready(container_instance):
    if container_instance.get("status") != "ACTIVE":
        return f"status {container_instance.get('status')}"
    return "agent not connected"


def poll(check, timeout, sleep=time.sleep, clock=time.monotonic):
    """Call ``check`` until it returns no problems; after ``timeout`` seconds, the last problems.

    Returns ``[]`` when the wait is over, else the problems that were left. A wait that spans
    ECS and SSM (host names), so not one of botocore's single-operation waiters.
    """
    deadline = clock() + timeout
    delay = poll_delay(timeout)
    while True:
        left = check()
        if not left or clock() >= deadline:
            return left
        sleep(max(0, min(delay, deadline - clock())))


def drained_waiter(client, timeout):
    """A botocore waiter (our model: ECS has no container instance waiters) for instances with no tasks left."""
    delay = poll_delay(timeout)
    model = {
        "version": 2,
        "waiters": {
            "ContainerInstancesDrained": {
                "operation": "DescribeContainerInstances",
                "delay": delay,
                "maxAttempts": max(1, int(timeout) // delay),
                # botocore takes the first acceptor that matches: a missing instance is no drained one.
                "acceptors": [
                    {"state": "failure", "matcher": "pathAny", "argument": "failures[].reason", "expected": "MISSING"},
                    {
                        "state": "success",
                        "matcher": "path",
                        "argument": "length(containerInstances[?runningTasksCount > `0` || pendingTasksCount > `0`]) == `0`",
                        "expected": True,
                    },
                ],
            }
        },
    }
    return create_waiter_with_client("ContainerInstancesDrained", WaiterModel(model), getattr(client, "client", client))


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


def wait_drained(client, cluster, arns, timeout):
    """Raises botocore's WaiterError when time runs out: the caller names the tasks that are left."""
    waiter = drained_waiter(client, timeout)
    for batch in chunks(list(arns), DESCRIBE_LIMIT):
        waiter.wait(cluster=cluster, containerInstances=batch)
