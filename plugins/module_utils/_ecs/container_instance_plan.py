# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS container instances, the pure part: custom attributes and the plan of ecs_container_instance."""

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ..errors import Refused

# ECS allows at most 10 custom attributes on a resource.
CUSTOM_ATTRIBUTES_PER_INSTANCE = 10
EXTERNAL_INSTANCE_PREFIX = "mi-"  # ECS Anywhere instances are SSM managed instances: ec2InstanceId is their mi- id
STATUS_OF_STATE = {"active": "ACTIVE", "draining": "DRAINING"}
# The only statuses UpdateContainerInstancesState moves between.
SWITCHABLE = ("ACTIVE", "DRAINING")
# Attributes ECS and its agent set themselves; never purged.
BUILTIN_ATTRIBUTE_PREFIXES = ("ecs.", "com.amazonaws.ecs.")
# The characters AWS documents for attribute names and values (the Attribute data type).
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_./\\-]{1,128}$")
ATTRIBUTE_VALUE = re.compile(r"^[A-Za-z0-9_.@/\\: -]{1,128}$")


def container_instance_id(container_instance):
    """The container instance id: the last part of its ARN (``container-instance/<cluster>/<id>``, or ``/<id>`` in the old form)."""
    return parse_aws_arn(container_instance["containerInstanceArn"])["resource_id"].rsplit("/", 1)[-1]


def label(container_instance):
    """How an instance is shown: its mi- (or EC2) id, else its container instance id."""
    return container_instance.get("ec2InstanceId") or container_instance_id(container_instance)


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


def is_external(container_instance):
    """Whether a container instance is an ECS Anywhere (EXTERNAL) one."""
    return container_instance.get("ec2InstanceId", "").startswith(EXTERNAL_INSTANCE_PREFIX)
