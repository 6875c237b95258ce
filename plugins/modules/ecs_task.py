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
  description: The group's live tasks after the run (V(running)), the tasks started (V(started)) or stopped (V(stopped)), as DescribeTasks returns them.
  returned: always
  type: list
  elements: dict
  sample: [{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/edge/0f1e2d", "lastStatus": "RUNNING", "startedBy": "nightly-workers"}]
started:
  description: ARNs of the tasks this run started.
  returned: always
  type: list
  elements: str
stopped:
  description: ARNs of the tasks this run stopped.
  returned: always
  type: list
  elements: str
failures:
  description: Placement failures RunTask reported (the module fails when there are any).
  returned: on failure
  type: list
  elements: dict
  sample: [{"arn": "arn:aws:ecs:us-east-1:123456789012:container-instance/edge/1", "reason": "RESOURCE:MEMORY"}]
stop_reasons:
  description: For tasks that stopped while the module waited for them to run, why, with each container's exit code.
  returned: on failure
  type: list
  elements: dict
  sample: [{"task_arn": "arn:aws:ecs:us-east-1:123456789012:task/edge/0f1e2d", "stopped_reason": "Essential container in task exited",
            "containers": [{"name": "app", "exit_code": 1, "reason": null}]}]
"""

import re

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule.

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import cluster_missing
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import ecs_client
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_ARGUMENT_SPEC
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_FIELDS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_MUTUALLY_EXCLUSIVE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import request_from_options
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import external_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import network_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import dict_to_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import describe_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import live_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import plan_running
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import run_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import stop_reasons
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import stop_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import wait_for_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import describe_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import failures_reported
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import all_tags_as_dict
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import ECS_TASK_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import refuse_broken_rules

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


def run_request(client, params):
    """The RunTask request from the options, checked against botocore's model; raises Refused naming bad fields."""
    errors = option_errors(params)
    request = request_from_options(params, TASK_FIELDS)
    if params["tags"]:
        request["tags"] = dict_to_tags(params["tags"])
    if params["state"] != "stopped":
        try:
            request = prepare_request(client, "RunTask", dict(request, cluster=params["cluster"]))
        except RequestValidationError as e:
            errors.extend(e.errors)
        request.pop("cluster", None)
    if errors:
        raise Refused("; ".join(errors))
    return request


def resolve(client, request):
    """Resolve the task definition to an ARN and check what EXTERNAL instances cannot run."""
    task_definition = describe_task_definition(client, request["taskDefinition"])[0]
    if not task_definition or task_definition.get("status") != "ACTIVE":
        raise Refused(f"task_definition: {request['taskDefinition']} names no ACTIVE task definition")
    request["taskDefinition"] = task_definition["taskDefinitionArn"]
    errors = external_errors(request, task_definition) + network_errors(request, task_definition)
    if errors:
        raise Refused("; ".join(errors))


def start(module, client, request, count):
    """Start tasks, failing with ECS's placement failures when it could not place them all."""
    if module.check_mode or count == 0:
        return []
    started, failures = run_tasks(client, module.params["cluster"], request, count)
    if failures or len(started) < count:
        reasons = ", ".join(sorted({f"{failure.get('reason')}" for failure in failures}))
        raise Refused(f"RunTask placed {len(started)} of {count} task(s): {reasons or 'no reason given'}",
                      failures=failures, started=[task["taskArn"] for task in started])
    return started


def wait_running(module, client, arns):
    try:
        wait_for_tasks(client, module.params["cluster"], arns, "RUNNING", module.params["wait_timeout"])
    except botocore.exceptions.WaiterError as e:
        tasks = describe_tasks(client, module.params["cluster"], arns)
        raise Refused(f"Tasks did not reach RUNNING: {e}", stop_reasons=stop_reasons(tasks), started=list(arns)) from e


def ensure_running(module, client, request, progress):
    params = module.params
    resolve(client, request)
    tasks = live_tasks(client, params["cluster"], params["started_by"])
    to_start, to_stop = plan_running(tasks, request["taskDefinition"], params["count"])
    changed = bool(to_start or to_stop)
    before = {"task_definition": sorted({task["taskDefinitionArn"] for task in tasks}), "count": len(tasks)}
    after = {"task_definition": [request["taskDefinition"]] if params["count"] else [], "count": params["count"]}
    result = dict(changed=changed, started=[], stopped=[task["taskArn"] for task in to_stop], diff=dict(before=before, after=after))
    if module.check_mode:
        return dict(result, tasks=tasks)
    progress.report(result)
    if to_stop:
        stop_tasks(client, params["cluster"], result["stopped"], params["reason"])
    started = start(module, client, request, to_start)
    result["started"] = [task["taskArn"] for task in started]
    if params["wait"] and result["started"]:
        wait_running(module, client, result["started"])
    return dict(result, tasks=live_tasks(client, params["cluster"], params["started_by"]) if changed else tasks)


def ensure_started(module, client, request, progress):
    params = module.params
    resolve(client, request)
    result = dict(changed=True, started=[], stopped=[], diff=dict(before={"started": 0}, after={"started": params["count"]}))
    progress.report(result)
    started = start(module, client, request, params["count"])
    result["started"] = [task["taskArn"] for task in started]
    if params["wait"] and result["started"]:
        wait_running(module, client, result["started"])
        started = describe_tasks(client, params["cluster"], result["started"])
    return dict(result, tasks=started)


def ensure_stopped(module, client, progress):
    params = module.params
    try:
        if params["tasks"]:
            tasks = [task for task in describe_tasks(client, params["cluster"], params["tasks"]) if task.get("desiredStatus") != "STOPPED"]
        else:
            tasks = live_tasks(client, params["cluster"], params["started_by"])
    except AnsibleECSError as e:
        if not cluster_missing(e):
            raise
        tasks = []  # a cluster that is gone runs nothing: nothing to stop
    arns = [task["taskArn"] for task in tasks]
    result = dict(changed=bool(arns), started=[], stopped=arns, diff=dict(before={"count": len(arns)}, after={"count": 0}))
    if module.check_mode or not arns:
        return dict(result, tasks=tasks)
    progress.report(result)
    stopped = stop_tasks(client, params["cluster"], arns, params["reason"])
    if params["wait"]:
        try:
            wait_for_tasks(client, params["cluster"], arns, "STOPPED", params["wait_timeout"])
        except botocore.exceptions.WaiterError as e:
            raise Refused(f"Tasks did not reach the state asked for: {e}") from e
        stopped = describe_tasks(client, params["cluster"], arns)
    return dict(result, tasks=stopped)


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
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, mutually_exclusive=PLACEMENT_MUTUALLY_EXCLUSIVE)
    with failures_reported(module) as progress:
        refuse_broken_rules(ECS_TASK_RULES, module.params)
        client = ecs_client(module)
        request = run_request(client, module.params)
        if module.params["state"] == "running":
            result = ensure_running(module, client, request, progress)
        elif module.params["state"] == "started":
            result = ensure_started(module, client, request, progress)
        else:
            result = ensure_stopped(module, client, progress)
    result["tasks"] = all_tags_as_dict(result["tasks"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
