# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules AWS states that botocore's model does not encode, one table per resource, checked before any call.

A rule is a function of one value that returns what is wrong with it, or None. Each resource has one table,
option path -> rule; a path names options the way messages do (``load_balancers[].container_port`` checks every
element). The source of each rule is beside it. validate.py checks what botocore's model does encode.
"""

import re

from .validate import RequestValidationError

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_REVISION = re.compile(r"^([A-Za-z0-9_-]{1,255}):(-?\d+)$")
_TASK_DEFINITION_ARN = re.compile(r"^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition/([A-Za-z0-9_-]{1,255}):(-?\d+)$")
_ECS_ARN = re.compile(r"^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:[a-z-]+/\S+$")
_MANAGED_INSTANCE_ID = re.compile(r"^mi-[0-9a-f]{17}$")
_ACTIVATION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_NAME_OR_ARN = re.compile(f"{_NAME.pattern}|{_ECS_ARN.pattern}")
_ROLE = re.compile(r"^(arn:aws[a-z-]*:iam::\d{12}:role/)?([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")


def name():
    """ECS names (CreateCluster clusterName, CreateService serviceName, RegisterTaskDefinition family, ContainerDefinition name):
    "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed." (ECS API reference)."""
    return matches(_NAME, "1 to 255 letters, numbers, hyphens and underscores", MUST_BE)


def name_or_arn():
    """A cluster or service named by name or by ARN (ECS API reference: "The short name or full Amazon Resource Name (ARN)")."""
    return matches(_NAME_OR_ARN, "a name (1 to 255 letters, numbers, hyphens and underscores) or an ARN", MUST_BE)


def task_definition_reference():
    """``family``, ``family:revision`` or an ARN (ECS CreateService/RunTask taskDefinition); revisions start at 1
    (RegisterTaskDefinition: "The first task definition that's registered into a family is given a revision number of 1")."""

    def rule(value):
        if not isinstance(value, str):
            return f"expected a family, family:revision or ARN, got {value!r}"
        match = _REVISION.match(value) or _TASK_DEFINITION_ARN.match(value)
        if match:
            return None if int(match.group(2)) >= 1 else f"revision must be at least 1, got {value!r}"
        return None if _NAME.match(value) else f"expected a family, family:revision or ARN, got {value!r}"

    return rule


def between(low, high=None):
    """A number within AWS's documented range."""

    def rule(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None  # the argument spec or botocore's model reports the type
        if value < low:
            return f"must be at least {low}, got {value!r}"
        if high is not None and value > high:
            return f"must be at most {high}, got {value!r}"
        return None

    return rule


EXPECTED = "expected {says}, got {value!r}"
MUST_BE = "must be {says}, got {value!r}"


def matches(pattern, says, message=EXPECTED):
    """A string matching ``pattern`` (a compiled regular expression); ``says`` is what ``message`` calls it."""

    def rule(value):
        if not isinstance(value, str) or not pattern.match(value):
            return message.format(says=says, value=value)
        return None

    return rule


def not_empty():
    """An empty string is not a value: AWS refuses it, or takes it as something else (no role, no name)."""

    def rule(value):
        if isinstance(value, str) and not value.strip():
            return "must not be empty"
        return None

    return rule


def tags(maximum):
    """Tags as a dict: at most ``maximum``, keys 1-128 and values 0-256 characters, no ``aws:`` prefix.

    ECS Tag: "Maximum number of tags per resource - 50", "Maximum key length - 128 Unicode characters",
    "Maximum value length - 256 Unicode characters", "Do not use aws:, AWS:, or any upper or lowercase combination of
    such as a prefix for either keys or values as it is reserved for Amazon Web Services use" (ECS API reference, Tag).
    SSM Tag: Key 1-128, Value 0-256 (botocore's model), keys starting with aws: are reserved (SSM AddTagsToResource).
    """

    def rule(value):
        if not isinstance(value, dict):
            return None
        if len(value) > maximum:
            return f"must have at most {maximum} element(s), got {len(value)}"
        # Named as the tag list AWS takes ([index].key), as botocore's own checks name them.
        for index, (key, item) in enumerate(value.items()):
            key = str(key)
            if not key:
                return f"[{index}].key: must have at least 1 character(s)"
            if len(key) > 128:
                return f"[{index}].key: must have at most 128 character(s), got {len(key)}"
            if key.lower().startswith("aws:"):
                return f"[{index}].key: {key!r} starts with aws:, which AWS reserves"
            if item is not None and len(str(item)) > 256:
                return f"[{index}].value: must have at most 256 character(s), got {len(str(item))}"
        return None

    return rule


def unique(field):
    """Elements of a list of mappings that repeat ``field`` (ECS: container names are unique within a task definition)."""

    def rule(value):
        if not isinstance(value, list):
            return None
        seen = set()
        for index, item in enumerate(value):
            key = item.get(field) if isinstance(item, dict) else None
            if key is not None and key in seen:
                return f"[{index}].{field}: must be unique, {key!r} is used by an earlier element"
            seen.add(key)
        return None

    return rule


ECS_TAGS = tags(50)
SSM_TAGS = tags(1000)  # botocore: CreateActivation Tags max 1000; AddTagsToResource allows 1000 per resource
PORT = between(0, 65535)  # PortMapping, LoadBalancer, ServiceRegistry ports: TCP/UDP port range
NOT_NEGATIVE = between(0)
STRATEGY_WEIGHT = between(0, 1000)  # CapacityProviderStrategyItem weight: "between 0 and 1000"
STRATEGY_BASE = between(0, 100000)  # CapacityProviderStrategyItem base: "between 0 and 100000"
MANAGED_INSTANCE_ID = matches(_MANAGED_INSTANCE_ID, "a managed instance id (mi- and 17 hexadecimal digits)")  # SSM InstanceId
ACTIVATION_ID = matches(_ACTIVATION_ID, "an activation id (a UUID)")  # SSM ActivationId pattern in botocore's model
IAM_ROLE = matches(_ROLE, "an IAM role name (up to 64 characters) or role ARN")  # CreateActivation IamRole: a role, max 64


def _values(params, path):
    """(concrete path, value) for an option path; ``[]`` walks every element of a list; unset values are left out."""
    found = [("", params)]
    for segment in path.split("."):
        every = segment.endswith("[]")
        key = segment[:-2] if every else segment
        next_found = []
        for where, value in found:
            if not isinstance(value, dict) or value.get(key) is None:
                continue
            child = f"{where}.{key}" if where else key
            if every and isinstance(value[key], list):
                next_found.extend((f"{child}[{index}]", item) for index, item in enumerate(value[key]) if item is not None)
            elif not every:
                next_found.append((child, value[key]))
        found = next_found
    return found


def rule_errors(table, params):
    """Every option of ``params`` that breaks a rule of ``table`` (option path -> rule or list of rules), path first."""
    errors = []
    for path, rules in table.items():
        for where, value in _values(params, path):
            for rule in rules if isinstance(rules, (list, tuple)) else [rules]:
                problem = rule(value)
                if problem:
                    # A rule about a member of the value names it: ".expression: ..." or "[1].name: ...".
                    errors.append(f"{where}{problem}" if problem.startswith((".", "[")) else f"{where}: {problem}")
                    break
    return errors


def refuse_broken_rules(table, params, more_errors=()):
    """Raise RequestValidationError naming every option that breaks a rule of ``table`` (and ``more_errors``, rules across options)."""
    errors = rule_errors(table, params) + list(more_errors)
    if errors:
        raise RequestValidationError(errors)


def at_most_items(maximum):
    """A list of at most ``maximum`` elements."""

    def rule(value):
        if isinstance(value, list) and len(value) > maximum:
            return f"must have at most {maximum} element(s), got {len(value)}"
        return None

    return rule


def not_empty_list():
    def rule(value):
        return "must have at least one element" if isinstance(value, list) and not value else None

    return rule


def needs(kind, field):
    """A placement rule of type ``kind`` that needs ``field`` (PlacementConstraint memberOf needs an expression,
    PlacementStrategy spread a field: ECS API reference, PlacementConstraint and PlacementStrategy)."""

    def rule(value):
        if isinstance(value, dict) and value.get("type") == kind and not value.get(field):
            return f".{field}: is required with type {kind}"
        return None

    return rule


def capacity_provider_name():
    """CreateCapacityProvider name: "up to 255 characters ... letters, numbers, underscores, and hyphens. The name can't
    be prefixed with "aws", "ecs", or "fargate"." (ECS API reference)."""

    def rule(value):
        problem = name()(value)
        if problem:
            return problem
        if value.lower().startswith(("aws", "ecs", "fargate")):
            return f"cannot start with aws, ecs or fargate, got {value!r}"
        return None

    return rule


def memory_or_cpu(unit):
    """Task-level cpu and memory: "an integer using CPU units (1024) or as a string using vCPUs (1 vCPU)", memory
    "an integer using MiB (1024) or as a string using GB (1GB or 1 GB)" (RegisterTaskDefinition, ECS API reference)."""
    pattern = re.compile(r"^\s*(\d+(\.\d*)?|\.\d+)\s*(" + unit + r")?\s*$", re.IGNORECASE)

    def rule(value):
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or (isinstance(value, str) and pattern.match(value))):
            return f"expected a number or a string such as '1 {unit.split('|')[0]}', got {value!r}"
        return None

    return rule


# AWS's task ids are 32 hexadecimal digits; the API reference does not fix the form, and the local endpoint (moto) uses UUIDs.
_ID = r"([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_TASK_ID = re.compile(r"^(" + _ID + r"|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task/([A-Za-z0-9_-]{1,255}/)?" + _ID + r")$")
TASK_REFERENCE = matches(_TASK_ID, "a task id or task ARN")  # ECS StopTask task: "The task ID or full ARN of the task to stop"
TASK_DEFINITION_ARN = matches(_TASK_DEFINITION_ARN, "a task definition ARN ending in family:revision")  # DeregisterTaskDefinition
WAIT_TIMEOUT = between(1)  # seconds to wait: a wait of none or less is a mistake, not a value
PLACEMENT_RULES = {
    "placement_constraints": at_most_items(10),  # CreateService/RunTask: "maximum of 10 constraints"
    "placement_constraints[]": needs("memberOf", "expression"),
    "placement_strategy": at_most_items(5),  # CreateService/RunTask: "maximum of 5 strategy rules"
    "placement_strategy[]": needs("spread", "field"),
    "capacity_provider_strategy[].capacity_provider": name(),
    "capacity_provider_strategy[].weight": STRATEGY_WEIGHT,
    "capacity_provider_strategy[].base": STRATEGY_BASE,
}

# One table per resource: option path -> rule(s). Sources are on the rules above.
ECS_CLUSTER_RULES = {
    "name": name(),
    "tags": ECS_TAGS,
    "capacity_providers[]": name(),
    "default_capacity_provider_strategy[].capacity_provider": name(),
    "default_capacity_provider_strategy[].weight": STRATEGY_WEIGHT,
    "default_capacity_provider_strategy[].base": STRATEGY_BASE,
    "wait_timeout": WAIT_TIMEOUT,
}
# Its name (capacity_provider_name's rule, with a word for FARGATE and FARGATE_SPOT) is checked by ecs_capacity_provider itself.
ECS_CAPACITY_PROVIDER_RULES = {"tags": ECS_TAGS, "wait_timeout": WAIT_TIMEOUT}
ECS_SERVICE_RULES = dict(
    PLACEMENT_RULES,
    name=name(),
    cluster=name_or_arn(),
    task_definition=task_definition_reference(),
    desired_count=NOT_NEGATIVE,
    health_check_grace_period_seconds=NOT_NEGATIVE,
    role=[not_empty(), IAM_ROLE],
    tags=ECS_TAGS,
    wait_timeout=WAIT_TIMEOUT,
    **{
        "deployment_configuration.maximum_percent": NOT_NEGATIVE,
        "deployment_configuration.minimum_healthy_percent": NOT_NEGATIVE,
        "load_balancers[].container_port": PORT,
        "service_registries[].port": PORT,
        "service_registries[].container_port": PORT,
    },
)
ECS_TASK_RULES = dict(
    PLACEMENT_RULES,
    cluster=name_or_arn(),
    task_definition=task_definition_reference(),
    tags=ECS_TAGS,
    wait_timeout=WAIT_TIMEOUT,
    **{"tasks[]": TASK_REFERENCE},
)
ECS_TASK_DEFINITION_RULES = {
    "definition.family": name(),
    "family": name(),
    "definition.containerDefinitions": [not_empty_list(), unique("name")],
    "definition.containerDefinitions[].name": name(),
    "definition.containerDefinitions[].portMappings[].containerPort": PORT,
    "definition.containerDefinitions[].portMappings[].hostPort": PORT,
    "definition.containerDefinitions[].memory": between(1),
    "definition.containerDefinitions[].memoryReservation": between(1),
    "definition.containerDefinitions[].cpu": NOT_NEGATIVE,
    "definition.memory": memory_or_cpu("GB|MB|MiB|GiB"),
    "definition.cpu": memory_or_cpu("vCPU"),
    "tags": ECS_TAGS,
    "revision": between(1),
    "arn": TASK_DEFINITION_ARN,
}
ECS_CONTAINER_INSTANCE_RULES = {"cluster": name_or_arn()}
SSM_ACTIVATION_RULES = {"name": not_empty(), "iam_role": [not_empty(), IAM_ROLE], "tags": SSM_TAGS, "id": ACTIVATION_ID}
# Its tags are checked by _ssm/managed_instance.py's normalize_tags (the same rules, before any call).
SSM_MANAGED_INSTANCE_RULES = {"instance_ids[]": MANAGED_INSTANCE_ID, "names[]": not_empty()}
# _info modules: a malformed identifier is refused by name rather than silently matching nothing.
ECS_CLUSTER_INFO_RULES = {"names[]": name_or_arn()}
ECS_CAPACITY_PROVIDER_INFO_RULES = {"names[]": name_or_arn()}
ECS_SERVICE_INFO_RULES = {"cluster": name_or_arn(), "names[]": name_or_arn()}
ECS_TASK_DEFINITION_INFO_RULES = {"task_definitions[]": task_definition_reference()}
SSM_ACTIVATION_INFO_RULES = {"ids[]": ACTIVATION_ID}
# DescribeInstanceInformation also lists EC2 instances (i- ids) that run the agent.
_ANY_INSTANCE_ID = re.compile(r"^(mi-[0-9a-f]{17}|i-[0-9a-f]{8}([0-9a-f]{9})?)$")
SSM_MANAGED_INSTANCE_INFO_RULES = {"instance_ids[]": matches(_ANY_INSTANCE_ID, "a managed (mi-) or EC2 (i-) instance id")}
ECS_CONTAINER_INSTANCE_INFO_RULES = {"cluster": name_or_arn(), "instances[]": not_empty()}


def ecs_cluster_cross_errors(params):
    """Rules across options of a cluster, checked before the first write of the run.

    PutClusterCapacityProviders: "The specified capacity provider strategy cannot contain a capacity provider that is not
    associated with the cluster"; ExecuteCommandConfiguration: logConfiguration "must be specified when logging is OVERRIDE".
    """
    errors = []
    providers = params.get("capacity_providers")
    if providers is not None:
        for index, item in enumerate(params.get("default_capacity_provider_strategy") or []):
            if item.get("capacity_provider") not in providers:
                errors.append(f"default_capacity_provider_strategy[{index}].capacity_provider: {item.get('capacity_provider')!r} is not in capacity_providers")
    execute = params.get("execute_command_configuration") or {}
    if execute.get("logging") == "OVERRIDE" and not execute.get("log_configuration"):
        errors.append("execute_command_configuration.log_configuration: is required with logging OVERRIDE")
    return errors


def task_definition_cross_errors(params):
    """EXTERNAL supports the network modes bridge, host and none (ECS Anywhere: "awsvpc network mode isn't supported")."""
    definition = params.get("definition") or {}
    if "EXTERNAL" in (definition.get("requiresCompatibilities") or []) and definition.get("networkMode") == "awsvpc":
        return ["definition.networkMode: EXTERNAL supports bridge, host and none, not awsvpc"]
    return []
