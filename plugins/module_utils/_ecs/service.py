# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS services: desired request from options, current state, plan, and the calls that apply it."""

import uuid

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from ..compare import canonical
from ..compare import differences
from ..results import tags_as_dict
from ..waiters import waiter
from .common import RETRY
from .common import AnsibleECSError
from .common import ECSErrorHandler
from .common import cluster_missing
from .common import chunks
from .options import PLACEMENT_FIELDS
from .options import request_from_options
from .tags import tags_to_dict

# Option name -> CreateService/UpdateService member, for the options that map one to one.
SERVICE_FIELDS = dict(
    PLACEMENT_FIELDS,
    desired_count="desiredCount",
    deployment_configuration="deploymentConfiguration",
    deployment_controller="deploymentController",
    scheduling_strategy="schedulingStrategy",
    health_check_grace_period_seconds="healthCheckGracePeriodSeconds",
    load_balancers="loadBalancers",
    service_registries="serviceRegistries",
    role="role",
)
# Members of CreateService that name the request rather than describe the service.
_NOT_SETTINGS = {"cluster", "serviceName", "clientToken", "tags"}
# Lists whose order means nothing to ECS.
_SET_LIKE = {"placementConstraints", "loadBalancers", "serviceRegistries", "capacityProviderStrategy"}
# Capabilities the ECS agent removes on external instances (amazon-ecs-agent agent/app/agent_capability.go,
# externalUnsupportedCapabilities): a task definition requiring one never runs there.
EXTERNAL_LACKS = frozenset((
    "ecs.capability.task-eni", "ecs.capability.cni-plugin-version", "ecs.capability.task-eni.ipv6", "ecs.capability.task-eni-block-instance-metadata",
    "ecs.capability.task-eni-trunking", "ecs.capability.aws-appmesh", "ecs.capability.task-eia", "ecs.capability.task-eia.optimized-cpu",
    "ecs.capability.service-connect-v1", "ecs.capability.storage.ebs-task-volume-attach", "ecs.capability.fault-injection",
))
# UpdateService takes deploymentController, but ECS refuses to change it on an existing service.
ALSO_IMMUTABLE = ("deploymentController",)
# DescribeServices takes at most 10 services per call.
DESCRIBE_SERVICES_LIMIT = 10
# How many service events explain a failed wait.
EVENTS_IN_ERROR = 5
STOPPED_TASKS_IN_ERROR = 5


def immutable_fields(service_model):
    """Settings CreateService takes and UpdateService does not: read from botocore's model, not kept by hand."""
    create = set(service_model.operation_model("CreateService").input_shape.members)
    update = set(service_model.operation_model("UpdateService").input_shape.members)
    return sorted((create - update - _NOT_SETTINGS) | set(ALSO_IMMUTABLE))


def desired_settings(params):
    """The service settings the user set, as CreateService spells them. Unset options are left to AWS."""
    return request_from_options(params, SERVICE_FIELDS)


def _fill_defaults(settings):
    """AWS's defaults for members of list entries, so a user's shorter spelling compares equal."""
    settings = dict(settings)
    if "capacityProviderStrategy" in settings:
        settings["capacityProviderStrategy"] = [dict({"weight": 0, "base": 0}, **item) for item in settings["capacityProviderStrategy"]]
    if "networkConfiguration" in settings:
        vpc = dict({"assignPublicIp": "DISABLED"}, **settings["networkConfiguration"].get("awsvpcConfiguration", {}))
        settings["networkConfiguration"] = {"awsvpcConfiguration": vpc}
    for field in _SET_LIKE & set(settings):
        settings[field] = sorted(settings[field], key=canonical)
    return settings


def current_settings(service, fields):
    """The current service's values for ``fields``, spelled as CreateService takes them."""
    current = {}
    for field in fields:
        if field == "role":
            value = service.get("roleArn")
        else:
            value = service.get(field)
        if value is not None:
            current[field] = value
    return _fill_defaults(current)


def _role_name(role):
    return role.rsplit("/", 1)[-1] if role else role


def plan_changes(desired, service):
    """Top-level fields whose desired value differs from the service's; only what the user set counts."""
    desired = _fill_defaults(desired)
    current = current_settings(service, desired)
    if "role" in desired:
        desired = dict(desired, role=_role_name(desired["role"]))
        current = dict(current, role=_role_name(current.get("role")))
    changed = sorted({path.split(".")[0].split("[")[0] for path in differences(desired, current, subset=True)})
    before = {field: current.get(field) for field in changed}
    after = {field: desired[field] for field in changed}
    return changed, before, after


def external_errors(settings, task_definition):
    """What ECS Anywhere cannot run, found before any call that writes."""
    if settings.get("launchType") != "EXTERNAL":
        return []
    errors = []
    unsupported = {
        "networkConfiguration": "network_configuration: EXTERNAL instances do not support awsvpc networking",
        "loadBalancers": "load_balancers: EXTERNAL services cannot use Elastic Load Balancing",
        "serviceRegistries": "service_registries: EXTERNAL services cannot use Cloud Map service discovery",
        "role": "role: EXTERNAL services take no IAM role (it is for load balancers)",
        "platformVersion": "platform_version: only for Fargate, not for EXTERNAL",
        "capacityProviderStrategy": "capacity_provider_strategy: EXTERNAL instances are not in capacity providers; use launch_type EXTERNAL alone",
    }
    errors.extend(message for field, message in unsupported.items() if settings.get(field))
    controller = (settings.get("deploymentController") or {}).get("type", "ECS")
    if controller != "ECS":
        errors.append(f"deployment_controller: EXTERNAL services support the ECS (rolling update) controller only, not {controller}")
    if task_definition:
        arn = task_definition.get("taskDefinitionArn")
        if task_definition.get("networkMode") == "awsvpc":
            errors.append(f"task_definition: {arn} uses network mode awsvpc; EXTERNAL instances support bridge, host and none")
        compatibilities = task_definition.get("compatibilities")
        if compatibilities and "EXTERNAL" not in compatibilities:
            errors.append(f"task_definition: {arn} is compatible with {', '.join(compatibilities)}, not EXTERNAL")
        lacking = [item["name"] for item in task_definition.get("requiresAttributes") or [] if item.get("name") in EXTERNAL_LACKS]
        if lacking:
            errors.append(f"task_definition: {arn} requires {', '.join(lacking)}, which the ECS agent does not offer on EXTERNAL instances")
    return errors


def network_errors(settings, task_definition, creating=True):
    """networkConfiguration goes with the awsvpc network mode only, and awsvpc needs one (ECS refuses both)."""
    if not task_definition:
        return []
    arn, mode = task_definition.get("taskDefinitionArn"), task_definition.get("networkMode", "bridge")
    if settings.get("networkConfiguration") and mode != "awsvpc":
        return [f"network_configuration: only for network mode awsvpc; {arn} uses {mode}"]
    if creating and mode == "awsvpc" and not settings.get("networkConfiguration") and settings.get("launchType") != "EXTERNAL":
        return [f"network_configuration: required, {arn} uses network mode awsvpc"]
    return []


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


# A deployment the circuit breaker failed will not become stable; stop waiting at once.
ROLLOUT_FAILED = {"matcher": "pathAny", "argument": "services[].deployments[].rolloutState", "state": "failure", "expected": "FAILED"}


def wait_for_service(client, cluster, name, timeout, gone=False):
    """Wait with botocore's ServicesStable (or ServicesInactive when ``gone``)."""
    if gone:
        waiter(client, "ServicesInactive", timeout).wait(cluster=cluster, services=[name])
    else:
        waiter(client, "ServicesStable", timeout, extra_acceptors=[ROLLOUT_FAILED]).wait(cluster=cluster, services=[name])


def service_result(service):
    """The module's return for a service: AWS's object (its tags as a dict), and its tags again at the top."""
    if not service:
        return {"service": {}, "tags": {}}
    return {"service": tags_as_dict(service), "tags": tags_to_dict(service.get("tags"))}
