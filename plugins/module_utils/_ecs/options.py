# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Argument specs shared by the modules that place tasks (ecs_service, ecs_task).

Documented once in the doc fragment ``hybridops.ecs_anywhere.placement``.
"""

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ..compare import strip_empty

PLACEMENT_ARGUMENT_SPEC = dict(
    launch_type=dict(type="str", choices=["EC2", "FARGATE", "EXTERNAL"]),
    capacity_provider_strategy=dict(
        type="list",
        elements="dict",
        options=dict(capacity_provider=dict(type="str", required=True), weight=dict(type="int", default=0), base=dict(type="int", default=0)),
    ),
    placement_constraints=dict(
        type="list",
        elements="dict",
        options=dict(type=dict(type="str", required=True, choices=["distinctInstance", "memberOf"]), expression=dict(type="str")),
    ),
    placement_strategy=dict(
        type="list",
        elements="dict",
        options=dict(type=dict(type="str", required=True, choices=["random", "spread", "binpack"]), field=dict(type="str")),
    ),
    network_configuration=dict(
        type="dict",
        options=dict(
            subnets=dict(type="list", elements="str", required=True),
            security_groups=dict(type="list", elements="str"),
            assign_public_ip=dict(type="str", choices=["ENABLED", "DISABLED"]),
        ),
    ),
    platform_version=dict(type="str"),
    enable_execute_command=dict(type="bool"),
    enable_ecs_managed_tags=dict(type="bool"),
)
PLACEMENT_MUTUALLY_EXCLUSIVE = [("launch_type", "capacity_provider_strategy")]

# Option name -> RunTask/CreateService member, where the two are spelled alike.
PLACEMENT_FIELDS = {
    "task_definition": "taskDefinition",
    "launch_type": "launchType",
    "capacity_provider_strategy": "capacityProviderStrategy",
    "placement_constraints": "placementConstraints",
    "placement_strategy": "placementStrategy",
    "network_configuration": "networkConfiguration",
    "platform_version": "platformVersion",
    "enable_execute_command": "enableExecuteCommand",
    "enable_ecs_managed_tags": "enableECSManagedTags",
    "propagate_tags": "propagateTags",
}


def camel(value):
    """snake_case options to AWS's camelCase, in mappings and lists of mappings."""
    if isinstance(value, dict):
        return snake_dict_to_camel_dict(strip_empty(value))
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def request_from_options(params, fields):
    """The members of a request the user set, spelled as the API takes them; unset options are left to AWS."""
    request = {}
    for option, field in fields.items():
        value = params.get(option)
        if value is None:
            continue
        if option == "network_configuration":
            value = {"awsvpcConfiguration": value}
        request[field] = camel(value)
    return request
