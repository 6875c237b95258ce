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

from ..compare import canonical
from ..compare import strip_empty
from ..errors import Refused
from ..validate import coerce
from .common import RETRY
from .common import ECSErrorHandler

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
# Lists whose order ECS ignores, by the key they sit under (each key means one thing in the model).
SET_LIKE = frozenset(
    (
        # task definition
        "requiresCompatibilities",
        "placementConstraints",
        "volumes",
        "inferenceAccelerators",
        "properties",  # proxyConfiguration
        # container definition
        "portMappings",
        "environment",
        "secrets",
        "mountPoints",
        "volumesFrom",
        "links",
        "dependsOn",
        "extraHosts",
        "ulimits",
        "systemControls",
        "dockerSecurityOptions",
        "resourceRequirements",
        "credentialSpecs",
        "secretOptions",  # logConfiguration
        "ignoredExitCodes",  # restartPolicy
        "add",  # linuxParameters.capabilities
        "drop",
        "devices",  # linuxParameters
        "permissions",
        "tmpfs",
        "mountOptions",
    )
)
# Container flags whose default is false; AWS may or may not echo an explicit false.
CONTAINER_FALSE_DEFAULTS = ("disableNetworking", "privileged", "readonlyRootFilesystem", "interactive", "pseudoTerminal")
HEALTH_CHECK_DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3}
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


def _drop_default(mapping, key, default):
    if key in mapping and mapping[key] == default:
        del mapping[key]


def _default_network_mode(definition):
    """What AWS uses when networkMode is left out (None on Windows, where Docker's default is NAT)."""
    if "FARGATE" in (definition.get("requiresCompatibilities") or []):
        return "awsvpc"
    os_family = (definition.get("runtimePlatform") or {}).get("operatingSystemFamily") or "LINUX"
    return "bridge" if os_family == "LINUX" else None


def _normalise_port_mapping(mapping, network_mode):
    mapping.setdefault("protocol", "tcp")
    if "containerPortRange" in mapping:
        return
    if network_mode in ("awsvpc", "host"):
        mapping.setdefault("hostPort", mapping.get("containerPort"))
    elif network_mode == "bridge":
        # Left out or 0: a dynamic host port; AWS returns 0.
        mapping.setdefault("hostPort", 0)


def _normalise_linux_parameters(parameters):
    _drop_default(parameters, "initProcessEnabled", False)


def _normalise_container(container, network_mode):
    container.setdefault("essential", True)
    container.setdefault("cpu", 0)
    for key in CONTAINER_FALSE_DEFAULTS:
        _drop_default(container, key, False)
    _drop_default(container, "versionConsistency", "enabled")
    for mapping in container.get("portMappings") or []:
        if isinstance(mapping, dict):
            _normalise_port_mapping(mapping, network_mode)
    for key in ("mountPoints", "volumesFrom"):
        for item in container.get(key) or []:
            if isinstance(item, dict):
                _drop_default(item, "readOnly", False)
    health_check = container.get("healthCheck")
    if isinstance(health_check, dict):
        for key, default in HEALTH_CHECK_DEFAULTS.items():
            health_check.setdefault(key, default)
        _drop_default(health_check, "startPeriod", 0)
    if isinstance(container.get("linuxParameters"), dict):
        _normalise_linux_parameters(container["linuxParameters"])


def _normalise_volume(volume):
    _drop_default(volume, "configuredAtLaunch", False)
    docker = volume.get("dockerVolumeConfiguration")
    if isinstance(docker, dict):
        docker.setdefault("scope", "task")
        _drop_default(docker, "autoprovision", False)
    efs = volume.get("efsVolumeConfiguration")
    if isinstance(efs, dict):
        efs.setdefault("rootDirectory", "/")
        efs.setdefault("transitEncryption", "DISABLED")
        authorization = efs.get("authorizationConfig")
        if isinstance(authorization, dict):
            authorization.setdefault("iam", "DISABLED")
            if authorization == {"iam": "DISABLED"}:
                del efs["authorizationConfig"]


def _sort_key(item):
    # Named items (environment, volumes, ulimits ...) read best in name order.
    name = item.get("name", item.get("containerName", item.get("sourceVolume", ""))) if isinstance(item, dict) else ""
    return str(name), canonical(item)


def _sort_set_like(value):
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            item = _sort_set_like(item)
            if key in SET_LIKE and isinstance(item, list):
                item = sorted(item, key=_sort_key)
            result[key] = item
        return result
    if isinstance(value, list):
        return [_sort_set_like(item) for item in value]
    return value


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
    _drop_default(result, "enableFaultInjection", False)
    for container in result.get("containerDefinitions") or []:
        if isinstance(container, dict):
            _normalise_container(container, result.get("networkMode"))
    for volume in result.get("volumes") or []:
        if isinstance(volume, dict):
            _normalise_volume(volume)
    result = _sort_set_like(strip_empty(result))
    if isinstance(result.get("containerDefinitions"), list):
        result["containerDefinitions"] = sorted(result["containerDefinitions"], key=_sort_key)
    return result


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
