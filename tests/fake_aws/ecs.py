"""ECS where ECS Anywhere needs it and moto differs from AWS.

* Task definitions keep the network mode they were given; ``compatibilities`` is computed as
  AWS computes it (EXTERNAL unless awsvpc, always EC2, FARGATE when required); a bare family
  names its latest ACTIVE revision.
* CreateService and RunTask take launch type EXTERNAL; services.py, tasks.py and scheduler.py
  place, run, move and stop the tasks of services and of RunTask as AWS does.
* RegisterContainerInstance without an instance identity document registers an external
  instance: the caller's credentials are an STS session named after an ``mi-`` managed
  instance (what RequestManagedInstanceRoleToken hands the agent), and ``ec2InstanceId`` is
  that ``mi-`` id, as AWS reports it.  totalResources, versionInfo, attributes and tags are
  kept; re-registration with ``containerInstanceArn`` updates the instance.
* RegisterContainerInstance and DiscoverPollEndpoint are heartbeats: ``agentConnected`` is
  true while the last one is younger than FAKE_AWS_AGENT_TIMEOUT seconds (default 60).
* ``GET /ws`` (SigV4, service ecs) stands for the agent's ACS websocket session: the query
  names clusterArn and containerInstanceArn and carries agentVersion, agentHash and
  dockerVersion, which become the instance's versionInfo (the real agent sends no
  versionInfo in RegisterContainerInstance); each request is a heartbeat.
* Clusters: UpdateClusterSettings, validated settings and configuration, Service Connect
  default namespaces resolved (or created) in Cloud Map, capacity providers checked (capacity.py),
  DeleteCluster refusing while instances, services or tasks are active, deregistered
  instances kept as INACTIVE, tags on container instances.
* Custom attributes: a target is an instance's ARN or id; DeleteAttributes removes an attribute
  by name and target whatever its value (moto: only when the value matched) and answers the
  values it removed; ListAttributes filters by name alone, or by name and value, in one cluster.
"""

import json
import os
import re
from urllib.parse import parse_qs, urlsplit

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs import models as ecs_models
from moto.ecs import urls as ecs_urls
from moto.ecs.exceptions import ClusterNotFoundException, ECSException, EcsClientException, InvalidParameterException, TaskDefinitionNotFoundException
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api._internal import mock_random
from moto.servicediscovery.models import servicediscovery_backends
from moto.sts.models import sts_backends

from . import anywhere, clock, scheduler, ssm, transitions
from .capacity import CapacityProviderResponses, CapacityProvidersBackend
from .idempotency import IdempotentResponses
from .placement import EXTERNAL_ATTRIBUTE
from .reads import ReadResponses
from .services import ServiceResponses
from .tasks import TaskResponses

CONTAINER_INSIGHTS_VALUES = ("enabled", "enhanced", "disabled")
EXEC_LOGGING_VALUES = ("NONE", "DEFAULT", "OVERRIDE")
MANAGED_INSTANCE_ID = re.compile(r"^mi-[0-9a-f]{17}$")
DESCRIBE_INSTANCES_TAGS = "DescribeContainerInstancesResponse.containerInstances.ContainerInstance.tags"
# moto's own Response methods that ours wrap, saved by install().
MOTO_RESPONSE = {}


def agent_timeout():
    """Seconds after the last heartbeat during which a container instance's agent counts as connected."""
    return float(os.environ.get("FAKE_AWS_AGENT_TIMEOUT", "60"))


def compatibilities(network_mode, requires):
    """What AWS reports as a task definition's compatibilities."""
    result = [] if network_mode == "awsvpc" else ["EXTERNAL"]
    result.append("EC2")
    if "FARGATE" in requires:
        result.append("FARGATE")
    return result


def _agent_connected(container_instance):
    if container_instance.status == "INACTIVE":
        return False
    last = container_instance.__dict__.get("last_heartbeat")
    if last is None:  # created without the API (moto's own helpers): as moto reports it
        return container_instance.__dict__.get("_agent_connected", True)
    return clock.monotonic() - last <= agent_timeout()


def _set_agent_connected(container_instance, value):
    container_instance.__dict__["_agent_connected"] = value


def _resource(resource):
    """A Resource as AWS echoes it back, with the numeric defaults filled in."""
    return {"doubleValue": 0.0, "longValue": 0, "integerValue": 0, **resource}


def _copy_resource(resource):
    # Placement changes the remaining copy (ports are appended to its set), never the registered one.
    copy = dict(resource)
    if "stringSetValue" in copy:
        copy["stringSetValue"] = list(copy["stringSetValue"])
    return copy


class ExternalContainerInstance(ecs_models.ContainerInstance):  # pylint: disable=too-many-instance-attributes  # moto's fields
    """A container instance on a managed (``mi-``) instance: nothing of it lives in EC2."""

    def __init__(self, instance_id, cluster_name, backend):  # pylint: disable=super-init-not-called
        # moto's __init__ reads the instance from EC2; an external instance has no EC2 side.
        self.ec2_instance_id = instance_id
        self.agent_connected = True
        self.status = "ACTIVE"
        self.registered_resources = []
        self.remaining_resources = []
        self.pending_tasks_count = 0
        self.running_tasks_count = 0
        self.version_info = {}
        self.attributes = {EXTERNAL_ATTRIBUTE: None}
        self.tags = []
        self.registered_at = utcnow()
        self.region_name = backend.region_name
        self.id = str(mock_random.uuid4())
        self.cluster_name = cluster_name
        self._account_id = backend.account_id
        self._backend = backend


class AnywhereEcsBackend(CapacityProvidersBackend):  # pylint: disable=too-many-public-methods
    """moto's ECS backend with the behaviour ECS Anywhere relies on."""

    @property
    def _url_module(self):
        return ecs_urls  # moto finds a backend's URLs next to its class; ours are moto's

    # -- clusters -------------------------------------------------------------------------

    def _get_cluster(self, name):
        cluster = super()._get_cluster(name or "default")
        if cluster.status == "INACTIVE":  # deleted clusters stay describable, nothing else
            raise ClusterNotFoundException
        self.container_instances.setdefault(cluster.name, {})
        return cluster

    def create_cluster(  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
        self,
        cluster_name,
        tags=None,
        cluster_settings=None,
        configuration=None,
        capacity_providers=None,
        default_capacity_provider_strategy=None,
        service_connect_defaults=None,
    ):
        existing = self.clusters.get(cluster_name or "default")
        if existing is not None and existing.status == "ACTIVE":
            return existing  # CreateCluster of an existing name answers that cluster, unchanged (as AWS does)
        _check_settings(cluster_settings)
        _check_configuration(configuration)
        self._check_capacity_providers(capacity_providers or [], default_capacity_provider_strategy or [])
        cluster = super().create_cluster(
            cluster_name,
            tags,
            cluster_settings,
            configuration,
            capacity_providers or [],
            default_capacity_provider_strategy or [],
            service_connect_defaults=self._service_connect_defaults(service_connect_defaults) or None,
        )
        return cluster

    def update_cluster(self, cluster_name, cluster_settings, configuration, service_connect_defaults):
        _check_settings(cluster_settings)
        _check_configuration(configuration)
        resolved = self._service_connect_defaults(service_connect_defaults)
        cluster = super().update_cluster(cluster_name, cluster_settings, configuration, resolved)
        if resolved == {}:  # namespace "" removes the default, as on AWS
            cluster.service_connect_defaults = None
        return cluster

    def update_cluster_settings(self, cluster_name, settings):
        _check_settings(settings)
        cluster = self._get_cluster(cluster_name)
        merged = {setting["name"]: setting for setting in cluster.settings or []}
        merged.update({setting["name"]: setting for setting in settings})
        cluster.settings = list(merged.values())
        return cluster

    def delete_cluster(self, cluster_str):
        cluster = self._get_cluster(cluster_str)
        if any(ci.status in ("ACTIVE", "DRAINING") for ci in self.container_instances[cluster.name].values()):
            raise ECSException("ClusterContainsContainerInstancesException", "The Cluster cannot be deleted while Container Instances are active or draining.")
        if any(service.cluster_name == cluster.name and service.status in ("ACTIVE", "DRAINING") for service in self.services.values()):
            raise ECSException("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.")
        if any(task.last_status != "STOPPED" for task in self.tasks.get(cluster.name, {}).values()):  # stopping ones too
            raise ECSException("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        if [name for name in cluster.capacity_providers or [] if name.rsplit("/", 1)[-1] not in ("FARGATE", "FARGATE_SPOT")]:
            # Auto Scaling group providers hold the cluster (botocore: ClusterContainsCapacityProviderException).
            raise ECSException(
                "ClusterContainsCapacityProviderException", "The cluster contains one or more capacity providers that prevent the requested operation."
            )
        return super().delete_cluster(cluster_str)

    def _service_connect_defaults(self, requested):
        """{'namespace': ARN} for a namespace name or ARN (created when new), {} to remove, None to keep."""
        if requested is None:
            return None
        name = requested.get("namespace") or ""
        if not name:
            return {}
        cloud_map = servicediscovery_backends[self.account_id][self.region_name]
        namespace = next((ns for ns in cloud_map.namespaces.values() if name in (ns.arn, ns.name)), None)
        if namespace is None and name.startswith("arn:"):
            raise ECSException("NamespaceNotFoundException", f"Namespace {name} not found.")
        if namespace is None:
            # A new name makes ECS create an HTTP ("API calls") namespace in Cloud Map.
            cloud_map.create_http_namespace(name, creator_request_id=None, description="", tags=[])
            namespace = next(ns for ns in cloud_map.namespaces.values() if ns.name == name)
        return {"namespace": namespace.arn}

    # -- task definitions ---------------------------------------------------------------

    def register_task_definition(self, family, container_definitions, **kwargs):  # pylint: disable=arguments-differ
        requires = kwargs.get("requires_compatibilities") or []
        network_mode = kwargs.get("network_mode") or ("awsvpc" if "FARGATE" in requires else "bridge")
        if "FARGATE" in requires and network_mode != "awsvpc":
            raise EcsClientException("Fargate only supports network mode 'awsvpc'.")
        supported = compatibilities(network_mode, requires)
        for launch_type in requires:
            if launch_type not in supported:
                raise EcsClientException(f"Task definition does not support launch_type {launch_type} with network mode {network_mode}.")
        definition = super().register_task_definition(family, container_definitions, **kwargs)
        # moto rewrites anything that is not EC2-only to awsvpc/FARGATE; keep what was given.
        definition.network_mode = network_mode
        definition.compatibilities = supported
        definition.requires_attributes = anywhere.required_attributes(definition, kwargs)
        definition.registered_at = utcnow()
        return definition

    def describe_task_definition(self, task_definition_str):
        """A bare family is its latest ACTIVE revision, as AWS resolves it (moto: the latest of any status)."""
        name = task_definition_str.split("/")[-1]
        if ":" in name:
            return super().describe_task_definition(task_definition_str)
        active = [revision for revision, definition in self.task_definitions.get(name, {}).items() if definition.status == "ACTIVE"]
        if not active:
            raise TaskDefinitionNotFoundException()
        return self.task_definitions[name][max(active)]

    # -- container instances --------------------------------------------------------------

    def register_instance(self, params, access_key):
        """RegisterContainerInstance: an EC2 instance (identity document) or the caller's managed instance."""
        cluster = self._get_cluster(params.get("cluster"))
        if params.get("containerInstanceArn"):
            instance = self._existing_instance(cluster, params["containerInstanceArn"])
        elif params.get("instanceIdentityDocument"):
            ec2_instance_id = json.loads(params["instanceIdentityDocument"])["instanceId"]
            instance = super().register_container_instance(cluster.name, ec2_instance_id)
            instance.tags = []
        else:
            instance = ExternalContainerInstance(self._caller_managed_instance(access_key), cluster.name, self)
            self.container_instances[cluster.name][instance.id] = instance
            cluster.registered_container_instances_count += 1
        _apply_registration(instance, params)
        instance.last_heartbeat = clock.monotonic()  # pylint: disable=attribute-defined-outside-init  # also on moto's instances
        return instance

    def _caller_managed_instance(self, access_key):
        """The ``mi-`` id whose role credentials signed the request, as AWS identifies external instances."""
        role = sts_backends[self.account_id][self.partition].get_assumed_role_from_access_key(access_key)
        instance_id = role.session_name if role else ""
        if not MANAGED_INSTANCE_ID.match(instance_id):
            raise EcsClientException(
                "An instance identity document is required, or the request must be signed with the credentials of a Systems Manager managed instance."
            )
        if ssm.find_managed_instance(self.account_id, self.region_name, instance_id) is None:
            raise EcsClientException(f"Managed instance {instance_id} is not registered with Systems Manager in {self.region_name}.")
        return instance_id

    def _existing_instance(self, cluster, reference):
        instance = self.container_instances[cluster.name].get(reference.split("/")[-1])
        if instance is None:
            raise EcsClientException(f"Container instance {reference} not found in cluster {cluster.name}.")
        if instance.status == "INACTIVE":
            raise EcsClientException(f"Container instance {instance.id} is inactive.")
        return instance

    def acs_session(self, query):
        """The agent's ACS session: the versions it reports, and a heartbeat."""
        instance = self._existing_instance(self._get_cluster(query.get("clusterArn")), query.get("containerInstanceArn") or "")
        instance.version_info = {name: query[name] for name in ("agentVersion", "agentHash", "dockerVersion") if query.get(name)}
        instance.last_heartbeat = clock.monotonic()

    def heartbeat(self, cluster_str, reference):
        self._existing_instance(self._get_cluster(cluster_str), reference).last_heartbeat = clock.monotonic()

    def deregister_container_instance(self, cluster_str, container_instance_str, force):
        cluster = self._get_cluster(cluster_str)
        instance = self._existing_instance(cluster, container_instance_str)
        if not force and instance.running_tasks_count > 0:
            raise InvalidParameterException("Found running tasks on the instance.")
        # AWS keeps a deregistered instance describable as INACTIVE.
        instance.status = "INACTIVE"
        cluster.registered_container_instances_count -= 1
        return instance

    def list_container_instances(self, cluster_str, status=None):
        cluster = self._get_cluster(cluster_str)
        return sorted(
            ci.container_instance_arn
            for ci in self.container_instances[cluster.name].values()
            if ci.status != "INACTIVE" and (status is None or ci.status == status)
        )

    # -- custom attributes ----------------------------------------------------------------------

    def _attribute_targets(self, cluster, attribute):
        """The container instances an Attribute names: its ``targetId`` (ARN or id), else every one of the cluster."""
        if attribute.get("targetType", "container-instance") != "container-instance":
            raise InvalidParameterException("targetType must be container-instance")
        target = attribute.get("targetId")
        if target is None:
            return list(self.container_instances[cluster.name].values())
        instance = self.container_instances[cluster.name].get(target.rsplit("/", 1)[-1])
        if instance is None:
            raise ECSException("TargetNotFoundException", f"Could not find {target}")
        return [instance]

    def _attribute_changes(self, cluster_name, attributes):
        cluster = self._get_cluster(cluster_name)
        if not attributes:
            raise InvalidParameterException("attributes can not be empty")
        # Every target is found before anything changes: a request with an unknown target changes nothing.
        return [(attribute, self._attribute_targets(cluster, attribute)) for attribute in attributes]

    def put_attributes(self, cluster_name, attributes=None):
        for attribute, instances in self._attribute_changes(cluster_name, attributes):
            for instance in instances:
                instance.attributes[attribute["name"]] = attribute.get("value")

    def delete_attributes(self, cluster_name, attributes=None):
        """Attributes go by name and target, whatever their value (moto removed one only when the value matched).

        Returns the attributes deleted, each with the value it had, as AWS answers.
        """
        deleted = []
        for attribute, instances in self._attribute_changes(cluster_name, attributes):
            answer = {key: value for key, value in attribute.items() if key != "value"}
            for instance in instances:
                if attribute["name"] in instance.attributes:
                    value = instance.attributes.pop(attribute["name"])
                    if value is not None:
                        answer["value"] = value
            deleted.append(answer)
        return deleted

    def list_attributes(self, target_type, cluster_name=None, attr_name=None, attr_value=None):
        """(cluster, instance ARN, name, value) of the cluster's ACTIVE and DRAINING instances.

        moto compared every value with ``attributeValue`` once a name was given (a name alone found only
        attributes without a value) and looked at the last cluster only when one was named.
        """
        if target_type != "container-instance":
            raise InvalidParameterException("targetType must be container-instance")
        if attr_value is not None and not attr_name:
            raise InvalidParameterException("attributeName must be specified when attributeValue is specified.")
        cluster = self._get_cluster(cluster_name)
        return [
            (cluster.name, instance.container_instance_arn, name, value)
            for instance in self.container_instances[cluster.name].values()
            if instance.status != "INACTIVE"
            for name, value in instance.attributes.items()
            if (not attr_name or name == attr_name) and (attr_value is None or value == attr_value)
        ]

    def _get_resource(self, resource_arn, parsed_arn):
        if parsed_arn["service"] == "container-instance":
            for instances in self.container_instances.values():
                for instance in instances.values():
                    if instance.container_instance_arn == resource_arn:
                        return instance
            raise InvalidParameterException("The specified resource is not found.")
        return super()._get_resource(resource_arn, parsed_arn)


def _apply_registration(instance, params):
    """Keep what the agent reports: resources, versions, attributes and tags."""
    if params.get("totalResources"):
        instance.registered_resources = [_resource(resource) for resource in params["totalResources"]]
        instance.remaining_resources = [_copy_resource(resource) for resource in instance.registered_resources]
    if params.get("versionInfo"):
        instance.version_info = params["versionInfo"]
    for attribute in params.get("attributes") or []:
        instance.attributes[attribute["name"]] = attribute.get("value")
    if params.get("tags"):
        keys = {tag["key"] for tag in params["tags"]}
        instance.tags = [tag for tag in instance.tags if tag["key"] not in keys] + params["tags"]


def _check_settings(settings):
    for setting in settings or []:
        if setting.get("name") != "containerInsights":
            raise InvalidParameterException(f"Cluster setting name '{setting.get('name')}' is not valid. Valid names: containerInsights.")
        if setting.get("value") not in CONTAINER_INSIGHTS_VALUES:
            raise InvalidParameterException(f"Cluster setting value '{setting.get('value')}' is not valid. Valid values: enabled, enhanced, disabled.")


def _check_configuration(configuration):
    execute = (configuration or {}).get("executeCommandConfiguration") or {}
    logging = execute.get("logging", "DEFAULT")
    if logging not in EXEC_LOGGING_VALUES:
        raise InvalidParameterException(f"executeCommandConfiguration.logging '{logging}' is not valid. Valid values: NONE, DEFAULT, OVERRIDE.")
    if logging == "OVERRIDE" and not execute.get("logConfiguration"):
        raise InvalidParameterException("logConfiguration must be specified when logging is OVERRIDE.")
    if logging != "OVERRIDE" and execute.get("logConfiguration"):
        raise InvalidParameterException("logConfiguration can only be specified when logging is OVERRIDE.")


class AnywhereEcsResponse(IdempotentResponses, ServiceResponses, TaskResponses, CapacityProviderResponses, ReadResponses):
    """Actions added to (or replacing those of) moto's EC2ContainerServiceResponse."""

    # pylint: disable=no-member  # mixed into EC2ContainerServiceResponse

    def call_action(self):
        # Every ECS request finds the clusters as the scheduler leaves them, and changes them atomically.
        with scheduler.LOCK:
            self.ecs_backend.schedule()
            return MOTO_RESPONSE["call_action"](self)

    def register_container_instance(self):
        names = ("cluster", "instanceIdentityDocument", "containerInstanceArn", "totalResources", "versionInfo", "attributes", "tags")
        params = {name: self._get_param(name) for name in names}
        instance = self.ecs_backend.register_instance(params, self.get_access_key())
        return ActionResult({"containerInstance": instance})

    def discover_poll_endpoint(self):
        if self._get_param("containerInstance"):
            self.ecs_backend.heartbeat(self._get_param("cluster"), self._get_param("containerInstance"))
        # Every endpoint the agent would dial (ACS, telemetry, Service Connect) is this server.
        here = f"{self.parsed_url.scheme}://{self.parsed_url.netloc}"
        return ActionResult({"endpoint": here, "telemetryEndpoint": here, "serviceConnectEndpoint": here})

    def update_cluster_settings(self):
        cluster = self.ecs_backend.update_cluster_settings(self._get_param("cluster"), self._get_param("settings") or [])
        return ActionResult({"cluster": cluster})

    def delete_attributes(self):
        deleted = self.ecs_backend.delete_attributes(self._get_param("cluster"), self._get_param("attributes"))
        return ActionResult({"attributes": deleted})

    def describe_container_instances(self):
        # Tags only when asked for, as on AWS.
        if "TAGS" in (self._get_param("include") or []):
            self._include_in_response(DESCRIBE_INSTANCES_TAGS)
        else:
            self._exclude_from_response(DESCRIBE_INSTANCES_TAGS)
        return MOTO_RESPONSE["describe_container_instances"](self)


def acs_session(request, full_url, headers):
    """GET /ws: what the agent's ACS websocket session tells ECS (see AnywhereEcsBackend.acs_session)."""
    response = EC2ContainerServiceResponse()
    response.setup_class(request, full_url, headers)
    query = {name: values[0] for name, values in parse_qs(urlsplit(full_url).query).items()}
    try:
        with scheduler.LOCK:
            response.ecs_backend.acs_session(query)
    except ECSException as err:
        body = json.dumps({"__type": err.code, "message": err.message})
        return 400, {"Content-Type": "application/x-amz-json-1.1"}, body
    return 200, {"Content-Type": "application/json"}, json.dumps({"type": "HeartbeatMessage", "healthy": True})


def _hold_status(_task):
    """Tasks stay in their status until stopped (moto's would step towards STOPPED on each describe)."""


def install():
    """Swap moto's ECS backend class and add or replace actions of its Response class."""
    ecs_models.ecs_backends.backend = AnywhereEcsBackend
    ecs_urls.url_paths.setdefault("{0}/ws$", acs_session)
    ecs_models.ContainerInstance.agent_connected = property(_agent_connected, _set_agent_connected)
    ecs_models.ContainerInstance.tags = ()  # moto's EC2 instances have none until tagged
    ecs_models.Task.advance = _hold_status
    transitions.install()
    for name in dir(AnywhereEcsResponse):
        if not name.startswith("__"):
            MOTO_RESPONSE.setdefault(name, getattr(EC2ContainerServiceResponse, name, None))
            setattr(EC2ContainerServiceResponse, name, getattr(AnywhereEcsResponse, name))
