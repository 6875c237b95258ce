"""ECS's limits on what a request may ask, checked before moto sees it (moto takes most of these, or answers 500).

Each check reads the request as sent (JSON) and, where a limit counts what exists, the backend. The
sources are in README.md ("ECS: limits"); wordings AWS does not document are ours.
"""

import json
import re

from moto.core.exceptions import JsonRESTError, ServiceException
from moto.core.responses import BaseResponse
from moto.ecs.exceptions import EcsClientException, InvalidParameterException

from . import iam

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,255}$")  # clusters, services, task definition families, container names
ATTRIBUTE_NAME = re.compile(r"^[a-zA-Z0-9_./\\-]{1,128}$")
ATTRIBUTE_VALUE = re.compile(r"^[a-zA-Z0-9_.@/\\: -]{1,128}$")
REVISION = re.compile(r"^(arn:[^:]+:ecs:[^:]+:\d+:task-definition/)?[a-zA-Z0-9_-]{1,255}(:[1-9]\d*)?$")
MAX_TAGS = 50
MAX_CUSTOM_ATTRIBUTES = 10
MAX_RUN_TASK = 10
AGENT_ATTRIBUTE_PREFIXES = ("ecs.", "com.amazonaws.ecs.")  # reported by the agent; the others are custom
INTEGER_MEMBERS = ("cpu", "memory", "memoryReservation")


def _names(what, value):
    if value is not None and not NAME.match(str(value)):
        raise InvalidParameterException(f"{what} can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens; got '{value}'.")


def check_tags(tags, key_name="key", value_name="value"):
    """AWS's tag restrictions ("Tagging your Amazon ECS resources"): 50 per resource, lengths, the reserved aws: prefix."""
    tags = tags or []
    if len(tags) > MAX_TAGS:
        raise InvalidParameterException(f"A resource can have at most {MAX_TAGS} tags; {len(tags)} given.")
    for tag in tags:
        key, value = tag.get(key_name) or "", tag.get(value_name) or ""
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise InvalidParameterException(f"Tag keys must have 1 to 128 characters and values at most 256: '{key}'.")
        if key.lower().startswith("aws:") or value.lower().startswith("aws:"):
            raise InvalidParameterException(f"Tag keys and values may not start with aws: (reserved for AWS use): '{key}'.")


def _percent(config, member):
    value = (config or {}).get(member)
    if value is not None and value < 0:
        raise InvalidParameterException(f"deploymentConfiguration.{member} must not be negative; got {value}.")


def _service(params):
    if params.get("desiredCount") is not None and params["desiredCount"] < 0:
        raise InvalidParameterException(f"desiredCount must not be negative; got {params['desiredCount']}.")
    _percent(params.get("deploymentConfiguration"), "maximumPercent")
    _percent(params.get("deploymentConfiguration"), "minimumHealthyPercent")


def _container(container, index):
    for member in INTEGER_MEMBERS:
        value = container.get(member)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise JsonRESTError("SerializationException", f"containerDefinitions[{index}].{member}: expected a number, got {json.dumps(value)}.")
        if value is not None and value < 0:
            raise EcsClientException(f"containerDefinitions[{index}].{member} must not be negative; got {value}.")
    for mapping in container.get("portMappings") or []:
        for member in ("containerPort", "hostPort"):
            port = mapping.get(member)
            if port is not None and not 0 <= port <= 65535:
                raise EcsClientException(f"Invalid {member} {port} in container {container.get('name')}: ports are 0 to 65535.")


def _task_definition(params, _backend, _response=None):
    _names("family", params.get("family"))
    containers = params.get("containerDefinitions") or []
    if not containers:
        raise EcsClientException("Container list cannot be empty.")
    names = [container.get("name") for container in containers]
    for index, container in enumerate(containers):
        _names(f"containerDefinitions[{index}].name", container.get("name"))
        _container(container, index)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise EcsClientException(f"Container names must be unique within a task definition: {', '.join(duplicates)}.")
    check_tags(params.get("tags"))


def _describe_task_definition(params, _backend, _response=None):
    reference = params.get("taskDefinition") or ""
    if not REVISION.match(reference):
        raise EcsClientException(f"Invalid revision number or task definition name: {reference}.")


def _run_task(params, _backend, _response=None):
    count = params.get("count", 1)
    if not 1 <= count <= MAX_RUN_TASK:
        raise InvalidParameterException(f"count must be between 1 and {MAX_RUN_TASK}; got {count}.")
    check_tags(params.get("tags"))


def _create_cluster(params, backend, _response=None):
    _names("clusterName", params.get("clusterName"))
    check_tags(params.get("tags"))
    del backend


def _create_service(params, _backend, _response=None):
    _names("serviceName", params.get("serviceName"))
    _service(params)
    check_tags(params.get("tags"))


def _update_service(params, _backend, _response=None):
    _service(params)


def _tag_resource(params, backend, _response=None):
    check_tags(params.get("tags"))
    try:
        current = {tag["key"] for tag in backend.list_tags_for_resource(params.get("resourceArn"))}
    except Exception:  # pylint: disable=broad-except  # an unknown resource is moto's error to give
        return
    if len(current | {tag.get("key") for tag in params.get("tags") or []}) > MAX_TAGS:
        raise InvalidParameterException(f"A resource can have at most {MAX_TAGS} tags.")


def _put_attributes(params, backend, _response=None):
    for attribute in params.get("attributes") or []:
        name, value = attribute.get("name") or "", attribute.get("value")
        if not ATTRIBUTE_NAME.match(name):
            raise InvalidParameterException(
                f"Attribute name '{name}' is not valid: up to 128 letters, numbers, hyphens, underscores, slashes, back slashes or periods."
            )
        if value is not None and (not ATTRIBUTE_VALUE.match(value) or value != value.strip()):
            raise InvalidParameterException(f"Attribute value '{value}' of {name} is not valid.")
    cluster = params.get("cluster") or "default"
    additions = {}
    for attribute in params.get("attributes") or []:
        target = (attribute.get("targetId") or "").rsplit("/", 1)[-1]
        additions.setdefault(target, set()).add(attribute.get("name"))
    for target, names in additions.items():
        instance = backend.container_instances.get(cluster.rsplit("/", 1)[-1], {}).get(target)
        if instance is None:
            continue
        custom = {name for name in list(instance.attributes) + list(names) if not name.startswith(AGENT_ATTRIBUTE_PREFIXES)}
        if len(custom) > MAX_CUSTOM_ATTRIBUTES:
            # The exception's documentation in botocore's model, as AWS words it.
            raise JsonRESTError("AttributeLimitExceededException", "You can apply up to 10 custom attributes for each resource.")


def _register_container_instance(params, backend, response):
    """One managed instance is a container instance of one cluster at a time (wording ours)."""
    if params.get("instanceIdentityDocument") or params.get("containerInstanceArn"):
        return
    session = iam.session_of(response.get_access_key())
    if session is None:
        return
    instance_id, cluster = session[0].session_name, (params.get("cluster") or "default").rsplit("/", 1)[-1]
    for name, instances in backend.container_instances.items():
        for instance in instances.values():
            if name != cluster and instance.ec2_instance_id == instance_id and instance.status in ("ACTIVE", "DRAINING"):
                raise EcsClientException(f"Managed instance {instance_id} is already a container instance of cluster {name}; deregister it there first.")


CHECKS = {
    "RegisterContainerInstance": _register_container_instance,
    "RegisterTaskDefinition": _task_definition,
    "DescribeTaskDefinition": _describe_task_definition,
    "RunTask": _run_task,
    "CreateCluster": _create_cluster,
    "CreateService": _create_service,
    "UpdateService": _update_service,
    "TagResource": _tag_resource,
    "PutAttributes": _put_attributes,
}


def check(response):
    """Refuse an ECS request beyond ECS's limits (an HTTPException moto turns into the JSON error)."""
    if response.__dict__.get("unreadable_request"):
        raise JsonRESTError("SerializationException", f"The request could not be read: {response.__dict__['unreadable_request']}")
    if response.service_name != "ecs":
        return
    action_check = CHECKS.get(response._get_action())  # pylint: disable=protected-access
    if action_check is None:
        return
    try:
        params = json.loads(response.body or "{}")
    except ValueError:
        return
    try:
        action_check(params, response.ecs_backend, response)
    except ServiceException as err:
        # Raised before the action's method, where moto serialises only HTTP exceptions: the same JSON error.
        raise JsonRESTError(err.code, err.message) from err


def install():
    parse = BaseResponse.parse_parameters

    def parse_parameters(self, request):
        # A value of the wrong type (memory "lots") made moto fail with 500 before any action; AWS answers 400.
        try:
            parse(self, request)
        except (ValueError, TypeError) as err:
            self.params = {}
            self.__dict__["unreadable_request"] = str(err)

    BaseResponse.parse_parameters = parse_parameters
    original = BaseResponse._authenticate_and_authorize_normal_action  # pylint: disable=protected-access

    def authorize_then_check(self, resource="*"):
        original(self, resource)
        check(self)

    BaseResponse._authenticate_and_authorize_normal_action = authorize_then_check  # pylint: disable=protected-access
