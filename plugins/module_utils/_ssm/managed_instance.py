# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSM managed (``mi-``) instances: finding them by id, name or filter, their tags, deregistration.

Shared by ssm_managed_instance, ssm_managed_instance_info and ecs_container_instance
(which finds container instances by the host name their SSM agent reports).
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ..errors import Refused
from ..plan import Plan
from .common import RETRY
from .common import SSMErrorHandler

MANAGED_INSTANCE_ID = re.compile(r"^mi-[0-9a-f]{17}$")
# ResourceType of hybrid (on-premises) instances, in DescribeInstanceInformation and in tagging calls.
MANAGED_INSTANCE = "ManagedInstance"
PING_STATUSES = ("Online", "ConnectionLost", "Inactive")
# DescribeInstanceInformation filter keys (other than tags) and the InstanceInformation field each compares.
FILTER_FIELDS = {
    "InstanceIds": "InstanceId",
    "PingStatus": "PingStatus",
    "ResourceType": "ResourceType",
    "ActivationIds": "ActivationId",
    "IamRole": "IamRole",
    "AgentVersion": "AgentVersion",
    "PlatformTypes": "PlatformType",
    "SourceIds": "SourceId",
    "SourceTypes": "SourceType",
    "AssociationStatus": "AssociationStatus",
}
# What the diff shows of an instance that is deregistered.
DIFF_FIELDS = (("name", "Name"), ("computer_name", "ComputerName"), ("ip_address", "IPAddress"), ("ping_status", "PingStatus"))
# What the module options map to, as DescribeInstanceInformation's Filters spell them.
FILTER_OPTIONS = (
    ("instance_ids", "InstanceIds"),
    ("ping_status", "PingStatus"),
    ("resource_type", "ResourceType"),
    ("activation_ids", "ActivationIds"),
)


# The Tag shape of SSM's model: 1 to 128 characters for a key, up to 256 for a value, of letters, separators,
# digits and _ . : / = + - @ (Java's \p{L}\p{Z}\p{N}, approximated with Python's \w and \s).
TAG_CHARACTERS = re.compile(r"^[\w\s.:/=+\-@]*$")
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256


def is_managed_instance_id(value):
    return bool(MANAGED_INSTANCE_ID.match(value or ""))


def _values(value):
    """A filter value as AWS takes it: a list of strings."""
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def build_filters(params):
    """DescribeInstanceInformation Filters from the options that set them; errors name the option.

    ``params`` may hold instance_ids, ping_status, resource_type, activation_ids, tags (a filter:
    each key must have one of the given values) and filters (any AWS filter key, as AWS spells it).
    """
    filters = {}
    errors = []
    for option, key in FILTER_OPTIONS:
        value = params.get(option)
        if value:
            filters[key] = _values(value)
    for index, instance_id in enumerate(params.get("instance_ids") or []):
        if not is_managed_instance_id(instance_id):
            errors.append(f"instance_ids[{index}]: {instance_id!r} is not a managed instance id (mi- and 17 hexadecimal digits)")
    for key, value in (params.get("tags") or {}).items():
        if value is None or _values(value) == []:
            errors.append(f"tags.{key}: give the value (or a list of values) the tag must have")
            continue
        filters[f"tag:{key}"] = _values(value)
    for key, value in (params.get("filters") or {}).items():
        if key in filters:
            errors.append(f"filters.{key}: already set by another option")
            continue
        if value is None or _values(value) == []:
            errors.append(f"filters.{key}: needs at least one value")
            continue
        filters[key] = _values(value)
    if errors:
        raise Refused("; ".join(errors))
    return [{"Key": key, "Values": values} for key, values in filters.items()]


def normalize_tags(tags):
    """(tags with string values, as AWS stores them, errors naming each bad tag). None: tags not managed."""
    if tags is None:
        return None, []
    normalized, errors = {}, []
    for key, value in tags.items():
        value = "" if value is None else str(value)
        if not key or len(key) > TAG_KEY_MAX:
            errors.append(f"tags.{key}: a key has 1 to {TAG_KEY_MAX} characters")
        elif key.lower().startswith("aws:"):
            errors.append(f"tags.{key}: keys starting with aws: are reserved by AWS")
        elif not TAG_CHARACTERS.match(key):
            errors.append(f"tags.{key}: a key has letters, digits, spaces and _ . : / = + - @ only")
        elif len(value) > TAG_VALUE_MAX:
            errors.append(f"tags.{key}: a value has at most {TAG_VALUE_MAX} characters, got {len(value)}")
        elif not TAG_CHARACTERS.match(value):
            errors.append(f"tags.{key}: a value has letters, digits, spaces and _ . : / = + - @ only")
        else:
            normalized[key] = value
    return normalized, errors


def matches_name(info, name):
    """Whether ``name`` names the managed instance: its SSM name, its host name (full or short) or its IP address."""
    wanted = (name or "").lower()
    computer = (info.get("ComputerName") or "").lower()
    candidates = {(info.get("Name") or "").lower(), computer, info.get("IPAddress") or ""}
    if "." not in wanted and computer:
        candidates.add(computer.split(".")[0])
    candidates.discard("")
    return bool(wanted) and wanted in candidates


def select_by_names(instances, names):
    """(the instances some name names, the names that name none). No names: every instance."""
    if not names:
        return list(instances), []
    selected = [info for info in instances if any(matches_name(info, name) for name in names)]
    missing = [name for name in names if not any(matches_name(info, name) for info in instances)]
    return selected, missing


def find(client, filters, instance_ids=None, names=None):
    """(the instances ``filters`` and ``names`` select, the ids and names that select none)."""
    found = describe_instances(client, filters)
    selected, missing = select_by_names(found, names)
    registered = {info["InstanceId"] for info in found}
    return selected, [instance_id for instance_id in instance_ids or [] if instance_id not in registered] + missing


def host_lookup(client, names):
    """For host names: ({name: [mi- ids it names]}, {mi- id: host name}) from one listing of hybrid instances."""
    found = describe_instances(client, [{"Key": "ResourceType", "Values": [MANAGED_INSTANCE]}])
    ids = {name: [info["InstanceId"] for info in found if matches_name(info, name)] for name in names}
    hosts = {info["InstanceId"]: info.get("ComputerName") or info.get("Name") for info in found}
    return ids, hosts


def is_tag_filter(key):
    return key == "tag-key" or key.startswith("tag:")


def split_filters(filters):
    """(the filters to send, the filters to apply to the answer).

    AWS refuses tag filters combined with other filter types ("Tag filters can't be combined with
    other filter types"); then the tag filters are sent and the others applied here, field by field.
    """
    tags = [item for item in filters if is_tag_filter(item["Key"])]
    others = [item for item in filters if not is_tag_filter(item["Key"])]
    if not tags or not others:
        return list(filters), []
    unknown = [item["Key"] for item in others if item["Key"] not in FILTER_FIELDS]
    if unknown:
        raise Refused(
            f"filters.{unknown[0]}: AWS does not combine tag filters with other filters, and this one the module cannot apply itself;"
            f" use one of {', '.join(FILTER_FIELDS)} or no tag filter"
        )
    return tags, others


def apply_filters(instances, filters):
    """The instances whose fields match every filter (any of its values), as AWS would match them."""
    return [info for info in instances if all(info.get(FILTER_FIELDS[item["Key"]]) in item["Values"] for item in filters)]


def describe_instances(client, filters):
    """Every instance that matches ``filters`` (all pages)."""
    sent, here = split_filters(filters)
    return apply_filters(_describe_instances(client, sent), here)


@SSMErrorHandler.common_error_handler("describe managed instances (DescribeInstanceInformation)")
def _describe_instances(client, filters):
    params = {"Filters": filters} if filters else {}
    return paginated_query_with_retries(client, "describe_instance_information", retry_decorator=RETRY, **params)["InstanceInformationList"]


@SSMErrorHandler.list_error_handler("list tags of managed instance {instance_id} (ListTagsForResource)")
def get_tags(client, instance_id):
    """The instance's tags as a dict; None when the instance is gone."""
    result = client.list_tags_for_resource(ResourceType=MANAGED_INSTANCE, ResourceId=instance_id, aws_retry=True)
    return boto3_tag_list_to_ansible_dict(result.get("TagList") or [])


@SSMErrorHandler.common_error_handler("tag managed instance {instance_id} (AddTagsToResource)")
def add_tags(client, instance_id, tags):
    client.add_tags_to_resource(ResourceType=MANAGED_INSTANCE, ResourceId=instance_id, Tags=ansible_dict_to_boto3_tag_list(tags), aws_retry=True)


@SSMErrorHandler.common_error_handler("untag managed instance {instance_id} (RemoveTagsFromResource)")
def remove_tags(client, instance_id, keys):
    client.remove_tags_from_resource(ResourceType=MANAGED_INSTANCE, ResourceId=instance_id, TagKeys=list(keys), aws_retry=True)


@SSMErrorHandler.deletion_error_handler("deregister managed instance {instance_id} (DeregisterManagedInstance)")
def deregister(client, instance_id):
    """Deregister; False when it was gone already."""
    client.deregister_managed_instance(InstanceId=instance_id, aws_retry=True)
    return True


def plan_calls(instances, current_tags, state, desired_tags, purge_tags):
    """What to do to the selected instances: a Plan whose diff shows each changed instance.

    ``calls``: ``("deregister_managed_instance", instance id)`` or ``("tag_managed_instance", (instance id, tags to set, keys to unset))``.
    ``current_tags`` maps instance ids to their tags (read only when tags are managed).
    """
    calls, before, after = [], {}, {}
    for info in instances:
        instance_id = info["InstanceId"]
        if state == "absent":
            calls.append(("deregister_managed_instance", instance_id))
            before[instance_id] = {key: info.get(field) for key, field in DIFF_FIELDS if info.get(field) is not None}
            continue
        if desired_tags is None:
            continue
        tags = current_tags.get(instance_id) or {}
        to_set, to_unset = compare_aws_tags(tags, desired_tags, purge_tags=purge_tags)
        if to_set or to_unset:
            calls.append(("tag_managed_instance", (instance_id, to_set, to_unset)))
            before[instance_id] = {"tags": tags}
            after[instance_id] = {"tags": updated_tags(tags, to_set, to_unset)}
    return Plan(before, after, calls)


def updated_tags(tags, to_set, to_unset):
    merged = dict(tags, **to_set)
    return {key: value for key, value in merged.items() if key not in to_unset}
