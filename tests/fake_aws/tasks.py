"""Tasks as AWS handles them: RunTask and StartTask place through the scheduler, StopTask, DescribeTasks, ListTasks.

* RunTask (EC2, EXTERNAL, FARGATE or a capacity provider strategy) places what fits on ACTIVE
  instances of the launch type, honouring the task definition's and the request's placement
  constraints and strategy, and reports the rest in ``failures`` as AWS does (``AGENT``,
  ``RESOURCE:MEMORY``, ``RESOURCE:CPU``, ``RESOURCE:PORTS``, ``MemberOf placement constraint
  unsatisfied``). With none of the kind registered: ``No Container Instances were found in your cluster.``
* StopTask: ``stopCode`` UserInitiated, the reason given (else "Task stopped by user"); an unknown
  task is ``InvalidParameterException``.
* DescribeTasks: ``failures`` MISSING for tasks it does not know (the TasksRunning waiter relies on it).
* ListTasks: ``desiredStatus`` RUNNING unless asked otherwise (as on AWS), filters ``serviceName``,
  ``containerInstance``, ``family``, ``startedBy``, ``launchType``; ``maxResults`` and ``nextToken``.
"""

import base64
import binascii

from moto.core.responses import ActionResult
from moto.core.utils import camelcase_to_underscores
from moto.ecs.exceptions import EcsClientException, InvalidParameterException

from . import anywhere, lifecycle, placement
from .scheduler import SchedulerBackend, launch_kind

DESCRIBE_TASKS_TAGS = "DescribeTasksResponse.tasks.Task.tags"
USER_STOPPED = "Task stopped by user"


def paginate(items, max_results, next_token, default, largest=100):
    """(page, next token or None) of a list call, as AWS pages them (``maxResults`` 1 to ``largest``)."""
    try:
        start = int(base64.b64decode(next_token).decode()) if next_token else 0
    except (ValueError, binascii.Error) as err:
        raise InvalidParameterException("Invalid nextToken.") from err
    size = default if max_results is None else max_results
    if not 1 <= size <= largest:
        raise InvalidParameterException(f"maxResults must be between 1 and {largest}.")
    end = start + size
    return items[start:end], base64.b64encode(str(end).encode()).decode() if end < len(items) else None


class TasksBackend(SchedulerBackend):
    """The task actions of the backend, on top of the scheduler."""

    def require_launch_type(self, task_definition_str, launch_type):
        definition = self.describe_task_definition(task_definition_str)
        if launch_type not in definition.compatibilities:
            raise InvalidParameterException(f"Task definition does not support launch_type {launch_type}.")
        return definition

    def place_tasks(self, cluster_str, task_definition_str, count, options):
        """RunTask: (tasks placed, failures). ``options``: RunTask's other members, snake_case."""
        cluster = self._get_cluster(cluster_str)
        launch_type, strategy = options.get("launch_type"), options.get("capacity_provider_strategy")
        if launch_type and strategy:
            raise InvalidParameterException("Specify either Launch Type or Capacity Provider Strategy, but not both.")
        if not launch_type and not strategy:
            strategy = cluster.default_capacity_provider_strategy or None
            launch_type = None if strategy else "EC2"  # AWS's default without a strategy
        kind = launch_kind(launch_type, strategy)
        anywhere.check_external_request({"platformVersion": options.get("platform_version"), "capacityProviderStrategy": strategy}, launch_type)
        definition = self.require_launch_type(task_definition_str, kind)
        anywhere.check_network(definition, options.get("network_configuration"))
        constraints = placement.check_constraints(list(definition.placement_constraints or []) + list(options.get("placement_constraints") or []))
        order = placement.check_strategy(options.get("placement_strategy"))
        if kind != "FARGATE" and not self.instances_of_kind(cluster, kind):
            raise InvalidParameterException("No Container Instances were found in your cluster.")
        group = options.get("group") or f"family:{definition.family}"
        fields = {
            "group": group,
            "launch_type": kind,
            "overrides": options.get("overrides") or {},
            "started_by": options.get("started_by") or "",
            "tags": options.get("tags") or [],
            "networking_configuration": options.get("network_configuration"),
            "platform_version": options.get("platform_version"),
            "capacity_provider_name": strategy[0].get("capacityProvider") if strategy else None,
        }
        needs = placement.requirements(definition)
        tasks, rejections = [], {}
        for attempt in range(count):
            placed, instance, rejections = self.pick(cluster, kind, needs, constraints, order, group)
            if not placed:
                break
            tasks.append(self.start_task_on(cluster, definition, instance, fields, options.get("enable_execute_command")))
        return tasks, placement.failures(rejections)

    def run_task(  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
        self,
        cluster_str,
        task_definition_str,
        count,
        overrides,
        started_by,
        tags,
        launch_type,
        networking_configuration=None,
        group=None,
        platform_version=None,
        capacity_provider_strategy=None,
    ):
        """moto's signature (CloudFormation and others call it): the tasks place_tasks placed."""
        options = {
            "overrides": overrides,
            "started_by": started_by,
            "tags": tags,
            "launch_type": launch_type,
            "network_configuration": networking_configuration,
            "group": group,
            "platform_version": platform_version,
            "capacity_provider_strategy": capacity_provider_strategy,
        }
        return self.place_tasks(cluster_str, task_definition_str, count, options)[0]

    def start_task(  # pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
        self, cluster_str, task_definition_str, container_instances, overrides, started_by, tags=None, group=None
    ):
        """StartTask: one task on each instance named, when it can take it."""
        cluster = self._get_cluster(cluster_str)
        definition = self.describe_task_definition(task_definition_str)
        if not container_instances:
            raise EcsClientException("Container Instances cannot be empty.")
        fields = {"group": group or f"family:{definition.family}", "overrides": overrides or {}, "started_by": started_by or "", "tags": tags or []}
        needs = placement.requirements(definition)
        tasks = []
        for reference in container_instances:
            instance = self.container_instances.get(cluster.name, {}).get(reference.split("/")[-1])
            if instance is None or instance.status != "ACTIVE":
                raise InvalidParameterException(f"Container instance {reference} is not ACTIVE in cluster {cluster.name}.")
            if placement.rejection(instance, needs, definition.placement_constraints or []) is None:
                fields["launch_type"] = "EXTERNAL" if placement.is_external(instance) else "EC2"
                tasks.append(self.start_task_on(cluster, definition, instance, fields))
        return tasks

    def stop_task(self, cluster_str, task_str, reason):
        task = self.find_task(self._get_cluster(cluster_str), task_str)
        if task is None:
            raise InvalidParameterException("The referenced task was not found.")
        return self.stop(task, reason or USER_STOPPED, "UserInitiated")

    def find_task(self, cluster, reference):
        """The cluster's task with this ARN or id, or None."""
        tasks = self.tasks.get(cluster.name, {})
        if reference in tasks:
            return tasks[reference]
        return next((task for task in tasks.values() if task.task_arn.split("/")[-1] == reference.split("/")[-1]), None)

    def describe_task_list(self, cluster_str, references):
        """DescribeTasks: (tasks, failures), MISSING for those the cluster does not have."""
        cluster = self._get_cluster(cluster_str)
        if not references:
            raise InvalidParameterException("Tasks cannot be empty.")
        found, failures = [], []
        for reference in references:
            task = self.find_task(cluster, reference)
            if task is not None and lifecycle.visible(task):
                found.append(task)
            else:
                arn = f"arn:{self.partition}:ecs:{self.region_name}:{self.account_id}:task/{cluster.name}/{reference}"
                failures.append({"arn": reference if reference.startswith("arn:") else arn, "reason": "MISSING"})
        return found, failures

    def list_task_arns(self, cluster_str, filters):
        """ListTasks: ARNs of the cluster's tasks that pass every filter given (desiredStatus RUNNING by default)."""
        cluster = self._get_cluster(cluster_str)
        desired = filters.get("desiredStatus") or "RUNNING"
        return [task.task_arn for task in self.tasks.get(cluster.name, {}).values() if task.desired_status == desired and _passes(task, filters)]


def _passes(task, filters):
    family = task.task_definition_arn.split("/")[-1].rsplit(":", 1)[0]
    instance = (task.container_instance_arn or "").split("/")[-1]
    checks = {
        "containerInstance": lambda value: instance == value.split("/")[-1],
        "family": lambda value: family == value,
        "startedBy": lambda value: task.started_by == value,
        "serviceName": lambda value: task.group == f"service:{value.split('/')[-1]}",
        "launchType": lambda value: task.launch_type == value,
    }
    return all(check(filters[name]) for name, check in checks.items() if filters.get(name))


class TaskResponses:
    """Task actions of EC2ContainerServiceResponse that moto answers differently from AWS."""

    # pylint: disable=no-member  # mixed into EC2ContainerServiceResponse

    def run_task(self):
        names = (
            "overrides", "startedBy", "tags", "launchType", "networkConfiguration", "group", "platformVersion",
            "capacityProviderStrategy", "placementConstraints", "placementStrategy", "enableExecuteCommand",
        )  # fmt: skip
        options = {camelcase_to_underscores(name): self._get_param(name) for name in names}
        cluster, definition, count = self._get_param("cluster", "default"), self._get_param("taskDefinition"), self._get_int_param("count", 1)
        tasks, failures = self.ecs_backend.place_tasks(cluster, definition, count, options)
        return ActionResult({"tasks": tasks, "failures": failures})

    def describe_tasks(self):
        tasks, failures = self.ecs_backend.describe_task_list(self._get_param("cluster", "default"), self._get_param("tasks", []))
        if "TAGS" in (self._get_param("include") or []):
            self._include_in_response(DESCRIBE_TASKS_TAGS)
        else:
            self._exclude_from_response(DESCRIBE_TASKS_TAGS)
        return ActionResult({"tasks": tasks, "failures": failures})

    def list_tasks(self):
        filters = {name: self._get_param(name) for name in ("containerInstance", "family", "startedBy", "serviceName", "desiredStatus", "launchType")}
        arns = self.ecs_backend.list_task_arns(self._get_param("cluster", "default"), filters)
        page, token = paginate(arns, self._get_int_param("maxResults"), self._get_param("nextToken"), default=100)
        return ActionResult({"taskArns": page, "nextToken": token})
