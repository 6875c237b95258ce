"""Where a task may go: what it reserves, which container instances may take it, which one first.

Plain functions over moto's objects (TaskDefinition, ContainerInstance), shared by RunTask,
StartTask and the service scheduler:

* ``requirements``: CPU units, MiB and static host ports a task reserves (task-level ``cpu`` and
  ``memory`` when given, else the containers' ``cpu`` and ``memoryReservation`` or ``memory``).
* ``rejection``: why an instance cannot take a task, as AWS words it in RunTask's ``failures``
  (``AGENT``, ``MemberOf placement constraint unsatisfied``, ``RESOURCE:MEMORY``, ...).
* ``choose``: the instance a placement strategy (spread, binpack, random) picks among those left.
* ``compile_expression``: ``memberOf`` expressions of the cluster query language (attributes,
  ``ec2InstanceId``, ``agentConnected``, ``agentVersion``; ``==``, ``!=``, ``in``, ``not_in``,
  ``exists``, ``!exists``, ``=~``, ``!~``, ``and``, ``or``, ``not``, parentheses).
"""

import fnmatch
import functools
import re

from moto.ecs.exceptions import InvalidParameterException

EXTERNAL_ATTRIBUTE = "ecs.capability.external"
AGENT = "AGENT"
ATTRIBUTE = "ATTRIBUTE"
MEMBER_OF = "MemberOf placement constraint unsatisfied"
DISTINCT_INSTANCE = "DistinctInstance placement constraint unsatisfied"
CONSTRAINT_TYPES = ("distinctInstance", "memberOf")
STRATEGY_TYPES = ("random", "spread", "binpack")
# Without a strategy, tasks are spread over instances: placements are then even and repeatable.
DEFAULT_STRATEGY = ({"type": "spread", "field": "instanceId"},)
UNITS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(vcpu|gb)?\s*$", re.IGNORECASE)
TOKENS = re.compile(r"\s*(\(|\)|\[|\]|,|==|!=|=~|!~|>=|<=|>|<|&&|\|\||[^\s()\[\],]+)")


def is_external(container_instance):
    """An ECS Anywhere instance: the agent reports the external capability."""
    return EXTERNAL_ATTRIBUTE in container_instance.attributes


def failures(rejections):
    """RunTask's ``failures`` for instances that could not take a task: the instance, or none for a constraint."""
    result = []
    for instance, reason in rejections.items():
        entry = {"arn": None if reason in (MEMBER_OF, DISTINCT_INSTANCE) else instance.container_instance_arn, "reason": reason}
        if entry not in result:
            result.append(entry)
    return result


# -- what a task reserves ---------------------------------------------------------------------


def requirements(definition):
    """{'CPU': units, 'MEMORY': MiB, 'PORTS': [...], 'PORTS_UDP': [...]} a task of ``definition`` reserves."""
    containers = definition.container_definitions
    cpu = _units(definition.cpu) if definition.cpu else sum(int(container.get("cpu") or 0) for container in containers)
    if definition.memory:
        memory = _units(definition.memory)
    else:
        memory = sum(int(container.get("memoryReservation") or container.get("memory") or 0) for container in containers)
    ports = {"tcp": [], "udp": []}
    for container in containers:
        for binding in static_bindings(container, definition.network_mode):
            ports[binding["protocol"]].append(str(binding["hostPort"]))
    attributes = [item["name"] for item in getattr(definition, "requires_attributes", None) or []]
    return {"CPU": cpu, "MEMORY": memory, "PORTS": ports["tcp"], "PORTS_UDP": ports["udp"], "ATTRIBUTES": attributes}


def static_bindings(container, network_mode):
    """The host ports a container binds whatever the instance: static ``hostPort``s, every port in host mode."""
    if network_mode not in ("bridge", "host"):
        return []  # awsvpc tasks have their own interface; "none" has no ports
    bindings = []
    for mapping in container.get("portMappings") or []:
        host_port = mapping.get("hostPort") or (mapping.get("containerPort") if network_mode == "host" else None)
        if host_port:
            protocol = mapping.get("protocol", "tcp")
            bindings.append({"bindIP": "0.0.0.0", "containerPort": mapping.get("containerPort"), "hostPort": host_port, "protocol": protocol})
    return bindings


def _units(value):
    """Task-level cpu or memory as ECS counts it: "1 vCPU" is 1024 units, "1 GB" 1024 MiB, "512" is 512."""
    match = UNITS.match(str(value))
    if match is None:
        raise InvalidParameterException(f"Invalid value '{value}' for task cpu or memory.")
    number = float(match.group(1))
    return int(number * 1024) if match.group(2) else int(number)


# -- an instance's remaining resources ----------------------------------------------------------


def reset(instance):
    """Forget every reservation: remaining resources as registered, no tasks."""
    instance.remaining_resources = [_copy(resource) for resource in instance.registered_resources]
    instance.running_tasks_count = 0
    instance.pending_tasks_count = 0


def reserve(instance, needs):
    for resource in instance.remaining_resources:
        if resource["name"] in ("CPU", "MEMORY"):
            resource["integerValue"] -= needs.get(resource["name"], 0)
        elif resource["name"] in ("PORTS", "PORTS_UDP"):
            resource["stringSetValue"] = list(resource.get("stringSetValue") or []) + [str(port) for port in needs.get(resource["name"], [])]
    instance.running_tasks_count += 1


def release(instance, needs):
    for resource in instance.remaining_resources:
        if resource["name"] in ("CPU", "MEMORY"):
            resource["integerValue"] += needs.get(resource["name"], 0)
        elif resource["name"] in ("PORTS", "PORTS_UDP"):
            ports = list(resource.get("stringSetValue") or [])
            for port in needs.get(resource["name"], []):
                if str(port) in ports:
                    ports.remove(str(port))
            resource["stringSetValue"] = ports
    instance.running_tasks_count -= 1


def _copy(resource):
    copy = dict(resource)
    if "stringSetValue" in copy:
        copy["stringSetValue"] = list(copy["stringSetValue"])
    return copy


def _remaining(instance, name):
    resource = next((resource for resource in instance.remaining_resources if resource["name"] == name), None)
    if resource is None:
        return [] if name.startswith("PORTS") else 0  # an instance that did not report a resource has none of it
    if name.startswith("PORTS"):
        return resource.get("stringSetValue") or []
    return resource.get("integerValue", 0)


# -- may this instance take the task? -----------------------------------------------------------


def rejection(instance, needs, constraints, neighbours=0):
    """Why ``instance`` cannot take a task (a RunTask failure reason), or None.

    ``neighbours``: live tasks of the same group already on the instance (for distinctInstance).
    """
    if not instance.agent_connected:
        return AGENT
    if any(name not in instance.attributes for name in needs.get("ATTRIBUTES", [])):
        return ATTRIBUTE  # requiresAttributes of the task definition the instance lacks
    reason = constraint_rejection(instance, constraints, neighbours)
    if reason:
        return reason
    for name in ("MEMORY", "CPU"):
        if needs.get(name, 0) > _remaining(instance, name):
            return f"RESOURCE:{name}"
    for name in ("PORTS", "PORTS_UDP"):
        if set(needs.get(name, [])) & set(_remaining(instance, name)):
            return f"RESOURCE:{name}"
    return None


def constraint_rejection(instance, constraints, neighbours=0):
    for constraint in constraints:
        if constraint["type"] == "distinctInstance" and neighbours:
            return DISTINCT_INSTANCE
        if constraint["type"] == "memberOf" and not compile_expression(constraint["expression"])(instance):
            return MEMBER_OF
    return None


def check_constraints(constraints):
    """The constraints as given, after AWS's checks (type, expression)."""
    for constraint in constraints or []:
        if constraint.get("type") not in CONSTRAINT_TYPES:
            raise InvalidParameterException(f"Invalid placement constraint type: {constraint.get('type')}. Valid types: distinctInstance, memberOf.")
        if constraint["type"] == "memberOf":
            if not constraint.get("expression"):
                raise InvalidParameterException("An expression is required for a memberOf placement constraint.")
            compile_expression(constraint["expression"])
        elif constraint.get("expression"):
            raise InvalidParameterException("An expression is only valid for a memberOf placement constraint.")
    return list(constraints or [])


def check_strategy(strategy):
    for item in strategy or []:
        if item.get("type") not in STRATEGY_TYPES:
            raise InvalidParameterException(f"Invalid placement strategy type: {item.get('type')}. Valid types: random, spread, binpack.")
        if item["type"] != "random" and not item.get("field"):
            raise InvalidParameterException(f"A field is required for a {item['type']} placement strategy.")
        if item["type"] == "binpack" and item["field"].lower() not in ("cpu", "memory"):
            raise InvalidParameterException("The binpack placement strategy field must be cpu or memory.")
    return list(strategy or [])


# -- which instance first -------------------------------------------------------------------------


def choose(instances, needs, constraints, strategy, group_counts):
    """(instance, {}) the strategy picks among those that can take the task, else (None, {instance: reason}).

    ``group_counts``: container instance ARN -> live tasks of the task's group on it.
    """
    rejections, eligible = {}, []
    for instance in instances:
        reason = rejection(instance, needs, constraints, group_counts.get(instance.container_instance_arn, 0))
        if reason:
            rejections[instance] = reason
        else:
            eligible.append(instance)
    if not eligible:
        return None, rejections
    return min(eligible, key=lambda instance: _order(instance, instances, strategy or DEFAULT_STRATEGY, group_counts)), {}


def _order(instance, instances, strategy, group_counts):
    key = []
    for item in strategy:
        field = item.get("field", "")
        if item["type"] == "binpack":
            key.append(_remaining(instance, field.upper()))  # the fullest instance first
        elif item["type"] == "spread" and field.startswith("attribute:"):
            name = field.split(":", 1)[1]
            same = [other for other in instances if other.attributes.get(name) == instance.attributes.get(name)]
            key.append(sum(group_counts.get(other.container_instance_arn, 0) for other in same))
        elif item["type"] == "spread":  # instanceId, host
            key.append(group_counts.get(instance.container_instance_arn, 0))
    return tuple(key)


# -- memberOf expressions -------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)  # services check the same few expressions on every pass
def compile_expression(expression):
    """A predicate over container instances for a cluster query language expression."""
    tokens = TOKENS.findall(expression)
    if "".join(tokens) != re.sub(r"\s+", "", expression):
        raise _invalid(expression)
    parser = _Parser(tokens, expression)
    predicate = parser.disjunction()
    if parser.position != len(tokens):
        raise _invalid(expression)
    return predicate


def _invalid(expression):
    return InvalidParameterException(f"Invalid expression: {expression}")


class _Parser:
    """Recursive descent over the tokens: or > and > not > comparison."""

    def __init__(self, tokens, expression):
        self.tokens = tokens
        self.expression = expression
        self.position = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise _invalid(self.expression)
        self.position += 1
        return token

    def disjunction(self):
        terms = [self.conjunction()]
        while self.peek() in ("or", "||"):
            self.take()
            terms.append(self.conjunction())
        return lambda instance: any(term(instance) for term in terms)

    def conjunction(self):
        terms = [self.negation()]
        while self.peek() in ("and", "&&"):
            self.take()
            terms.append(self.negation())
        return lambda instance: all(term(instance) for term in terms)

    def negation(self):
        if self.peek() in ("not", "!"):
            self.take()
            term = self.negation()
            return lambda instance: not term(instance)
        if self.peek() == "(":
            self.take()
            term = self.disjunction()
            if self.take() != ")":
                raise _invalid(self.expression)
            return term
        return self.comparison()

    def comparison(self):
        subject = _subject(self.take(), self.expression)
        operator = self.take()
        if operator in ("exists", "!exists", "not_exists"):
            present = operator == "exists"
            return lambda instance: (subject(instance) is not _ABSENT) == present
        if operator in ("in", "!in", "not_in"):
            values = self.values()
            inside = operator == "in"
            return lambda instance: (_text(subject(instance)) in values) == inside
        test = _COMPARISONS.get(operator)
        if test is None:
            raise _invalid(self.expression)
        value = self.take().strip("'\"")
        return lambda instance: test(_text(subject(instance)), value)

    def values(self):
        if self.take() not in ("[", "("):
            raise _invalid(self.expression)
        values = []
        while self.peek() not in ("]", ")"):
            token = self.take()
            if token != ",":
                values.append(token.strip("'\""))
        self.take()
        return values


_ABSENT = object()


def _subject(token, expression):
    """The value an expression's subject names on an instance (_ABSENT when it has none)."""
    if token.startswith("attribute:"):
        name = token.split(":", 1)[1]
        return lambda instance: instance.attributes.get(name, _ABSENT)
    fixed = {
        "ec2InstanceId": lambda instance: instance.ec2_instance_id,
        "agentConnected": lambda instance: str(bool(instance.agent_connected)).lower(),
        "agentVersion": lambda instance: (instance.version_info or {}).get("agentVersion", _ABSENT),
    }
    if token not in fixed:
        raise _invalid(expression)
    return fixed[token]


def _text(value):
    return None if value is _ABSENT or value is None else str(value)


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _compare_numbers(left, right, test):
    left, right = _number(left), _number(right)
    return left is not None and right is not None and test(left, right)


_COMPARISONS = {
    "==": lambda left, right: left is not None and fnmatch.fnmatchcase(left, right),
    "equals": lambda left, right: left is not None and fnmatch.fnmatchcase(left, right),
    "!=": lambda left, right: left is None or not fnmatch.fnmatchcase(left, right),
    "not_equals": lambda left, right: left is None or not fnmatch.fnmatchcase(left, right),
    "=~": lambda left, right: left is not None and re.search(right, left) is not None,
    "matches": lambda left, right: left is not None and re.search(right, left) is not None,
    "!~": lambda left, right: left is None or re.search(right, left) is None,
    "not_matches": lambda left, right: left is None or re.search(right, left) is None,
    ">": lambda left, right: _compare_numbers(left, right, lambda a, b: a > b),
    ">=": lambda left, right: _compare_numbers(left, right, lambda a, b: a >= b),
    "<": lambda left, right: _compare_numbers(left, right, lambda a, b: a < b),
    "<=": lambda left, right: _compare_numbers(left, right, lambda a, b: a <= b),
}
