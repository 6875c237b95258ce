# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS services: the calls ecs_service, ecs_service_info and ecs_cluster make, the wait, and what a failed wait reports.

The pure part of ecs_service is in ``service_fields`` (its options) and ``service_plan``.
"""

import uuid

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from .common import RETRY
from .common import AnsibleECSError
from .common import ECSErrorHandler
from .common import cluster_missing
from .common import chunks
from .tags import tags_to_dict
from .waiters import wait

# DescribeServices takes at most 10 services per call.
DESCRIBE_SERVICES_LIMIT = 10
# How many service events explain a failed wait.
EVENTS_IN_ERROR = 5
STOPPED_TASKS_IN_ERROR = 5


@ECSErrorHandler.common_error_handler("list services of cluster {cluster}")
def list_service_arns(client, cluster, launch_type=None):
    params = {"cluster": cluster}
    if launch_type:
        params["launchType"] = launch_type
    return paginated_query_with_retries(client, "list_services", retry_decorator=RETRY, **params)["serviceArns"]


@ECSErrorHandler.common_error_handler("describe services of cluster {cluster}")
def describe_services(client, cluster, names):
    """Services by name or ARN, with tags; deleted ones stay visible as INACTIVE for a while and are returned too."""
    found = []
    for batch in chunks(list(names), DESCRIBE_SERVICES_LIMIT):
        found.extend(client.describe_services(cluster=cluster, services=batch, include=["TAGS"], aws_retry=True).get("services", []))
    return found


def describe_service(client, cluster, name):
    """The service unless it, or its cluster, is missing, or it is INACTIVE (a deleted service stays visible as INACTIVE for a while)."""
    try:
        services = describe_services(client, cluster, [name])
    except AnsibleECSError as e:
        if cluster_missing(e):
            return None
        raise
    for service in services:
        if service.get("status") != "INACTIVE":
            return service
    return None


@ECSErrorHandler.common_error_handler("create service {name} in cluster {cluster}")
def create_service(client, cluster, name, settings, tags):
    # A token makes botocore's retry of a CreateService whose answer was lost answer the service it made, instead of
    # "Creation of service was not idempotent." (ECS API Reference, "Ensuring idempotency"; 36 characters at most).
    request = dict(settings, cluster=cluster, serviceName=name, clientToken=str(uuid.uuid4()))
    if tags:
        request["tags"] = tags
    return client.create_service(**request, aws_retry=True)["service"]


@ECSErrorHandler.common_error_handler("update service {name} in cluster {cluster}")
def update_service(client, cluster, name, settings):
    return client.update_service(cluster=cluster, service=name, **settings, aws_retry=True)["service"]


@ECSErrorHandler.common_error_handler("delete service {name} in cluster {cluster}")
def delete_service(client, cluster, name, scheduling_strategy):
    # A REPLICA service must be scaled to zero before DeleteService takes it without force.
    if scheduling_strategy != "DAEMON":
        client.update_service(cluster=cluster, service=name, desiredCount=0, aws_retry=True)
    return client.delete_service(cluster=cluster, service=name, aws_retry=True)["service"]


@ECSErrorHandler.common_error_handler("explain why service {name} in cluster {cluster} is not stable")
def why_not_stable(client, cluster, name):
    """Recent events, failed rollouts and the reasons tasks stopped: what a user needs after a failed wait."""
    service = describe_service(client, cluster, name) or {}
    events = [event.get("message") for event in service.get("events", [])[:EVENTS_IN_ERROR]]
    rollouts = [
        {"id": d.get("id"), "status": d.get("status"), "rollout_state": d.get("rolloutState"), "reason": d.get("rolloutStateReason")}
        for d in service.get("deployments", [])
    ]
    stopped_arns = client.list_tasks(cluster=cluster, serviceName=name, desiredStatus="STOPPED", aws_retry=True).get("taskArns", [])
    stopped = []
    if stopped_arns:
        for task in client.describe_tasks(cluster=cluster, tasks=stopped_arns[:STOPPED_TASKS_IN_ERROR], aws_retry=True).get("tasks", []):
            stopped.append({
                "task_arn": task.get("taskArn"),
                "stopped_reason": task.get("stoppedReason"),
                "containers": [
                    {"name": c.get("name"), "exit_code": c.get("exitCode"), "reason": c.get("reason")} for c in task.get("containers", [])
                ],
            })
    return {"events": events, "deployments": rollouts, "stopped_tasks": stopped}


def wait_for_service(client, cluster, name, timeout, gone=False):
    """Wait until the service is stable (one deployment, as many running as desired), or INACTIVE when ``gone``."""
    if gone:
        wait(client, "services_inactive", timeout, f"service {name} to become INACTIVE", cluster=cluster, services=[name])
    else:
        wait(client, "services_stable", timeout, f"service {name} to become stable", cluster=cluster, services=[name])


def service_result(service):
    """The module's return for a service: AWS's object, and its tags again at the top, as a dict."""
    if not service:
        return {"service": {}, "tags": {}}
    return {"service": service, "tags": tags_to_dict(service.get("tags"))}
