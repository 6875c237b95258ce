# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Task definitions: the normaliser that decides "new revision or not", and the ECS calls.

``normalise`` turns a RegisterTaskDefinition request, or the ``taskDefinition`` that
DescribeTaskDefinition returns, into one comparable form:

- types as botocore's model has them (``"128"`` -> 128, top-level ``cpu: 256`` -> ``"256"``,
  ``"1 vCPU"`` -> ``"1024"``, ``"0.5 GB"`` -> ``"512"``, as AWS converts them);
- what AWS adds dropped (ARN, revision, status, compatibilities, requiresAttributes, times);
- AWS defaults filled in (``essential: true``, container ``cpu: 0``, ``protocol: tcp``, the
  host port the network mode implies, health check timings, ...) and defaults that AWS may or
  may not echo dropped (``false`` flags, ``versionConsistency: enabled``);
- empty lists, empty mappings and nulls dropped (AWS returns ``volumes: []`` for none);
- lists whose order means nothing to ECS sorted; containers matched by name.

Which fields are set-like and what AWS fills in is one table, ``task_definition_fields.FIELDS``.

Order is kept where it means something: ``command``, ``entryPoint`` (argv), ``dnsServers``
and ``dnsSearchDomains`` (resolver order) and ``environmentFiles`` (read top down, so their
order decides which value of a repeated variable wins).
"""

import copy
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ..compare import strip_empty
from ..errors import Refused
from ..validate import coerce
from .common import RETRY
from .common import ECSErrorHandler
from .task_definition_fields import apply_defaults
from .task_definition_fields import sort_set_like

REGISTER = "RegisterTaskDefinition"
# Fields DescribeTaskDefinition adds that a RegisterTaskDefinition request cannot carry.
READ_ONLY_FIELDS = (
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "deleteRequestedAt",
)
# AWS accepts these units for the task-level cpu and memory and stores plain numbers.
_VCPU = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*vcpu\s*$", re.IGNORECASE)
_GB = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*gb\s*$", re.IGNORECASE)
_ARN = re.compile(r"^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition/(?P<family>[^:/]+):(?P<revision>\d+)$")


# -- pure helpers ----------------------------------------------------------------------------


def parse_reference(reference):
    """(family, revision) of an ARN, ``family:revision`` or ``family`` (revision None)."""
    match = _ARN.match(reference or "")
    if match:
        return match.group("family"), int(match.group("revision"))
    name = (reference or "").rsplit("/", 1)[-1]
    family, sep, revision = name.partition(":")
    if sep and revision.isdigit():
        return family, int(revision)
    return name, None


def _units(value, pattern):
    """A task-level size given with AWS's unit (vCPU or GB) in the unit AWS stores (1/1024)."""
    if isinstance(value, str):
        match = pattern.match(value)
        if match:
            return str(int(round(float(match.group(1)) * 1024)))
    return value


def _drop_none(value):
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


def _default_network_mode(definition):
    """What AWS uses when networkMode is left out (None on Windows, where Docker's default is NAT)."""
    if "FARGATE" in (definition.get("requiresCompatibilities") or []):
        return "awsvpc"
    os_family = (definition.get("runtimePlatform") or {}).get("operatingSystemFamily") or "LINUX"
    return "bridge" if os_family == "LINUX" else None


def _host_port(mapping, network_mode):
    """The host port the network mode implies, where it is left out."""
    if "containerPortRange" in mapping:
        return
    if network_mode in ("awsvpc", "host"):
        mapping.setdefault("hostPort", mapping.get("containerPort"))
    elif network_mode == "bridge":
        # Left out or 0: a dynamic host port; AWS returns 0.
        mapping.setdefault("hostPort", 0)


def normalise(definition, shape):
    """The comparable form of a task definition (a request or what DescribeTaskDefinition returns).

    ``shape`` is RegisterTaskDefinition's input shape. Tags are compared apart, so they are left out.
    """
    if not definition:
        return {}
    wanted = {key: copy.deepcopy(value) for key, value in definition.items() if key in shape.members and key != "tags"}
    result = coerce(_drop_none(wanted), shape)
    result["cpu"] = _units(result.get("cpu"), _VCPU)
    result["memory"] = _units(result.get("memory"), _GB)
    if not result.get("networkMode"):
        result["networkMode"] = _default_network_mode(result)
    apply_defaults(result)
    for container in result.get("containerDefinitions") or []:
        for mapping in (container.get("portMappings") or []) if isinstance(container, dict) else []:
            if isinstance(mapping, dict):
                _host_port(mapping, result.get("networkMode"))
    return sort_set_like(strip_empty(result))


def request_from_definition(definition, family=None):
    """The RegisterTaskDefinition request a ``definition`` option asks for, and what was left out of it.

    Returns (request, ignored keys). Fields only AWS sets (pasted from describe-task-definition
    output) are ignored rather than refused. Raises Refused when the families disagree or
    none is given.
    """
    request = _drop_none(dict(definition or {}))
    ignored = sorted(key for key in READ_ONLY_FIELDS if key in request)
    for key in ignored:
        del request[key]
    given = request.get("family")
    if family and given and family != given:
        raise Refused(f"family: the option says {family!r} but definition.family says {given!r}")
    if not (family or given):
        raise Refused("family: is required, in the family option or in definition.family")
    request["family"] = given or family
    return request, ignored


def merge_tags(definition_tags, option_tags):
    """The tags asked for as a dict (None: tags left alone); the tags option wins over definition.tags."""
    if definition_tags is None and option_tags is None:
        return None
    tags = {}
    for tag in definition_tags or []:
        if isinstance(tag, dict) and "key" in tag:
            tags[tag["key"]] = tag.get("value", "")
    tags.update(option_tags or {})
    return tags


def tag_list(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, tag_name_key_name="key", tag_value_key_name="value")


def tag_dict(tags):
    return boto3_tag_list_to_ansible_dict(tags or [], tag_name_key_name="key", tag_value_key_name="value")


def revisions_to_deregister(active_arns, keep_last, new_revision_pending=False):
    """Of the ACTIVE revisions' ARNs, those beyond the newest ``keep_last`` (one more pending counts)."""
    newest_first = sorted(active_arns, key=lambda arn: parse_reference(arn)[1] or 0, reverse=True)
    keep = keep_last - 1 if new_revision_pending else keep_last
    return newest_first[max(keep, 0):]


# -- ECS calls -------------------------------------------------------------------------------


# In check mode an earlier task of the play may only have predicted the registration of the task definition.
NOT_YET = "task_definition: {name} names no ACTIVE task definition yet; check mode assumes an earlier task registers it."


@ECSErrorHandler.common_error_handler("describe task definition {reference}")
def describe_task_definition(client, reference):
    """(taskDefinition, tags as a dict) or (None, None) when ECS will not describe it.

    ECS answers ClientException for a family with no ACTIVE revision, and for an INACTIVE
    revision that nothing runs.
    """
    try:
        result = client.describe_task_definition(aws_retry=True, taskDefinition=reference, include=["TAGS"])
    except is_boto3_error_code("ClientException"):
        return None, None
    return result["taskDefinition"], tag_dict(result.get("tags"))


@ECSErrorHandler.common_error_handler("list {status} revisions of task definition family {family}")
def list_revision_arns(client, family, status="ACTIVE"):
    """ARNs of a family's revisions in ``status``, newest first (the prefix filter is not trusted to be exact)."""
    arns = paginated_query_with_retries(
        client, "list_task_definitions", retry_decorator=RETRY, familyPrefix=family, status=status, sort="DESC"
    )["taskDefinitionArns"]
    own = [arn for arn in arns if parse_reference(arn)[0] == family]
    return sorted(own, key=lambda arn: parse_reference(arn)[1] or 0, reverse=True)


@ECSErrorHandler.common_error_handler("list task definition families")
def list_families(client, status="ACTIVE"):
    return paginated_query_with_retries(client, "list_task_definition_families", retry_decorator=RETRY, status=status)["families"]


def latest_active(client, family):
    """The family's latest ACTIVE revision and its tags, or (None, None); one call when there is one.

    DescribeTaskDefinition by family returns the latest ACTIVE revision directly; only when
    that fails (or returns something not ACTIVE) is the family listed.
    """
    definition, tags = describe_task_definition(client, family)
    if definition is not None and definition.get("status") == "ACTIVE":
        return definition, tags
    active = list_revision_arns(client, family)
    if not active:
        return None, None
    return describe_task_definition(client, active[0])


@ECSErrorHandler.common_error_handler("register a revision of task definition family {request[family]}")
def register_task_definition(client, request):
    result = client.register_task_definition(aws_retry=True, **request)
    return result["taskDefinition"], tag_dict(result.get("tags"))


@ECSErrorHandler.common_error_handler("deregister task definition {arn}")
def deregister_task_definition(client, arn):
    return client.deregister_task_definition(aws_retry=True, taskDefinition=arn)["taskDefinition"]


@ECSErrorHandler.common_error_handler("tag task definition {arn}")
def tag_task_definition(client, arn, tags):
    client.tag_resource(aws_retry=True, resourceArn=arn, tags=tag_list(tags))


@ECSErrorHandler.common_error_handler("untag task definition {arn}")
def untag_task_definition(client, arn, keys):
    client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=list(keys))
