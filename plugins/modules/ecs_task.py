#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_task
short_description: Run and stop Amazon ECS tasks, or keep N of them running, on ECS Anywhere (EXTERNAL), EC2 or Fargate
version_added: 0.1.0
description:
  - V(running) keeps exactly O(count) tasks of O(task_definition) running for a O(started_by) group, and is idempotent;
    tasks of that group running another task definition are stopped.
  - V(started) runs O(count) new tasks on every run, like C(aws ecs run-task).
  - V(stopped) stops the tasks given in O(tasks), or every task of the O(started_by) group.
author:
  - Hybridops Maintainers (@hybridops)
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    default: default
  state:
    description: See the description above.
    type: str
    choices: [running, started, stopped]
    default: running
  task_definition:
    description:
      - Family (its latest ACTIVE revision), C(family:revision) or ARN. Required for V(running) and V(started).
    type: str
  count:
    description: Number of tasks to keep running (V(running)) or to start (V(started)).
    type: int
    default: 1
  started_by:
    description:
      - Names the group of tasks this module keeps (C(startedBy) in ECS, up to 36 letters, numbers, hyphens and underscores).
      - Required for V(running), and for V(stopped) without O(tasks).
    type: str
  tasks:
    description: Task ARNs or IDs to stop, with O(state=stopped).
    type: list
    elements: str
  overrides:
    description:
      - Task overrides exactly as RunTask takes them (AWS's camelCase keys, as in the CLI and AWS docs), such as
        C(containerOverrides) with C(command) and C(environment).
      - Checked against botocore's model before any call.
    type: dict
  group:
    description: Task group name.
    type: str
  propagate_tags:
    description: Copy the task definition's tags to the tasks (V(TASK_DEFINITION)), or not (V(NONE)).
    type: str
    choices: [TASK_DEFINITION, NONE]
  tags:
    description: Tags for the tasks this module starts.
    type: dict
    aliases: [resource_tags]
  reason:
    description: Reason recorded on tasks this module stops.
    type: str
    default: Stopped by hybridops.ecs_anywhere.ecs_task
  wait:
    description:
      - Wait until the started tasks are RUNNING, or the stopped ones STOPPED.
      - A task that stops instead fails the module with the stop reasons and the exit code of each container.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.placement
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The diff shows the number of tasks of the group before and after.
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: partial
    details: V(running) and V(stopped) are idempotent; V(started) starts new tasks on every run.
notes:
  - O(tags) are set on the tasks this module starts; existing tasks are not re-tagged.
"""

EXAMPLES = r"""
- name: Keep three batch workers running on external instances
  hybridops.ecs_anywhere.ecs_task:
    cluster: edge
    task_definition: worker
    launch_type: EXTERNAL
    count: 3
    started_by: nightly-workers
    placement_constraints:
      - type: memberOf
        expression: "attribute:site == lab"
    wait: true

- name: A one-off migration with overridden command
  hybridops.ecs_anywhere.ecs_task:
    cluster: edge
    state: started
    task_definition: app:12
    launch_type: EXTERNAL
    overrides:
      containerOverrides:
        - name: app
          command: [manage.py, migrate]
          environment:
            - name: DRY_RUN
              value: "false"
    wait: true

- name: Stop the workers
  hybridops.ecs_anywhere.ecs_task:
    cluster: edge
    state: stopped
    started_by: nightly-workers
"""

RETURN = r"""
tasks:
  description:
    - The group's live tasks after the run (V(running)), the tasks started (V(started)) or stopped (V(stopped)), as
      DescribeTasks returns them, in snake_case as every module of this collection returns AWS objects, tags as a dict.
  returned: always
  type: list
  elements: dict
  contains:
    task_arn:
      description: The task's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task/edge/0f1e2d3c4b5a69788695a4b3c2d1e0f9
    task_definition_arn:
      description: ARN of the task definition it runs.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task-definition/worker:2
    cluster_arn:
      description: The cluster's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:cluster/edge
    container_instance_arn:
      description: The container instance it runs on.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:container-instance/edge/4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    launch_type:
      description: C(EXTERNAL), C(EC2) or C(FARGATE).
      type: str
      sample: EXTERNAL
    started_by:
      description: The group the task belongs to (O(started_by)).
      type: str
      sample: nightly-workers
    last_status:
      description: C(PROVISIONING), C(PENDING), C(RUNNING), C(STOPPED) and the states between.
      type: str
      sample: RUNNING
    desired_status:
      description: C(RUNNING) or C(STOPPED).
      type: str
      sample: RUNNING
    stopped_reason:
      description: Why the task stopped, once it has.
      type: str
      sample: Stopped by hybridops.ecs_anywhere.ecs_task
    overrides:
      description: The overrides the task was started with (O(overrides)), in snake_case like the rest of the task.
      type: dict
      contains:
        container_overrides:
          description: Per container.
          type: list
          elements: dict
          contains:
            name:
              description: The container they apply to.
              type: str
              sample: worker
            command:
              description: The command it runs instead of the image's.
              type: list
              elements: str
              sample: [python, batch.py]
            environment:
              description: Environment variables added.
              type: list
              elements: dict
              contains:
                name:
                  description: The variable's name, as given.
                  type: str
                  sample: BATCH
                value:
                  description: Its value.
                  type: str
                  sample: "7"
    containers:
      description: The task's containers.
      type: list
      elements: dict
      contains:
        name:
          description: Its name in the task definition.
          type: str
          sample: worker
        last_status:
          description: Its state.
          type: str
          sample: RUNNING
        exit_code:
          description: Its exit code, once stopped.
          type: int
          sample: 0
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"team": "edge"}
started:
  description: ARNs of the tasks this run started.
  returned: always
  type: list
  elements: str
  sample: [arn:aws:ecs:us-east-1:123456789012:task/edge/0f1e2d3c4b5a69788695a4b3c2d1e0f9]
stopped:
  description: ARNs of the tasks this run stopped.
  returned: always
  type: list
  elements: str
  sample: [arn:aws:ecs:us-east-1:123456789012:task/edge/1a2b3c4d5e6f70819293a4b5c6d7e8f9]
failures:
  description: Placement failures RunTask reported (the module fails when there are any).
  returned: on failure
  type: list
  elements: dict
  contains:
    arn:
      description: The container instance (or resource) that failed.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:container-instance/edge/4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    reason:
      description: Why.
      type: str
      sample: RESOURCE:MEMORY
    detail:
      description: More about it, when ECS says.
      type: str
      sample: ""
stop_reasons:
  description: For tasks that stopped while the module waited for them to run, why, with each container's exit code.
  returned: on failure
  type: list
  elements: dict
  contains:
    task_arn:
      description: The task's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task/edge/0f1e2d3c4b5a69788695a4b3c2d1e0f9
    last_status:
      description: The task's state.
      type: str
      sample: STOPPED
    stop_code:
      description: ECS's code for the stop.
      type: str
      sample: EssentialContainerExited
    stopped_reason:
      description: Why it stopped.
      type: str
      sample: Essential container in task exited
    containers:
      description: Each container's name, exit code and reason.
      type: list
      elements: dict
      contains:
        name:
          description: Which container.
          type: str
          sample: app
        exit_code:
          description: Its exit code.
          type: int
          sample: 1
        reason:
          description: Why it stopped, when the agent says.
          type: str
          sample: null
"""

import re

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import task as api
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import cluster_missing
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_ARGUMENT_SPEC
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_FIELDS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_MUTUALLY_EXCLUSIVE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import request_from_options
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import external_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import network_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import dict_to_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import NOT_YET
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import describe_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Failure
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.plan import Plan
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_TASK_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules

# ECS's own limit on startedBy.
STARTED_BY = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
TASK_FIELDS = dict(PLACEMENT_FIELDS, overrides="overrides", group="group", started_by="startedBy")


def option_errors(params):
    errors = []
    state = params["state"]
    if state in ("running", "started") and not params["task_definition"]:
        errors.append(f"task_definition: required with state {state}")
    if state == "running" and not params["started_by"]:
        errors.append("started_by: required with state running; it names the group of tasks to keep")
    if state == "stopped" and not (params["tasks"] or params["started_by"]):
        errors.append("tasks: give the tasks to stop, or started_by to stop a group")
    if params["started_by"] and not STARTED_BY.match(params["started_by"]):
        errors.append("started_by: up to 36 letters, numbers, hyphens and underscores")
    if params["count"] < 0 or (state == "started" and params["count"] < 1):
        errors.append(f"count: must be at least {0 if state == 'running' else 1}")
    return errors


def plan_tasks(state, count, task_definition_arn, tasks):
    """The plan of each state: its two sides (what the diff shows) and the calls ``stop_tasks`` (ARNs) and ``run_tasks`` (count)."""
    if state == "stopped":
        arns = [task["taskArn"] for task in tasks]
        return Plan({"count": len(arns)}, {"count": 0}, [("stop_tasks", arns)] if arns else [])
    if state == "started":
        return Plan({"started": 0}, {"started": count}, [("run_tasks", count)])
    to_start, to_stop = api.plan_running(tasks, task_definition_arn, count)
    before = {"task_definition": sorted({task["taskDefinitionArn"] for task in tasks}), "count": len(tasks)}
    after = {"task_definition": [task_definition_arn] if count else [], "count": count}
    calls = [("stop_tasks", [task["taskArn"] for task in to_stop])] if to_stop else []
    return Plan(before, after, calls + ([("run_tasks", to_start)] if to_start else []))


class Tasks(Resource):
    """The tasks of a ``started_by`` group (running), the tasks to start (started) or those to stop (stopped).

    ``current`` and what ``apply`` returns: ``{"tasks": [...], "started": ARNs}``.
    """

    CLIENTS = CLIENTS

    def desired(self):
        """The RunTask request from the options, checked against botocore's model; raises Refused naming bad fields."""
        params = self.params
        refuse_broken_rules(ECS_TASK_RULES, params)
        errors = option_errors(params)
        request = request_from_options(params, TASK_FIELDS)
        if params["tags"]:
            request["tags"] = dict_to_tags(params["tags"])
        if params["state"] != "stopped":
            try:
                request = prepare_request(self.clients.ecs, "RunTask", dict(request, cluster=params["cluster"]))
            except RequestValidationError as e:
                errors.extend(e.errors)
            request.pop("cluster", None)
        if errors:
            raise Refused("; ".join(errors))
        return request

    def resolve(self, request):
        """Resolve the task definition to an ARN and check what EXTERNAL instances cannot run."""
        task_definition = describe_task_definition(self.clients.ecs, request["taskDefinition"])[0]
        if not task_definition or task_definition.get("status") != "ACTIVE":
            if not self.module.check_mode:
                raise Refused(f"task_definition: {request['taskDefinition']} names no ACTIVE task definition")
            self.warn(NOT_YET.format(name=request["taskDefinition"]))  # every task of the group would be replaced
            return
        request["taskDefinition"] = task_definition["taskDefinitionArn"]
        errors = external_errors(request, task_definition) + network_errors(request, task_definition)
        if errors:
            raise Refused("; ".join(errors))

    def current(self, desired):
        ecs, params = self.clients.ecs, self.params
        if params["state"] != "stopped":
            self.resolve(desired)
            tasks = api.live_tasks(ecs, params["cluster"], params["started_by"]) if params["state"] == "running" else []
            return {"tasks": tasks, "started": []}
        try:
            if params["tasks"]:
                # A task RunTask just started may not show yet: stopping it must not take it for gone.
                named = api.describe_settled(ecs, params["cluster"], params["tasks"])
                tasks = [task for task in named if task.get("desiredStatus") != "STOPPED"]
            else:
                tasks = api.live_tasks(ecs, params["cluster"], params["started_by"])
        except AnsibleECSError as e:
            if not cluster_missing(e):
                raise
            tasks = []  # a cluster that is gone runs nothing: nothing to stop
        return {"tasks": tasks, "started": []}

    def plan(self, desired, current):
        self.request = desired
        return plan_tasks(self.params["state"], self.params["count"], desired.get("taskDefinition"), current["tasks"])

    def start(self, count):
        """Start tasks, failing with ECS's placement failures when it could not place them all."""
        started, failures = api.run_tasks(self.clients.ecs, self.params["cluster"], self.request, count)
        if failures or len(started) < count:
            reasons = ", ".join(sorted({f"{failure.get('reason')}" for failure in failures}))
            raise Refused(f"RunTask placed {len(started)} of {count} task(s): {reasons or 'no reason given'}",
                          failures=failures, started=[task["taskArn"] for task in started])
        return started

    def apply(self, plan, current):
        ecs, params = self.clients.ecs, self.params
        stopped = api.stop_tasks(ecs, params["cluster"], plan.call("stop_tasks"), params["reason"]) if plan.planned("stop_tasks") else []
        started = self.start(plan.call("run_tasks")) if plan.planned("run_tasks") else []
        arns = [task["taskArn"] for task in started]
        if params["state"] == "running":
            return {"tasks": api.live_tasks(ecs, params["cluster"], params["started_by"]), "started": arns}
        return {"tasks": started if params["state"] == "started" else stopped, "started": arns}

    def wait(self, plan, resource, timeout):
        ecs, cluster, state = self.clients.ecs, self.params["cluster"], self.params["state"]
        if state == "stopped":
            if not plan.planned("stop_tasks"):
                return resource
            arns = plan.call("stop_tasks")
            try:
                api.wait_for_tasks(ecs, cluster, arns, "STOPPED", timeout)
            except Failure as e:
                raise Refused(f"Tasks did not reach the state asked for: {e}") from e
            return dict(resource, tasks=api.describe_tasks(ecs, cluster, arns))
        if not resource["started"]:
            return resource
        try:
            api.wait_for_tasks(ecs, cluster, resource["started"], "RUNNING", timeout)
        except Failure as e:
            tasks = api.describe_tasks(ecs, cluster, resource["started"])
            raise Refused(f"Tasks did not reach RUNNING: {e}", stop_reasons=api.stop_reasons(tasks), started=list(resource["started"])) from e
        if state == "running":
            return dict(resource, tasks=api.live_tasks(ecs, cluster, self.params["started_by"]))
        return dict(resource, tasks=api.describe_tasks(ecs, cluster, resource["started"]))

    def result(self, plan, resource):
        return {"tasks": resource["tasks"], "started": resource["started"], "stopped": plan.call("stop_tasks") or []}


def main():
    argument_spec = dict(
        cluster=dict(type="str", default="default"),
        state=dict(type="str", choices=["running", "started", "stopped"], default="running"),
        task_definition=dict(type="str"),
        count=dict(type="int", default=1),
        started_by=dict(type="str"),
        tasks=dict(type="list", elements="str"),
        overrides=dict(type="dict"),
        group=dict(type="str"),
        propagate_tags=dict(type="str", choices=["TASK_DEFINITION", "NONE"]),
        reason=dict(type="str", default="Stopped by hybridops.ecs_anywhere.ecs_task"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
    )
    argument_spec.update(PLACEMENT_ARGUMENT_SPEC)
    run(Tasks, argument_spec, mutually_exclusive=PLACEMENT_MUTUALLY_EXCLUSIVE)


if __name__ == "__main__":
    main()
