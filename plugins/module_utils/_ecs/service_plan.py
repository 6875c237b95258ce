# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_service, the pure part: what ECS (and ECS Anywhere) would refuse, and one Plan from the settings the user set.

Only what the user set is compared (``service_fields``). The plan's sides are the changed members before and after
(with ``tags`` when they change, ``forceNewDeployment`` when asked); its calls are ``create_service`` (settings),
``update_service`` (the members to send), ``update_tags`` (to_set, to_unset), ``replace_service`` (the settings of the
new service) and ``delete_service`` (the scheduling strategy).
"""

from ..compare import differences
from ..errors import Refused
from ..plan import Plan
from ..results import snake_case_key
from ..tags import tag_changes
from ..tags import tags_after
from .service_fields import OPTION_OF_FIELD
from .service_fields import comparable
from .service_fields import current_settings
from .service_fields import immutable_fields
from .service_fields import settings_for_replace
from .tags import tags_to_dict

# Capabilities the ECS agent removes on external instances (amazon-ecs-agent agent/app/agent_capability.go,
# externalUnsupportedCapabilities): a task definition requiring one never runs there.
EXTERNAL_LACKS = frozenset((
    "ecs.capability.task-eni", "ecs.capability.cni-plugin-version", "ecs.capability.task-eni.ipv6", "ecs.capability.task-eni-block-instance-metadata",
    "ecs.capability.task-eni-trunking", "ecs.capability.aws-appmesh", "ecs.capability.task-eia", "ecs.capability.task-eia.optimized-cpu",
    "ecs.capability.service-connect-v1", "ecs.capability.storage.ebs-task-volume-attach", "ecs.capability.fault-injection",
))
_EXTERNAL_UNSUPPORTED = {
    "networkConfiguration": "network_configuration: EXTERNAL instances do not support awsvpc networking",
    "loadBalancers": "load_balancers: EXTERNAL services cannot use Elastic Load Balancing",
    "serviceRegistries": "service_registries: EXTERNAL services cannot use Cloud Map service discovery",
    "role": "role: EXTERNAL services take no IAM role (it is for load balancers)",
    "platformVersion": "platform_version: only for Fargate, not for EXTERNAL",
    "capacityProviderStrategy": "capacity_provider_strategy: EXTERNAL instances are not in capacity providers; use launch_type EXTERNAL alone",
}


def option_errors(params):
    errors = []
    if params["scheduling_strategy"] == "DAEMON":
        if params["desired_count"] is not None:
            errors.append("desired_count: a DAEMON service runs one task per instance; leave desired_count unset")
        if params["placement_strategy"]:
            errors.append("placement_strategy: not allowed with scheduling_strategy DAEMON")
    return errors


def external_errors(settings, task_definition):
    """What ECS Anywhere cannot run, found before any call that writes."""
    if settings.get("launchType") != "EXTERNAL":
        return []
    errors = [message for field, message in _EXTERNAL_UNSUPPORTED.items() if settings.get(field)]
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


def _role_name(role):
    return role.rsplit("/", 1)[-1] if role else role


def plan_changes(desired, service):
    """Top-level members whose desired value differs from the service's; only what the user set counts."""
    desired = comparable(desired)
    current = comparable(current_settings(service, desired))
    if "role" in desired:
        desired = dict(desired, role=_role_name(desired["role"]))
        current = dict(current, role=_role_name(current.get("role")))
    changed = sorted({path.split(".")[0].split("[")[0] for path in differences(desired, current, subset=True)})
    return changed, {member: current.get(member) for member in changed}, {member: desired[member] for member in changed}


def refusals(params, settings, service, task_definition):
    """What ECS would refuse of the settings (the launch type the service has counts), each naming its option."""
    launch_type = settings.get("launchType") or (service or {}).get("launchType")
    errors = external_errors(dict(settings, launchType=launch_type), task_definition)
    errors.extend(network_errors(dict(settings, launchType=launch_type), task_definition, creating=not service))
    if not service:
        if "taskDefinition" not in settings:
            errors.append(f"task_definition: required to create service {params['name']}")
        if params["scheduling_strategy"] != "DAEMON" and params["desired_count"] is None:
            errors.append(f"desired_count: required to create REPLICA service {params['name']}")
    return errors


def plan_present(params, settings, service):
    """Create the service, update what differs, or replace it (force_replace) when a member UpdateService cannot change differs."""
    if not service:
        return Plan({}, dict(settings, tags=params["tags"] or {}), [("create_service", settings)])
    changed, before, after = plan_changes(settings, service)
    immutable = [member for member in changed if member in immutable_fields()]
    if immutable and not params["force_replace"]:
        names = ", ".join(OPTION_OF_FIELD.get(member, member) for member in immutable)
        raise Refused(f"{names}: cannot be changed on existing service {params['name']}; set force_replace: true to delete and recreate it",
                      changed_fields=option_names(immutable))
    current_tags = tags_to_dict(service.get("tags"))
    to_set, to_unset = tag_changes(current_tags, params["tags"], params["purge_tags"])
    if to_set or to_unset:
        before["tags"], after["tags"] = current_tags, tags_after(current_tags, to_set, to_unset)
    if immutable:
        wanted = dict(settings_for_replace(service), **settings)
        if wanted.get("schedulingStrategy") == "DAEMON":
            wanted.pop("desiredCount", None)  # DescribeServices counts a DAEMON's tasks; CreateService refuses a count for one
        return Plan(before, after, [("replace_service", (wanted, after.get("tags", current_tags)))])
    calls = []
    update = {member: settings[member] for member in changed}
    if params["force_new_deployment"]:
        # Always a change: UpdateService is sent with forceNewDeployment, and changed_fields says so.
        after["forceNewDeployment"] = update["forceNewDeployment"] = True
    if update:
        calls.append(("update_service", update))
    if to_set or to_unset:
        calls.append(("update_tags", (to_set, to_unset)))
    return Plan(before, after, calls)


def plan_absent(service):
    if not service:
        return Plan()
    return Plan({"service": service["serviceName"]}, {}, [("delete_service", service.get("schedulingStrategy"))])


def option_names(members):
    """The options that set CreateService ``members`` (``desiredCount`` -> ``desired_count``), sorted."""
    return sorted(OPTION_OF_FIELD.get(member, snake_case_key(member)) for member in members)


def changed_fields(plan):
    """The options whose CreateService members differ (with force_new_deployment when asked): the module's changed_fields."""
    return option_names(set(plan.after) - {"tags"})
