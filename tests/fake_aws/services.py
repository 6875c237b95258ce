"""Services as AWS keeps and returns them; the scheduler (scheduler.py) runs their tasks.

* CreateService takes launch type EXTERNAL (EC2, FARGATE) or a capacity provider strategy (the
  cluster's default one when neither is given), and keeps and returns ``deploymentConfiguration``
  (AWS's defaults: maximumPercent 200, minimumHealthyPercent 100, circuit breaker off; DAEMON 100
  and 0), ``placementConstraints``, ``placementStrategy``, ``capacityProviderStrategy``,
  ``schedulingStrategy``, ``enableExecuteCommand``, ``enableECSManagedTags``, ``propagateTags``
  (default NONE), ``healthCheckGracePeriodSeconds``, ``networkConfiguration``, ``createdAt``.
  A name in use is refused as AWS refuses it; DAEMON takes no desired count.
* UpdateService: a new task definition (a family means its latest ACTIVE revision), network
  configuration, platform version, load balancers, service registries or ``forceNewDeployment``
  start a new PRIMARY deployment (the previous ones become ACTIVE and are drained by the
  scheduler); placement, capacity provider strategy, ECS Exec, managed tags, tag propagation,
  ``desiredCount`` and ``deploymentConfiguration`` (merged into the current one) change in place,
  as botocore documents each member. The deployment controller cannot change.
* DeleteService refuses a REPLICA service above 0 tasks unless ``force``; the service is DRAINING
  until its tasks are stopped, then INACTIVE (describable for an hour, no longer listed).
* ListServices pages by 10, as AWS does.
"""

from moto.core.responses import ActionResult
from moto.core.utils import camelcase_to_underscores
from moto.ecs.exceptions import ECSException, InvalidParameterException

from . import anywhere, clock, placement
from .scheduler import launch_kind, new_deployment, with_security_groups
from .tasks import TasksBackend, paginate

DAEMON_DESIRED = "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again"
DAEMON_MAXIMUM = (
    "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. "
    "Change the maximumPercent value to 100, and try again"
)
# Members CreateService keeps on the service beside what moto keeps.
OPTIONS = (
    "capacity_provider_strategy",
    "deployment_configuration",
    "placement_constraints",
    "placement_strategy",
    "enable_execute_command",
    "enable_ecs_managed_tags",
    "health_check_grace_period_seconds",
    "availability_zone_rebalancing",
)
# UpdateService members that make AWS start a new deployment when they change ("This parameter triggers a new
# service deployment" in botocore's UpdateService documentation); the task definition and forceNewDeployment too.
REDEPLOYING = ("network_configuration", "platform_version", "load_balancers", "service_registries")
# Members that change the service only ("This parameter doesn't trigger a new service deployment"): tasks started
# from then on follow them; those running stay as they are.
IN_PLACE = (
    "health_check_grace_period_seconds",
    "availability_zone_rebalancing",
    "capacity_provider_strategy",
    "placement_constraints",
    "placement_strategy",
    "enable_execute_command",
    "enable_ecs_managed_tags",
    "propagate_tags",
)
CREATE_MEMBERS = (
    "loadBalancers", "serviceRegistries", "platformVersion", "role", "deploymentConfiguration", "placementConstraints",
    "placementStrategy", "networkConfiguration", "healthCheckGracePeriodSeconds", "capacityProviderStrategy",
    "enableECSManagedTags", "propagateTags", "enableExecuteCommand", "availabilityZoneRebalancing",
)  # fmt: skip


def deployment_configuration(given, current, daemon):
    """The deployment configuration AWS returns: its defaults, then the current one, then what is given."""
    defaults = {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 100 if daemon else 200,
        "minimumHealthyPercent": 0 if daemon else 100,
    }
    config = {**defaults, **(current or {}), **(given or {})}
    if daemon and config["maximumPercent"] > 100:
        raise InvalidParameterException(DAEMON_MAXIMUM)
    return config


def service_not_active():
    return ECSException("ServiceNotActiveException", "Service was not ACTIVE.")


class ServicesBackend(TasksBackend):
    """The service actions of the backend."""

    def create_service(  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments,arguments-differ
        self,
        cluster_str,
        service_name,
        desired_count,
        task_definition_str=None,
        load_balancers=None,
        scheduling_strategy=None,
        tags=None,
        deployment_controller=None,
        launch_type=None,
        **kwargs,
    ):
        options = {name: kwargs.pop(name, None) for name in OPTIONS}
        cluster = self._get_cluster(cluster_str)
        self._check_name_free(cluster, service_name)
        daemon = scheduling_strategy == "DAEMON"
        if daemon and desired_count is not None:
            raise InvalidParameterException(DAEMON_DESIRED)
        anywhere.check_external_request(
            {
                "loadBalancers": load_balancers, "serviceRegistries": kwargs.get("service_registries"), "role": kwargs.get("role_arn"),
                "platformVersion": kwargs.get("platform_version"), "capacityProviderStrategy": options["capacity_provider_strategy"],
                "deploymentController": deployment_controller,
            },
            launch_type,
        )  # fmt: skip
        launch_type, options["capacity_provider_strategy"] = self._launch(cluster, launch_type, options["capacity_provider_strategy"])
        if task_definition_str:
            definition = self.require_launch_type(task_definition_str, launch_kind(launch_type, options["capacity_provider_strategy"]))
            anywhere.check_network(definition, kwargs.get("network_configuration"))
        options["deployment_configuration"] = deployment_configuration(options["deployment_configuration"], None, daemon)
        options["placement_constraints"] = placement.check_constraints(options["placement_constraints"])
        options["placement_strategy"] = placement.check_strategy(options["placement_strategy"])
        network = kwargs.get("network_configuration")
        kwargs["network_configuration"] = with_security_groups(network)
        service = super().create_service(
            cluster_str, service_name, desired_count or 0, task_definition_str, load_balancers, scheduling_strategy, tags, deployment_controller,
            "FARGATE" if launch_type == "FARGATE" else "EC2",  # moto knows EC2 and FARGATE only
            **kwargs,
        )  # fmt: skip
        options["network_configuration"] = network  # as given: moto's check needed security groups
        self._keep(service, launch_type, options)
        return service

    def _check_name_free(self, cluster, service_name):
        existing = self.services.get(f"{cluster.name}:{service_name}")
        if existing is not None and existing.status == "ACTIVE":
            raise InvalidParameterException("Creation of service was not idempotent.")
        if existing is not None and existing.status == "DRAINING":
            raise InvalidParameterException("Unable to Start a service that is still Draining.")

    @staticmethod
    def _launch(cluster, launch_type, strategy):
        """(launch type, capacity provider strategy): what is given, else the cluster's default strategy, else EC2."""
        if launch_type and strategy:
            raise InvalidParameterException("Specify either Launch Type or Capacity Provider Strategy, but not both.")
        if not launch_type and not strategy:
            strategy = cluster.default_capacity_provider_strategy or None
            launch_type = None if strategy else "EC2"
        return launch_type, strategy or None

    @staticmethod
    def _keep(service, launch_type, options):
        service.launch_type = launch_type  # None with a capacity provider strategy: AWS returns no launchType then
        for name, value in options.items():
            setattr(service, name, value)
        service.enable_execute_command = bool(service.enable_execute_command)
        service.enable_ecs_managed_tags = bool(service.enable_ecs_managed_tags)
        service.network_configuration = service.network_configuration or None
        service.running_count = service.pending_count = 0
        service.created_at = clock.now()
        service.steady_state = False
        service.deployments = [new_deployment(service)] if service.deployment_controller.get("type", "ECS") == "ECS" else []

    def update_service(self, service_properties):
        """UpdateService (``service_properties``: its members in snake_case, as moto's response passes them)."""
        properties = {name: value for name, value in service_properties.items() if value is not None}
        service = self._get_service(properties.pop("cluster", "default"), properties.pop("service"))
        if service.status != "ACTIVE":
            raise service_not_active()
        daemon = service.scheduling_strategy == "DAEMON"
        self._check_update(service, properties)
        if "desired_count" in properties:
            if daemon:
                raise InvalidParameterException(DAEMON_DESIRED)
            service.desired_count = properties.pop("desired_count")
        if "deployment_configuration" in properties:
            service.deployment_configuration = deployment_configuration(properties.pop("deployment_configuration"), service.deployment_configuration, daemon)
        redeploy = self._update_task_definition(service, properties.pop("task_definition", None))
        redeploy = self._update_settings(service, properties) or redeploy
        if redeploy or properties.get("force_new_deployment"):
            _begin_deployment(service)
        return service

    def _check_update(self, service, properties):
        """What AWS refuses in UpdateService, found before anything changes."""
        anywhere.check_controller_unchanged(service, properties.pop("deployment_controller", None))
        members = {"loadBalancers": "load_balancers", "serviceRegistries": "service_registries", "platformVersion": "platform_version",
                   "capacityProviderStrategy": "capacity_provider_strategy"}  # fmt: skip
        anywhere.check_external_request({member: properties.get(name) for member, name in members.items()}, service.launch_type)
        if "task_definition" in properties or "network_configuration" in properties:
            kind = launch_kind(service.launch_type, properties.get("capacity_provider_strategy") or service.capacity_provider_strategy)
            definition = self.require_launch_type(properties.get("task_definition") or service.task_definition, kind)
            anywhere.check_network(definition, properties.get("network_configuration", service.network_configuration))

    def _update_task_definition(self, service, task_definition_str):
        if not task_definition_str:
            return False
        definition = self.require_launch_type(task_definition_str, launch_kind(service.launch_type, service.capacity_provider_strategy))
        changed = definition.arn != service.task_definition
        service.task_definition = definition.arn
        return changed

    @staticmethod
    def _update_settings(service, properties):
        """Apply the settings given; True when one that needs new tasks changed."""
        if "placement_constraints" in properties:
            properties["placement_constraints"] = placement.check_constraints(properties["placement_constraints"])
        if "placement_strategy" in properties:
            properties["placement_strategy"] = placement.check_strategy(properties["placement_strategy"])
        if properties.get("capacity_provider_strategy"):
            service.launch_type = None  # a strategy replaces the launch type
        changed = False
        for name in REDEPLOYING:
            if name in properties and properties[name] != getattr(service, name, None):
                setattr(service, name, properties[name])
                changed = True
        for name in IN_PLACE:
            if name in properties:
                setattr(service, name, properties[name])
        return changed

    def delete_service(self, cluster_name, service_name, force):
        service = self._get_service(cluster_name, service_name)
        if service.status == "DRAINING":
            return service
        if service.status != "ACTIVE":
            raise service_not_active()
        if service.scheduling_strategy != "DAEMON" and service.desired_count > 0 and not force:
            raise InvalidParameterException("The service cannot be stopped while it is scaled above 0.")
        # The scheduler stops its tasks, then makes it INACTIVE.
        service.status, service.desired_count, service.steady_state = "DRAINING", 0, False
        return service

    def list_services(self, cluster_str, scheduling_strategy=None, launch_type=None):
        cluster = self._get_cluster(cluster_str)
        return sorted(
            service.arn
            for service in self._services_of(cluster)
            if service.status == "ACTIVE"  # DRAINING (deleted) services are not listed, as on AWS
            and scheduling_strategy in (None, service.scheduling_strategy)
            and launch_type in (None, service.launch_type)
        )


def _begin_deployment(service):
    """A new PRIMARY deployment; earlier ones become ACTIVE, for the scheduler to drain."""
    for deployment in service.deployments:
        deployment["status"] = "ACTIVE"
    service.deployments.insert(0, new_deployment(service))
    service.steady_state = False


class ServiceResponses:
    """Service actions of EC2ContainerServiceResponse that moto answers differently from AWS."""

    # pylint: disable=no-member  # mixed into EC2ContainerServiceResponse

    def create_service(self):
        members = {camelcase_to_underscores(name): self._get_param(name) for name in CREATE_MEMBERS}
        members["role_arn"] = members.pop("role")
        members["propagate_tags"] = members["propagate_tags"] or "NONE"
        service = self.ecs_backend.create_service(
            self._get_param("cluster", "default"),
            self._get_param("serviceName"),
            self._get_int_param("desiredCount"),
            self._get_param("taskDefinition"),
            scheduling_strategy=self._get_param("schedulingStrategy"),
            tags=self._get_param("tags"),
            deployment_controller=self._get_param("deploymentController"),
            launch_type=self._get_param("launchType"),
            **members,
        )
        return ActionResult({"service": service})

    def list_services(self):
        arns = self.ecs_backend.list_services(
            self._get_param("cluster", "default"), self._get_param("schedulingStrategy"), launch_type=self._get_param("launchType")
        )
        page, token = paginate(arns, self._get_int_param("maxResults"), self._get_param("nextToken"), default=10)
        return ActionResult({"serviceArns": page, "nextToken": token})
