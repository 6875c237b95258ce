"""ECS's control plane, run lazily: before every ECS request, ``schedule()`` brings each cluster to
where AWS would have brought it by then, so whatever a client reads is consistent.

* Tasks are RUNNING from placement until stopped (moto's tasks step towards STOPPED on every
  describe; ours do not), then STOPPED with ``stopCode``, ``stoppedReason`` and ``stoppedAt``, and
  stay describable and listable for an hour, as on AWS.
* Instances that are deregistered or whose agent disconnected lose their tasks, service and
  RunTask tasks alike; service tasks on DRAINING instances are replaced elsewhere.
* A REPLICA service keeps ``desiredCount`` tasks of its PRIMARY deployment, replacing those of
  older deployments and drained instances within ``maximumPercent`` and ``minimumHealthyPercent``;
  a DAEMON service one task on each ACTIVE, connected instance that meets its constraints (its
  tasks leave a draining instance last). A deployment alone at its desired count is COMPLETED.
* Deleted (DRAINING) services lose their tasks, then become INACTIVE; they stay describable for
  an hour.
* Service events as AWS words them, newest first, a message not repeated back to back.
"""

import math
import threading
from collections import Counter
from datetime import timedelta

from moto.ecs import models as ecs_models
from moto.ecs.exceptions import TaskDefinitionNotFoundException
from moto.moto_api._internal import mock_random

from . import clock, lifecycle, placement

# Held across a scheduling pass and the request after it: the server answers requests in threads.
LOCK = threading.RLock()
RETENTION = timedelta(hours=1)  # stopped tasks and deleted services stay describable this long
MAX_EVENTS = 100
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")

DRAINED = "Task stopped because the container instance is being drained"
DEREGISTERED = "Task stopped because the container instance was deregistered"
DISCONNECTED = "Task stopped because the container instance agent disconnected"
SCALING = "Scaling activity initiated by (deployment {deployment})"
UNABLE_TO_PLACE = (
    "(service {service}) was unable to place a task because no container instance met all of its requirements. {detail} "
    "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
)
CLOSEST = {
    "ATTRIBUTE": "is missing an attribute required by your task.",
    "RESOURCE:MEMORY": "has insufficient memory available.",
    "RESOURCE:CPU": "has insufficient CPU units available.",
    "RESOURCE:PORTS": "is already using a port required by your task.",
    "RESOURCE:PORTS_UDP": "is already using a port required by your task.",
}


def launch_kind(launch_type, capacity_provider_strategy):
    """Where tasks run: EXTERNAL or EC2 container instances, or FARGATE (capacity providers are EC2 or Fargate)."""
    if launch_type:
        return launch_type
    provider = (capacity_provider_strategy or [{}])[0].get("capacityProvider")
    return "FARGATE" if provider in FARGATE_PROVIDERS else "EC2"


def new_deployment(service):
    """A PRIMARY deployment of the service's current task definition and settings."""
    deployment_id = f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    now = clock.now()
    deployment = {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
    }
    optional = {
        "launchType": service.launch_type,
        "capacityProviderStrategy": service.capacity_provider_strategy,
        "networkConfiguration": service.network_configuration,
        "platformVersion": service.platform_version,
    }
    deployment.update({key: value for key, value in optional.items() if value})
    return deployment


def unable_to_place(service_name, rejections):
    """The service event for a task no instance could take, naming the closest instance as AWS does."""
    ranked = sorted(rejections.items(), key=lambda item: (not item[1].startswith("RESOURCE:"), item[1] == placement.AGENT))
    instance, reason = ranked[0] if ranked else (None, None)
    if instance is None or reason == placement.AGENT:
        detail = "Reason: No Container Instances were found in your cluster."
    elif reason in CLOSEST:
        detail = f"The closest matching (container-instance {instance.id}) {CLOSEST[reason]}"
    else:
        detail = f'The closest matching (container-instance {instance.id}) encountered error "{reason}".'
    return UNABLE_TO_PLACE.format(service=service_name, detail=detail)


def _task_id(task):
    return task.task_arn.split("/")[-1]


def _containers(task, definition, status):
    """The task's containers as DescribeTasks shows them."""
    containers = []
    for container in definition.container_definitions:
        entry = {
            "containerArn": f"{task.task_arn.replace(':task/', ':container/')}/{mock_random.uuid4()}",
            "taskArn": task.task_arn,
            "name": container.get("name"),
            "image": container.get("image"),
            "lastStatus": status,
            "networkBindings": placement.static_bindings(container, definition.network_mode),
            "healthStatus": "UNKNOWN",
            "cpu": str(container.get("cpu") or 0),
        }
        entry.update({key: str(container[key]) for key in ("memory", "memoryReservation") if container.get(key)})
        containers.append(entry)
    return containers


def _mark_running(task, definition, execute_command):
    """A task just placed, on its way to RUNNING (lifecycle.py: at once when FAKE_AWS_TASK_START is 0)."""
    task.created_at = clock.now()
    task.desired_status = "RUNNING"
    task.stopped_reason = None  # moto's "" would show as an empty stoppedReason
    task.health_status = "UNKNOWN"
    task.version = 1
    task.cpu, task.memory = definition.cpu, definition.memory
    task.enable_execute_command = bool(execute_command)
    task.containers = _containers(task, definition, "RUNNING")
    if lifecycle.begin(task, definition.network_mode):
        _arrive_running(task)


def _arrive_running(task):
    now = clock.now()
    task.pull_started_at = task.pull_stopped_at = task.connectivity_at = task.started_at = now
    task.connectivity = "CONNECTED"
    task.last_status = "RUNNING"
    for container in task.containers:
        container["lastStatus"] = "RUNNING"


def _mark_stopped(task, reason, code, exit_code):
    """desiredStatus STOPPED now; STOPPED once lifecycle.py says so (at once when FAKE_AWS_TASK_STOP is 0)."""
    task.stopping_at = clock.now()
    task.stop_code, task.stopped_reason = code, reason
    task.version = getattr(task, "version", 1) + 1
    task.__dict__["exit_code_on_stop"] = exit_code
    if lifecycle.request_stop(task):
        _arrive_stopped(task)


def _arrive_stopped(task):
    now = clock.now()
    task.last_status = "STOPPED"
    task.execution_stopped_at = task.stopped_at = now
    exit_code = task.__dict__.get("exit_code_on_stop")
    for container in task.containers if isinstance(task.containers, list) else []:
        if isinstance(container, dict):
            container["lastStatus"] = "STOPPED"
            if exit_code is not None:  # an instance that went away reports no exit code
                container["exitCode"] = exit_code


class SchedulerBackend(ecs_models.EC2ContainerServiceBackend):
    """moto's ECS backend with a scheduler: task placement, stopping, and services kept at their count."""

    # -- one pass ------------------------------------------------------------------------------

    def schedule(self):
        """Bring every cluster to its next state: lost tasks stopped, services at their desired count."""
        self._forget_expired()
        for cluster in list(self.clusters.values()):
            if cluster.status != "ACTIVE":
                continue
            for task in list(self.tasks.get(cluster.name, {}).values()):
                lifecycle.advance(task, _arrive_running, _arrive_stopped)
            self._account(cluster)
            self._evict_lost(cluster)
            # DAEMON services last: their tasks leave a draining instance once the others have left.
            for service in sorted(self._services_of(cluster), key=lambda service: service.scheduling_strategy == "DAEMON"):
                self._reconcile(cluster, service)
            self._count(cluster)

    def _forget_expired(self):
        horizon = clock.now() - RETENTION
        for tasks in self.tasks.values():
            for arn in [arn for arn, task in tasks.items() if task.last_status == "STOPPED" and getattr(task, "stopped_at", horizon) < horizon]:
                del tasks[arn]
        for key in [key for key, service in self.services.items() if service.status == "INACTIVE" and getattr(service, "inactive_at", horizon) < horizon]:
            del self.services[key]

    def _account(self, cluster):
        """Remaining resources and task counts of each instance, from the tasks placed on it."""
        instances = self.container_instances.setdefault(cluster.name, {})
        for instance in instances.values():
            placement.reset(instance)
        for task in self._live_tasks(cluster):
            instance = self._instance_of(task)
            if instance is not None:
                placement.reserve(instance, task.resource_requirements)

    def _evict_lost(self, cluster):
        """Tasks of deregistered instances and of instances whose agent disconnected are gone."""
        for task in self._live_tasks(cluster):
            instance = self._instance_of(task)
            if instance is not None and instance.status == "INACTIVE":
                self.stop(task, DEREGISTERED, "TerminationNotice", exit_code=None)
            elif instance is not None and not instance.agent_connected:
                self.stop(task, DISCONNECTED, "TerminationNotice", exit_code=None)

    def _count(self, cluster):
        cluster.running_tasks_count = sum(1 for task in self._live_tasks(cluster) if task.last_status == "RUNNING")
        cluster.pending_tasks_count = sum(1 for task in self._live_tasks(cluster) if task.last_status != "RUNNING")
        cluster.active_services_count = sum(1 for service in self._services_of(cluster) if service.status == "ACTIVE")

    # -- tasks ---------------------------------------------------------------------------------

    def start_task_on(self, cluster, definition, instance, fields, execute_command=False):
        """A RUNNING task of ``definition`` on ``instance`` (None on Fargate), its resources reserved."""
        needs = placement.requirements(definition)
        arn = instance.container_instance_arn if instance is not None else None
        fields = {**fields, "networking_configuration": with_security_groups(fields.get("networking_configuration"))}
        task = ecs_models.Task(cluster, definition, arn, needs, backend=self, **fields)
        _mark_running(task, definition, execute_command)
        if instance is not None:
            placement.reserve(instance, needs)
        self.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        return task

    def stop(self, task, reason, code, exit_code=0):
        """Stop a task (once): its resources are released, it stays describable as STOPPED."""
        if task.desired_status == "STOPPED":
            return task
        instance = self._instance_of(task)
        if instance is not None:
            placement.release(instance, task.resource_requirements)
        _mark_stopped(task, reason, code, exit_code)
        return task

    def pick(self, cluster, kind, needs, constraints, strategy, group):
        """(placed, instance, rejections): where a task goes (None on Fargate), or why nowhere."""
        if kind == "FARGATE":
            return True, None, {}  # Fargate brings its own capacity
        instances = [instance for instance in self.instances_of_kind(cluster, kind) if instance.status == "ACTIVE"]
        instance, rejections = placement.choose(instances, needs, constraints, strategy, self._group_counts(cluster, group))
        return instance is not None, instance, rejections

    def instances_of_kind(self, cluster, kind):
        """Registered (ACTIVE or DRAINING) instances that take tasks of the launch type: external ones for EXTERNAL."""
        return [
            instance
            for instance in self.container_instances.get(cluster.name, {}).values()
            if instance.status != "INACTIVE" and placement.is_external(instance) == (kind == "EXTERNAL")
        ]

    def _group_counts(self, cluster, group):
        return Counter(task.container_instance_arn for task in self._live_tasks(cluster) if task.group == group and task.container_instance_arn)

    def _live_tasks(self, cluster):
        return [task for task in self.tasks.get(cluster.name, {}).values() if task.desired_status == "RUNNING"]

    def _instance_of(self, task):
        if not task.container_instance_arn:
            return None
        return self.container_instances.get(task.cluster_name, {}).get(task.container_instance_arn.split("/")[-1])

    def _on_instance_with_status(self, task, status):
        instance = self._instance_of(task)
        return instance is not None and instance.status == status

    # -- services ------------------------------------------------------------------------------

    def _services_of(self, cluster):
        return [service for service in self.services.values() if service.cluster_name == cluster.name]

    def _service_tasks(self, cluster, service):
        deployments = {deployment["id"] for deployment in service.deployments}
        return [task for task in self._live_tasks(cluster) if task.started_by in deployments]

    def _reconcile(self, cluster, service):
        if service.status == "INACTIVE" or not service.deployments:
            return
        changes = {"started": [], "stopped": [], "unplaced": None}
        try:
            definition = self.describe_task_definition(service.deployments[0]["taskDefinition"])
        except TaskDefinitionNotFoundException:
            definition = None  # deleted under the service: nothing can start, what runs may stop
        if service.scheduling_strategy == "DAEMON":
            self._reconcile_daemon(cluster, service, definition, changes)
        else:
            self._reconcile_replicas(cluster, service, definition, changes)
        self._settle(cluster, service, changes)

    def _reconcile_replicas(self, cluster, service, definition, changes):
        """Start PRIMARY tasks and retire others in turn, within the deployment configuration's bounds."""
        primary = service.deployments[0]
        desired = service.desired_count if service.status == "ACTIVE" else 0
        config = service.deployment_configuration
        ceiling = max(desired, desired * config["maximumPercent"] // 100)
        floor = math.ceil(desired * config["minimumHealthyPercent"] / 100)
        while True:  # each round starts or stops at least one task, or ends
            live = self._service_tasks(cluster, service)
            keep = [task for task in live if task.started_by == primary["id"] and not self._on_instance_with_status(task, "DRAINING")]
            leaving = [task for task in live if task not in keep]
            started = self._start_service_tasks(cluster, service, definition, min(desired - len(keep), ceiling - len(live)), changes)
            stopped = self._retire(keep, leaving, desired, floor, changes)
            if not started and not stopped:
                return

    def _start_service_tasks(self, cluster, service, definition, count, changes):
        if definition is None:
            return 0
        needs = placement.requirements(definition)
        constraints = list(definition.placement_constraints or []) + list(service.placement_constraints or [])
        kind = launch_kind(service.launch_type, service.capacity_provider_strategy)
        started = 0
        for attempt in range(max(0, count)):
            placed, instance, rejections = self.pick(cluster, kind, needs, constraints, service.placement_strategy, f"service:{service.name}")
            if not placed:
                changes["unplaced"] = unable_to_place(service.name, rejections)
                break
            fields = self._service_task_fields(cluster, service, definition)
            changes["started"].append(self.start_task_on(cluster, definition, instance, fields, service.enable_execute_command))
            started += 1
        return started

    def _retire(self, keep, leaving, desired, floor, changes):
        """Stop tasks beyond the desired count and tasks not yet RUNNING on a draining instance, then old or drained
        ones while enough stay healthy (ECS Developer Guide, "Draining Amazon ECS container instances")."""
        surplus = keep[desired:]
        drained = [task for task in leaving if self._on_instance_with_status(task, "DRAINING")]
        pending = [task for task in drained if task.last_status != "RUNNING"]  # "stopped immediately"
        # Only RUNNING tasks count as healthy: old ones leave once their replacements run.
        running = [task for task in keep[:desired] if task.last_status == "RUNNING"]
        healthy = len(running) + len([task for task in leaving if task.last_status == "RUNNING"])
        leaving = [task for task in drained if task not in pending] + [task for task in leaving if task not in drained]  # drained first
        budget = min(len(leaving), len(leaving) if len(running) >= desired else max(0, healthy - floor))
        for task in surplus + pending + leaving[:budget]:
            reason = DRAINED if self._on_instance_with_status(task, "DRAINING") else SCALING.format(deployment=task.started_by)
            changes["stopped"].append(self.stop(task, reason, "ServiceSchedulerInitiated"))
        return len(surplus) + len(pending) + budget

    def _reconcile_daemon(self, cluster, service, definition, changes):
        """One PRIMARY task on each eligible instance; old ones stopped first (DAEMON's maximumPercent is 100)."""
        if definition is None:
            return
        constraints = [c for c in list(definition.placement_constraints or []) + list(service.placement_constraints or []) if c["type"] == "memberOf"]
        eligible = self._daemon_instances(cluster, service, constraints)
        service.desired_count = len(eligible)
        covered = self._retire_daemon_tasks(cluster, service, eligible, changes)
        needs = placement.requirements(definition)
        for instance in eligible:
            if instance.id in covered:
                continue
            reason = placement.rejection(instance, needs, constraints)
            if reason:
                changes["unplaced"] = unable_to_place(service.name, {instance: reason})
            else:
                fields = self._service_task_fields(cluster, service, definition)
                changes["started"].append(self.start_task_on(cluster, definition, instance, fields, service.enable_execute_command))

    def _daemon_instances(self, cluster, service, constraints):
        """ACTIVE, connected instances of the service's kind that meet its memberOf constraints (none once deleted)."""
        if service.status != "ACTIVE":
            return []
        candidates = self.instances_of_kind(cluster, launch_kind(service.launch_type, service.capacity_provider_strategy))
        return [i for i in candidates if i.status == "ACTIVE" and i.agent_connected and not placement.constraint_rejection(i, constraints)]

    def _retire_daemon_tasks(self, cluster, service, eligible, changes):
        """Stop tasks of old deployments, of ineligible instances and duplicates: the ids of instances left covered."""
        primary, covered = service.deployments[0], set()
        for task in self._service_tasks(cluster, service):
            instance = self._instance_of(task)
            draining = instance is not None and instance.status == "DRAINING"
            if instance in eligible and task.started_by == primary["id"] and instance.id not in covered:
                covered.add(instance.id)
            elif not (draining and self._replica_tasks_on(cluster, instance)):
                reason = DRAINED if draining else SCALING.format(deployment=task.started_by)
                changes["stopped"].append(self.stop(task, reason, "ServiceSchedulerInitiated"))
        return covered

    def _replica_tasks_on(self, cluster, instance):
        """Live tasks on the instance other than DAEMON services' (those leave a draining instance last)."""
        daemons = {d["id"] for service in self._services_of(cluster) if service.scheduling_strategy == "DAEMON" for d in service.deployments}
        return [task for task in self._live_tasks(cluster) if task.container_instance_arn == instance.container_instance_arn and task.started_by not in daemons]

    def _service_task_fields(self, cluster, service, definition):
        strategy = service.capacity_provider_strategy or []
        return {
            "group": f"service:{service.name}",
            "launch_type": launch_kind(service.launch_type, strategy),
            "started_by": service.deployments[0]["id"],  # as on AWS: service tasks are started by their deployment
            "overrides": {},
            "tags": self._service_task_tags(cluster, service, definition),
            "networking_configuration": service.deployments[0].get("networkConfiguration"),
            "capacity_provider_name": strategy[0].get("capacityProvider") if strategy else None,
        }

    @staticmethod
    def _service_task_tags(cluster, service, definition):
        tags = []
        if service.enable_ecs_managed_tags:
            tags += [{"key": "aws:ecs:clusterName", "value": cluster.name}, {"key": "aws:ecs:serviceName", "value": service.name}]
        if service.propagate_tags == "SERVICE":
            tags += list(service.tags or [])
        elif service.propagate_tags == "TASK_DEFINITION":
            tags += list(definition.tags or [])
        return tags

    def _settle(self, cluster, service, changes):
        """Deployments' counts and rollout state, the service's counts, status and events after a pass."""
        live = self._service_tasks(cluster, service)
        counts = Counter(task.started_by for task in live)
        running = Counter(task.started_by for task in live if task.last_status == "RUNNING")
        primary = service.deployments[0]
        service.deployments = [primary] + [deployment for deployment in service.deployments[1:] if counts[deployment["id"]]]
        for deployment in service.deployments:
            desired = service.desired_count if deployment is primary and service.status == "ACTIVE" else 0
            ident = deployment["id"]
            _update(deployment, desiredCount=desired, runningCount=running[ident], pendingCount=counts[ident] - running[ident])
        service.running_count = sum(running.values())
        service.pending_count = len(live) - service.running_count
        self._report_changes(service, changes)
        stopping = [task for task in self.tasks.get(cluster.name, {}).values() if task.group == f"service:{service.name}" and task.last_status != "STOPPED"]
        # A deleted service stays DRAINING until its last tasks have stopped, as clients see it on AWS.
        if service.status == "DRAINING" and not live and not stopping and not changes["stopped"]:
            service.status, service.inactive_at = "INACTIVE", clock.now()
            return
        steady = (
            service.status == "ACTIVE"
            and len(service.deployments) == 1
            and service.running_count == service.desired_count
            and not any(self._on_instance_with_status(task, "DRAINING") for task in live)
        )
        if steady and primary["rolloutState"] != "COMPLETED":
            _update(primary, rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {primary['id']} completed.")
            self._event(service, f"(service {service.name}) (deployment {primary['id']}) deployment completed.")
        if steady and not service.steady_state:
            self._event(service, f"(service {service.name}) has reached a steady state.")
        service.steady_state = steady

    def _report_changes(self, service, changes):
        if changes["started"]:
            listed = " ".join(f"(task {_task_id(task)})" for task in changes["started"])
            self._event(service, f"(service {service.name}) has started {len(changes['started'])} tasks: {listed}.")
        if changes["stopped"]:
            listed = " ".join(f"(task {_task_id(task)})" for task in changes["stopped"])
            self._event(service, f"(service {service.name}) has stopped {len(changes['stopped'])} running tasks: {listed}.")
        if changes["unplaced"]:
            self._event(service, changes["unplaced"])

    @staticmethod
    def _event(service, message):
        """Add a service event (newest first), unless it repeats the latest one: AWS throttles repeats."""
        if service.events and service.events[0]["message"] == message:
            return
        service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": clock.now(), "message": message})
        del service.events[MAX_EVENTS:]


def with_security_groups(network):
    """A network configuration that names security groups, as moto's Service and Task need (AWS takes the VPC's default)."""
    if network and "awsvpcConfiguration" in network and "securityGroups" not in network["awsvpcConfiguration"]:
        return {**network, "awsvpcConfiguration": {**network["awsvpcConfiguration"], "securityGroups": []}}
    return network


def _update(deployment, **values):
    if any(deployment.get(key) != value for key, value in values.items()):
        deployment.update(values)
        deployment["updatedAt"] = clock.now()
