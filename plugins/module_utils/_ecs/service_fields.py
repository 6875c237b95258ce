# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_service's options, declared once: the table from which the request, the option names in errors and the comparison come.

A row: the option, the CreateService member it sets (and the DescribeServices key it is read back from, when that differs),
whether the list's order means nothing to ECS (set-like), what AWS fills in when it is left out (laid under each list entry,
or under the mapping), and whether UpdateService can change it. Sources: botocore's ECS model (CreateService,
UpdateService, DescribeServices), and the ECS API Reference for the defaults and for deploymentController, which
UpdateService takes but ECS refuses to change on a service that has one.
"""

from collections import namedtuple

from ..compare import canonical
from .options import PLACEMENT_ARGUMENT_SPEC
from .options import request_from_options

Field = namedtuple("Field", "option member set_like aws_default updatable read_as")
Field.__new__.__defaults__ = (False, None, True, None)

FIELDS = (
    Field("task_definition", "taskDefinition"),
    Field("launch_type", "launchType", updatable=False),
    Field("capacity_provider_strategy", "capacityProviderStrategy", set_like=True, aws_default={"weight": 0, "base": 0}),
    Field("placement_constraints", "placementConstraints", set_like=True),
    # Strategies apply in the order given.
    Field("placement_strategy", "placementStrategy"),
    Field("network_configuration", "networkConfiguration", aws_default={"awsvpcConfiguration": {"assignPublicIp": "DISABLED"}}),
    Field("platform_version", "platformVersion"),
    Field("enable_execute_command", "enableExecuteCommand"),
    Field("enable_ecs_managed_tags", "enableECSManagedTags"),
    Field("propagate_tags", "propagateTags"),
    Field("desired_count", "desiredCount"),
    Field("deployment_configuration", "deploymentConfiguration"),
    Field("deployment_controller", "deploymentController", updatable=False),
    Field("scheduling_strategy", "schedulingStrategy", updatable=False),
    Field("health_check_grace_period_seconds", "healthCheckGracePeriodSeconds"),
    Field("load_balancers", "loadBalancers", set_like=True),
    Field("service_registries", "serviceRegistries", set_like=True),
    Field("role", "role", updatable=False, read_as="roleArn"),
)
# The module's options (documented in ecs_service's DOCUMENTATION); the placement options are ecs_task's too.
SERVICE_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True, aliases=["service"]),
    cluster=dict(type="str", default="default"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    task_definition=dict(type="str"),
    desired_count=dict(type="int"),
    scheduling_strategy=dict(type="str", choices=["REPLICA", "DAEMON"]),
    deployment_configuration=dict(
        type="dict",
        options=dict(
            maximum_percent=dict(type="int"),
            minimum_healthy_percent=dict(type="int"),
            deployment_circuit_breaker=dict(type="dict", options=dict(enable=dict(type="bool", required=True), rollback=dict(type="bool", required=True))),
            alarms=dict(
                type="dict",
                options=dict(
                    alarm_names=dict(type="list", elements="str", required=True),
                    enable=dict(type="bool", required=True),
                    rollback=dict(type="bool", required=True),
                ),
            ),
        ),
    ),
    deployment_controller=dict(type="dict", options=dict(type=dict(type="str", required=True, choices=["ECS", "CODE_DEPLOY", "EXTERNAL"]))),
    load_balancers=dict(
        type="list", elements="dict",
        options=dict(
            target_group_arn=dict(type="str"),
            load_balancer_name=dict(type="str"),
            container_name=dict(type="str", required=True),
            container_port=dict(type="int", required=True),
        ),
    ),
    service_registries=dict(
        type="list", elements="dict",
        options=dict(
            registry_arn=dict(type="str", required=True),
            port=dict(type="int"),
            container_name=dict(type="str"),
            container_port=dict(type="int"),
        ),
    ),
    role=dict(type="str"),
    health_check_grace_period_seconds=dict(type="int"),
    propagate_tags=dict(type="str", choices=["TASK_DEFINITION", "SERVICE", "NONE"]),
    force_new_deployment=dict(type="bool", default=False),
    force_replace=dict(type="bool", default=False),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=600),
)
SERVICE_ARGUMENT_SPEC.update(PLACEMENT_ARGUMENT_SPEC)
BY_MEMBER = {field.member: field for field in FIELDS}
# Option name -> CreateService member, and back for error messages.
SERVICE_FIELDS = {field.option: field.member for field in FIELDS}
OPTION_OF_FIELD = {field.member: field.option for field in FIELDS}


def immutable_fields():
    """The CreateService members UpdateService cannot change."""
    return sorted(field.member for field in FIELDS if not field.updatable)


def desired_settings(params):
    """The service settings the user set, as CreateService spells them. Unset options are left to AWS."""
    return request_from_options(params, SERVICE_FIELDS)


def _under(default, value):
    """``value`` with AWS's ``default`` filled in where it is left out (under each entry of a list)."""
    if isinstance(value, list):
        return [_under(default, item) for item in value]
    if isinstance(default, dict) and isinstance(value, dict):
        merged = {key: _under(default.get(key), item) for key, item in value.items()}
        merged.update({key: item for key, item in default.items() if key not in value})
        return merged
    return value


def comparable(settings):
    """Settings with AWS's defaults filled in and set-like lists sorted, so a user's shorter spelling compares equal."""
    result = {}
    for member, value in settings.items():
        field = BY_MEMBER.get(member)
        if field is not None and field.aws_default is not None:
            value = _under(field.aws_default, value)
        if field is not None and field.set_like and isinstance(value, list):
            value = sorted(value, key=canonical)
        result[member] = value
    return result


def current_settings(service, members):
    """The service's values for ``members`` (as DescribeServices has them), spelled as CreateService takes them."""
    current = {}
    for member in members:
        field = BY_MEMBER.get(member)
        value = service.get((field.read_as if field else None) or member)
        if value is not None:
            current[member] = value
    return current


def settings_for_replace(current):
    """What the replaced service had and the user did not set: carried over so a replacement changes only what was asked."""
    return {member: value for member, value in current_settings(current, BY_MEMBER).items() if value not in ([], {})}
