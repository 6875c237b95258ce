#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_container_instance
short_description: Drain, activate, deregister and label Amazon ECS container instances, and wait for ECS Anywhere hosts to join
version_added: 0.1.0
description:
  - Finds container instances of a cluster by ARN, container instance id, C(mi-) (or EC2) instance id, or the host name
    of an ECS Anywhere host (the name its SSM agent reports, looked up with SSM C(DescribeInstanceInformation)).
  - Sets their status to V(ACTIVE) or V(DRAINING) (C(UpdateContainerInstancesState)) or deregisters them
    (C(DeregisterContainerInstance)), and manages their custom attributes (C(PutAttributes), C(DeleteAttributes)).
  - Waits until hosts have registered and their agents are connected, or until the tasks of draining instances are gone.
author:
  - Hybridops Maintainers (@hybridops)
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    default: default
  instances:
    description:
      - The container instances, each named by ARN, container instance id, C(mi-) or C(i-) instance id, or host name.
      - A host name matches an SSM managed instance's host name (C(ComputerName)), that name without its domain, its SSM name
        or its IP address; the container instances registered by those managed instances are meant.
      - Required with O(state) or O(attributes).
    type: list
    elements: str
    aliases: [container_instances]
  state:
    description:
      - V(active) and V(draining) set the status. A draining instance gets no new tasks and its service tasks are moved;
        tasks not started by a service keep running until they stop.
      - V(deregistered) removes the instances from the cluster. An instance that still runs tasks is refused, with the tasks
        named, unless O(force=true) (the tasks keep running, unknown to ECS) or O(wait=true) (the instance is drained first,
        the module waits until its tasks are gone, then deregisters it).
      - Instances that are already gone count as deregistered. Deregistering does not remove the SSM managed instance; see
        M(hybridops.ecs_anywhere.ssm_managed_instance).
      - Unset, the status is left as it is.
    type: str
    choices: [active, draining, deregistered]
  force:
    description: With O(state=deregistered), deregister instances that still run tasks.
    type: bool
    default: false
  attributes:
    description:
      - Custom attributes, name to value; a null value is an attribute without a value (matched by C(attribute:name exists)).
      - Attributes ECS sets itself (names starting with C(ecs.) or C(com.amazonaws.ecs.)) cannot be set and are never removed.
    type: dict
  purge_attributes:
    description:
      - Remove custom attributes that O(attributes) does not list.
      - Off by default, since the ECS agent may set custom attributes of its own (C(ECS_INSTANCE_ATTRIBUTES)).
    type: bool
    default: false
  expected_count:
    description:
      - With O(wait=true), also wait until at least this many container instances of the cluster are ACTIVE with a connected agent.
    type: int
  wait:
    description:
      - With O(state=active) or no O(state), wait until every instance of O(instances) is registered, ACTIVE and its agent
        connected (and O(expected_count) is reached). Instances that are not registered yet are waited for, and then changed.
      - With O(state=draining), wait until no task runs or is pending on the instances.
      - With O(state=deregistered), drain instances that run tasks and wait for them before deregistering.
      - On a timeout the module fails and names each instance or host it still waits for, and why.
      - Nothing is waited for in check mode.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait, for all the waiting of one run together.
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
"""

EXAMPLES = r"""
- name: Wait until every host of the group is an ACTIVE, connected container instance
  hybridops.ecs_anywhere.ecs_container_instance:
    cluster: edge
    instances: "{{ groups['ecs_anywhere'] }}"
    state: active
    wait: true
    wait_timeout: 900

- name: Label the lab hosts for placement constraints (attribute:site == lab)
  hybridops.ecs_anywhere.ecs_container_instance:
    cluster: edge
    instances: [edge-01, edge-02]
    attributes:
      site: lab
      gpu: null

- name: Drain a host before maintenance and wait for its tasks to move
  hybridops.ecs_anywhere.ecs_container_instance:
    cluster: edge
    instances: ["{{ inventory_hostname }}"]
    state: draining
    wait: true
  delegate_to: localhost

- name: Take a host out of the cluster (drains it first when it still runs tasks)
  hybridops.ecs_anywhere.ecs_container_instance:
    cluster: edge
    instances: [mi-0123456789abcdef0]
    state: deregistered
    wait: true
"""

RETURN = r"""
container_instances:
  description:
    - The instances named by O(instances) after the run (a deregistered one has status C(INACTIVE)); without O(instances),
      every container instance of the cluster.
    - Each as M(hybridops.ecs_anywhere.ecs_container_instance_info) returns it.
  returned: always
  type: list
  elements: dict
  contains:

    arn:
      description: The container instance ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:container-instance/edge/4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    id:
      description: The container instance id (the last part of the ARN).
      type: str
      sample: 4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    ec2_instance_id:
      description: The C(mi-) managed instance id of an external instance, or the EC2 instance id.
      type: str
      sample: mi-0123456789abcdef0
    external:
      description: Whether it is an ECS Anywhere (external) instance.
      type: bool
      sample: true
    host_name:
      description: The host name its SSM agent reports. Present when host names were looked up; null when SSM does not know it.
      type: str
      sample: edge-01.lab.example
    status:
      description: C(ACTIVE), C(DRAINING), C(REGISTERING), C(DEREGISTERING) or C(REGISTRATION_FAILED).
      type: str
      sample: ACTIVE
    status_reason:
      description: Why the instance has its status, when ECS says.
      type: str
      sample: Instance deregistration forced by user
    agent_connected:
      description: Whether the ECS agent is connected to ECS.
      type: bool
      sample: true
    agent_update_status:
      description: State of an agent update, if one was asked for.
      type: str
      sample: UPDATED
    running_tasks_count:
      description: Tasks in the RUNNING state.
      type: int
      sample: 2
    pending_tasks_count:
      description: Tasks in the PENDING state.
      type: int
      sample: 0
    agent_version:
      description: ECS agent version.
      type: str
      sample: 1.91.0
    agent_hash:
      description: ECS agent build.
      type: str
      sample: a1b2c3d
    docker_version:
      description: Docker version, without the C(DockerVersion:) prefix the agent reports.
      type: str
      sample: 25.0.5
    attributes:
      description: Every attribute, ECS's own and custom ones, name to value (null for attributes without a value).
      type: dict
      sample: {"ecs.capability.external": null, "ecs.os-type": "linux", "site": "lab"}
    registered_resources:
      description: What the instance registered with, name to value (C(CPU) units, C(MEMORY) MiB, C(PORTS) list, ...).
      type: dict
      sample: {"CPU": 2048, "MEMORY": 3840, "PORTS": ["22", "2375", "2376", "51678", "51679"]}
    remaining_resources:
      description: What is left for tasks, in the same form.
      type: dict
      sample: {"CPU": 1536, "MEMORY": 3328, "PORTS": ["22", "2375", "2376", "51678", "51679", "8080"]}
    registered_at:
      description: When it registered.
      type: str
      sample: "2026-01-01T10:00:00+00:00"
    capacity_provider_name:
      description: Its capacity provider, if any.
      type: str
      sample: edge-workers
    health_status:
      description: Overall health ECS reports, when it does.
      type: str
      sample: OK
    tags:
      description: Tags as a dict.
      type: dict
      sample: {}
missing:
  description:
    - Entries of O(instances) that name no container instance of the cluster (with O(state=deregistered), those already gone;
      in check mode with O(wait=true), those not registered yet).
  returned: always
  type: list
  elements: str
  sample: [edge-03]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import Fleet
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import reference_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import unique
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import Deadline
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import busy
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import delete_attributes
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import deregister
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import deregister_once_stopped
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import describe
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import drain
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import name_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import put_attributes
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import tasks_on
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import update_state
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import label
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import normalize_attributes
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import plan
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.plan import Plan
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_CONTAINER_INSTANCE_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules


def validate(params):
    """The normalised attributes; every error in the options, before any call."""
    references = params["instances"] or []
    errors = reference_errors(references)
    attributes, attribute_errors = normalize_attributes(params["attributes"])
    errors.extend(attribute_errors)
    if not references and (params["state"] or params["attributes"] is not None):
        errors.append("instances: name the container instances that state and attributes apply to")
    if not references and params["expected_count"] is None:
        errors.append("instances or expected_count: give the instances to manage, or the number of instances to wait for")
    if params["state"] == "deregistered" and params["attributes"] is not None:
        errors.append("attributes: a deregistered instance has none; leave attributes out with state deregistered")
    if params["expected_count"] is not None and params["expected_count"] < 0:
        errors.append(f"expected_count: must be at least 0, got {params['expected_count']}")
    if params["wait_timeout"] < 1:
        errors.append(f"wait_timeout: must be at least 1 second, got {params['wait_timeout']}")
    if errors:
        raise Refused("; ".join(errors))
    return attributes


def refuse_busy(client, cluster, changes, targets, params):
    """Deregistering an instance that runs tasks needs force, or wait (drain first)."""
    if params["force"] or params["wait"]:
        return
    errors = []
    for container_instance in targets:
        change = changes.get(container_instance["containerInstanceArn"]) or {}
        if change.get("deregister") and busy(container_instance):
            names = tasks_on(client, cluster, container_instance["containerInstanceArn"])
            count = container_instance.get("runningTasksCount", 0) + container_instance.get("pendingTasksCount", 0)
            errors.append(f"{label(container_instance)} runs {len(names) or count} task(s): {name_tasks(names) or 'not listed yet'}")
    if errors:
        raise Refused(
            f"Refusing to deregister container instances of cluster {cluster} that run tasks ({'; '.join(errors)}); "
            "drain them first (state: draining, wait: true), set wait: true to drain and then deregister, "
            "or force: true to deregister them with their tasks running"
        )


class ContainerInstances(Resource):
    CLIENTS = CLIENTS

    def desired(self):
        """The custom attributes to have, normalised (None: not managed)."""
        refuse_broken_rules(ECS_CONTAINER_INSTANCE_RULES, self.params)
        return {"attributes": validate(self.params)}

    def current(self, desired):
        """The cluster's instances and what the options name; waits (not in check mode) for named instances to register."""
        params = self.params
        fleet = Fleet(self.clients, params["cluster"], params["instances"] or []).read(cluster_may_be_gone=True)
        if fleet.gone and params["state"] != "deregistered":
            raise Refused(f"cluster: {fleet.name} does not exist")
        self.deadline = Deadline(params["wait_timeout"])
        changes_asked = params["state"] in ("active", "draining") or (params["state"] is None and desired["attributes"] is not None)
        # Instances that are to become active may still be registering: with wait, they are waited for before planning.
        may_register = params["wait"] and params["state"] != "draining"
        if fleet.missing and changes_asked:
            if may_register and not self.module.check_mode:
                self.deadline.poll(fleet.missing_problems, f"container instances of cluster {fleet.name}")
            elif not may_register:
                raise Refused(f"Not registered in cluster {fleet.name}: {', '.join(fleet.missing)}", missing=fleet.missing)
        fleet.targets = fleet.named()
        return fleet

    def plan(self, desired, current):
        fleet, params = current, self.params
        # Instances the user named by host name are shown by that name in the diff.
        names = {ci["containerInstanceArn"]: reference for reference in fleet.hosts for ci in fleet.matched.get(reference, [])}
        changes, before, after = plan(fleet.targets, params["state"], desired["attributes"], params["purge_attributes"], names)
        refuse_busy(self.clients.ecs, fleet.name, changes, fleet.targets, params)
        return Plan(before, after, [("update_container_instances", changes)] if changes else [])

    def apply(self, plan, current):
        fleet, ecs, params = current, self.clients.ecs, self.params
        changes = plan.call("update_container_instances")
        by_status, puts, deletes, removals = {}, [], [], []
        for arn, change in changes.items():
            if change.get("status"):
                by_status.setdefault(change["status"], []).append(arn)
            for name, value in (change.get("put") or {}).items():
                puts.append(dict({"name": name, "targetId": arn}, **({"value": value} if value is not None else {})))
            deletes.extend({"name": name, "targetId": arn} for name in change.get("delete") or [])
            if change.get("deregister"):
                removals.append(arn)
        for status, arns in sorted(by_status.items()):
            update_state(ecs, fleet.name, arns, status)
        if deletes:
            delete_attributes(ecs, fleet.name, deletes)
        if puts:
            put_attributes(ecs, fleet.name, puts)
        busy_ones = [ci for ci in fleet.targets if ci["containerInstanceArn"] in removals and busy(ci)]
        if busy_ones and not params["force"]:
            # wait is true (refuse_busy let it through): drain, wait for the tasks, then deregister.
            active = [ci["containerInstanceArn"] for ci in busy_ones if ci.get("status") == "ACTIVE"]
            if active:
                update_state(ecs, fleet.name, active, "DRAINING")
            drain(ecs, fleet.name, [ci["containerInstanceArn"] for ci in busy_ones], self.deadline)
        for arn in removals:
            if params["wait"] and not params["force"]:
                deregister_once_stopped(ecs, fleet.name, arn, self.deadline)
            else:
                deregister(ecs, fleet.name, arn, params["force"])
        return fleet if params["wait"] else self.read_again(fleet)  # with wait, wait() reads them again

    def wait(self, plan, resource, timeout):
        fleet, state = resource, self.params["state"]
        if state == "draining" and fleet.targets:
            drain(self.clients.ecs, fleet.name, [ci["containerInstanceArn"] for ci in fleet.targets], self.deadline)
        if state in (None, "active"):
            self.deadline.poll(lambda: fleet.readiness_problems(self.params["expected_count"]), f"container instances of cluster {fleet.name}")
            fleet.targets = unique(fleet.targets, *fleet.matched.values())
        return self.read_again(fleet)

    def read_again(self, fleet):
        """The instances as they are now: the named ones, or the whole cluster when none is named."""
        if not self.params["instances"]:
            fleet.read()
        else:
            arns = [ci["containerInstanceArn"] for ci in fleet.targets]
            fleet.targets = describe(self.clients.ecs, fleet.name, arns) if arns else []
        return fleet

    def result(self, plan, resource):
        fleet = resource
        shown = fleet.targets if self.params["instances"] else fleet.instances
        return {"missing": fleet.missing, "container_instances": fleet.summaries(shown)}


def main():
    argument_spec = dict(
        cluster=dict(type="str", default="default"),
        instances=dict(type="list", elements="str", aliases=["container_instances"]),
        state=dict(type="str", choices=["active", "draining", "deregistered"]),
        force=dict(type="bool", default=False),
        attributes=dict(type="dict"),
        purge_attributes=dict(type="bool", default=False),
        expected_count=dict(type="int"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
    )
    run(ContainerInstances, argument_spec)


if __name__ == "__main__":
    main()
