#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_service
short_description: Create, update and delete Amazon ECS services, including services on ECS Anywhere (EXTERNAL) instances
version_added: 0.1.0
description:
  - Manages an ECS service with launch type V(EC2), V(FARGATE) or V(EXTERNAL) (ECS Anywhere), or a capacity provider strategy.
  - Compares only what you set; everything else is left to AWS (and to whoever else manages it, such as autoscaling).
  - Settings that ECS cannot change on an existing service (those C(UpdateService) lacks in botocore's model, such as
    O(launch_type), O(scheduling_strategy) and O(role)), and O(deployment_controller) which ECS refuses to change, fail with
    an error naming them, unless O(force_replace=true).
  - For V(EXTERNAL) the restrictions of ECS Anywhere are checked before any call that writes; no network configuration,
    load balancers, service registries, O(role), O(platform_version), capacity provider strategy or deployment controller
    other than V(ECS), and a task definition whose network mode is not V(awsvpc) and that requires no capability the
    ECS agent leaves out on external instances (task ENI, App Mesh, Elastic Inference, Service Connect, EBS task volumes).
  - O(network_configuration) only with a task definition of network mode V(awsvpc), which needs one; checked before any write.
  - Safe when several runs (AWX slices) create the same service at once; a run that finds it created meanwhile
    converges on it as a later run would.
author:
  - Hybridops Maintainers (@hybridops)
options:
  name:
    description: Name of the service.
    type: str
    required: true
    aliases: [service]
  cluster:
    description: Name or ARN of the cluster.
    type: str
    default: default
  state:
    description:
      - V(present) creates or updates the service; V(absent) scales it to zero, deletes it and, with O(wait), waits until it is INACTIVE.
    type: str
    choices: [present, absent]
    default: present
  task_definition:
    description:
      - Task definition as a family (its latest ACTIVE revision), C(family:revision) or an ARN.
      - A bare family is resolved to its latest ACTIVE revision; the service changes only when it does not run that revision already.
      - Required to create a service.
    type: str
  desired_count:
    description:
      - Number of tasks to keep running. Leave it unset (null) to leave the count to autoscaling or to others.
      - Required to create a V(REPLICA) service; not allowed for V(DAEMON).
    type: int
  scheduling_strategy:
    description: V(REPLICA) or V(DAEMON) (one task per instance). Cannot be changed without O(force_replace).
    type: str
    choices: [REPLICA, DAEMON]
  deployment_configuration:
    description: How deployments replace tasks.
    type: dict
    suboptions:
      maximum_percent:
        description: Upper limit of running tasks during a deployment, as a percentage of O(desired_count).
        type: int
      minimum_healthy_percent:
        description: Lower limit of healthy tasks during a deployment, as a percentage of O(desired_count).
        type: int
      deployment_circuit_breaker:
        description: Stop (and optionally roll back) a deployment whose tasks keep failing.
        type: dict
        suboptions:
          enable:
            description: Turn the circuit breaker on.
            type: bool
            required: true
          rollback:
            description: Roll back to the last completed deployment when it trips.
            type: bool
            required: true
      alarms:
        description: CloudWatch alarms that fail a deployment.
        type: dict
        suboptions:
          alarm_names:
            description: Names of the alarms.
            type: list
            elements: str
            required: true
          enable:
            description: Use the alarms.
            type: bool
            required: true
          rollback:
            description: Roll back when an alarm fires.
            type: bool
            required: true
  deployment_controller:
    description: Deployment controller.
    type: dict
    suboptions:
      type:
        description: V(ECS), V(CODE_DEPLOY) or V(EXTERNAL).
        type: str
        required: true
        choices: [ECS, CODE_DEPLOY, EXTERNAL]
  load_balancers:
    description: Load balancers (not for EXTERNAL).
    type: list
    elements: dict
    suboptions:
      target_group_arn:
        description: Target group ARN.
        type: str
      load_balancer_name:
        description: Classic load balancer name.
        type: str
      container_name:
        description: Container to route to.
        type: str
        required: true
      container_port:
        description: Port of that container.
        type: int
        required: true
  service_registries:
    description: Cloud Map service registries (not for EXTERNAL).
    type: list
    elements: dict
    suboptions:
      registry_arn:
        description: Service registry ARN.
        type: str
        required: true
      port:
        description: Port for SRV records.
        type: int
      container_name:
        description: Container name for SRV records.
        type: str
      container_port:
        description: Container port for SRV records.
        type: int
  role:
    description: IAM role name or ARN for load balancer registration (older services only). Cannot be changed without O(force_replace).
    type: str
  health_check_grace_period_seconds:
    description: Seconds to ignore load balancer health checks after a task starts.
    type: int
  propagate_tags:
    description: Copy tags to tasks from the V(TASK_DEFINITION) or the V(SERVICE), or V(NONE).
    type: str
    choices: [TASK_DEFINITION, SERVICE, NONE]
  force_new_deployment:
    description: Start a new deployment even if nothing changed (for example to pull a moved image tag). Always reports a change.
    type: bool
    default: false
  force_replace:
    description:
      - When a setting that ECS cannot update differs, delete the service and create it again instead of failing.
      - The service's tasks stop during the replacement.
    type: bool
    default: false
  wait:
    description:
      - Wait until the service is stable (one deployment, running count equal to desired count), or INACTIVE after O(state=absent).
      - On a timeout or a failed deployment the module fails with the service's recent events and the reasons its tasks stopped.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
  - hybridops.ecs_anywhere.placement
"""

EXAMPLES = r"""
- name: Run two copies of a web server on ECS Anywhere (external) instances
  hybridops.ecs_anywhere.ecs_service:
    name: web
    cluster: edge
    task_definition: web
    launch_type: EXTERNAL
    desired_count: 2
    deployment_configuration:
      minimum_healthy_percent: 50
      maximum_percent: 100
      deployment_circuit_breaker:
        enable: true
        rollback: true
    placement_constraints:
      - type: memberOf
        expression: "attribute:site == lab"
    tags:
      team: edge
    wait: true

- name: One log shipper on every external instance
  hybridops.ecs_anywhere.ecs_service:
    name: log-shipper
    cluster: edge
    task_definition: fluent-bit:3
    launch_type: EXTERNAL
    scheduling_strategy: DAEMON

- name: Deploy the latest revision, leaving the task count to autoscaling
  hybridops.ecs_anywhere.ecs_service:
    name: web
    cluster: edge
    task_definition: web

- name: Remove the service
  hybridops.ecs_anywhere.ecs_service:
    name: web
    cluster: edge
    state: absent
    wait: true
"""

RETURN = r"""
service:
  description:
    - The service as ECS DescribeServices returns it, in snake_case as every module of this collection returns AWS objects,
      tags as a dict; empty after O(state=absent) and in check mode when it would be created.
  returned: always
  type: dict
  contains:

    service_name:
      description: The service's name.
      type: str
      sample: web
    service_arn:
      description: The service's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:service/edge/web
    cluster_arn:
      description: The cluster's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:cluster/edge
    status:
      description: C(ACTIVE), C(DRAINING) or C(INACTIVE).
      type: str
      sample: ACTIVE
    launch_type:
      description: C(EXTERNAL), C(EC2) or C(FARGATE); absent with a capacity provider strategy.
      type: str
      sample: EXTERNAL
    scheduling_strategy:
      description: C(REPLICA) or C(DAEMON).
      type: str
      sample: REPLICA
    task_definition:
      description: ARN of the task definition the service runs.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task-definition/web:4
    desired_count:
      description: Tasks the service keeps running.
      type: int
      sample: 2
    running_count:
      description: Tasks in the RUNNING state.
      type: int
      sample: 2
    pending_count:
      description: Tasks in the PENDING state.
      type: int
      sample: 0
    deployment_configuration:
      description: How deployments replace tasks.
      type: dict
      contains:
        maximum_percent:
          description: Upper limit of running tasks during a deployment, in percent of the desired count.
          type: int
          sample: 200
        minimum_healthy_percent:
          description: Lower limit of healthy tasks during a deployment, in percent of the desired count.
          type: int
          sample: 100
        deployment_circuit_breaker:
          description: Whether a failing deployment stops, and rolls back.
          type: dict
          contains:
            enable:
              description: Whether a failing deployment stops.
              type: bool
              sample: true
            rollback:
              description: Whether it then rolls back to the last completed deployment.
              type: bool
              sample: true
    deployments:
      description: The service's deployments, the newest first.
      type: list
      elements: dict
      contains:
        id:
          description: The deployment's id.
          type: str
          sample: ecs-svc/1234567890123456789
        status:
          description: C(PRIMARY), C(ACTIVE) or C(INACTIVE).
          type: str
          sample: PRIMARY
        task_definition:
          description: ARN of the task definition it deploys.
          type: str
          sample: arn:aws:ecs:us-east-1:123456789012:task-definition/web:4
        desired_count:
          description: Tasks it aims for.
          type: int
          sample: 2
        running_count:
          description: Its tasks in the RUNNING state.
          type: int
          sample: 2
        rollout_state:
          description: C(IN_PROGRESS), C(COMPLETED) or C(FAILED).
          type: str
          sample: COMPLETED
    events:
      description: The service's latest events (ECS keeps 100), the newest first.
      type: list
      elements: dict
      contains:
        id:
          description: The event's id.
          type: str
          sample: 0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9
        created_at:
          description: When it happened.
          type: str
          sample: "2026-01-01T10:00:00+00:00"
        message:
          description: What happened.
          type: str
          sample: (service web) has reached a steady state.
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"team": "edge"}
tags:
  description: The service's tags (in check mode, those it would get).
  returned: always
  type: dict
  sample: {"team": "edge"}
changed_fields:
  description:
    - The options whose values differed and were updated (or would be, in check mode), by option name.
    - V(force_new_deployment) when O(force_new_deployment) starts a new deployment of an existing service.
  returned: always
  type: list
  elements: str
  sample: [desired_count, task_definition]
replaced:
  description: Whether the service was deleted and created again because of O(force_replace).
  returned: always
  type: bool
  sample: false
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import service as api
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_MUTUALLY_EXCLUSIVE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_fields import SERVICE_ARGUMENT_SPEC
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_fields import desired_settings
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import changed_fields
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import option_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_plan import refusals
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import apply_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import dict_to_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import NOT_YET
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import describe_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Failure
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_SERVICE_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules


class Service(Resource):
    CLIENTS = CLIENTS

    def desired(self):
        """The CreateService settings the options set, checked against the ECS model (no call is made); None for state=absent."""
        params = self.params
        refuse_broken_rules(ECS_SERVICE_RULES, params)
        if params["state"] == "absent":
            return None
        errors = option_errors(params)
        try:
            settings = prepare_request(self.clients.ecs, "CreateService", dict(desired_settings(params), cluster=params["cluster"], serviceName=params["name"]))
        except RequestValidationError as e:
            errors.extend(e.errors)
        if errors:
            raise Refused("; ".join(errors))
        settings.pop("cluster", None)
        settings.pop("serviceName", None)
        return settings

    def current(self, desired):
        return api.describe_service(self.clients.ecs, self.params["cluster"], self.params["name"])

    def task_definition(self, name):
        """The ACTIVE task definition that family, family:revision or ARN ``name`` names (read once a run); None in check mode when there is none yet."""
        if not hasattr(self, "_task_definition"):
            found = describe_task_definition(self.clients.ecs, name)[0]
            if not found or found.get("status") != "ACTIVE":
                if not self.module.check_mode:
                    raise Refused(f"task_definition: {name} names no ACTIVE task definition")
                self.warn(NOT_YET.format(name=name))
                found = None
            self._task_definition = found
        return self._task_definition

    def plan(self, desired, current):
        if desired is None:
            return plan_absent(current)
        settings = dict(desired)
        task_definition = self.task_definition(settings["taskDefinition"]) if settings.get("taskDefinition") else None
        if task_definition:
            settings["taskDefinition"] = task_definition["taskDefinitionArn"]
        errors = refusals(self.params, settings, current, task_definition)
        if errors:
            raise Refused("; ".join(errors))
        return plan_present(self.params, settings, current)

    def apply(self, plan, current):
        ecs, cluster, name = self.clients.ecs, self.params["cluster"], self.params["name"]
        if plan.planned("delete_service"):
            api.delete_service(ecs, cluster, name, plan.call("delete_service"))
            return None
        if plan.planned("create_service"):
            return api.create_service(ecs, cluster, name, plan.call("create_service"), dict_to_tags(plan.after["tags"]))
        if plan.planned("replace_service"):
            settings, tags = plan.call("replace_service")
            api.delete_service(ecs, cluster, name, current.get("schedulingStrategy"))
            self.wait_for(plan, None, gone=True, why_gone="after its deletion by force_replace, so it was not created again")
            return api.create_service(ecs, cluster, name, settings, dict_to_tags(tags))
        service = api.update_service(ecs, cluster, name, plan.call("update_service")) if plan.planned("update_service") else current
        if plan.planned("update_tags"):
            apply_tags(ecs, current["serviceArn"], *plan.call("update_tags"))
        return api.describe_service(ecs, cluster, name) or service

    def wait_for(self, plan, resource, gone=False, why_gone="after its deletion"):
        """Wait for the service to become stable (INACTIVE when ``gone``); a failed wait says what the service did and what changed."""
        params, ecs = self.params, self.clients.ecs
        try:
            api.wait_for_service(ecs, params["cluster"], params["name"], params["wait_timeout"], gone=gone)
        except Failure as e:
            why = api.why_not_stable(ecs, params["cluster"], params["name"])
            waited_for = f"INACTIVE {why_gone}" if gone else "stable"
            raise Failure(f"Service {params['name']} did not become {waited_for} within {params['wait_timeout']} seconds: {e}",
                          diff=plan.diff, **dict(self.result(plan, resource), **why)) from e

    def wait(self, plan, resource, timeout):
        if self.params["state"] == "absent":
            if plan.planned("delete_service"):
                self.wait_for(plan, None, gone=True)
            return None
        self.wait_for(plan, resource)
        return api.describe_service(self.clients.ecs, self.params["cluster"], self.params["name"])

    def result(self, plan, resource):
        result = dict(changed_fields=changed_fields(plan), replaced=plan.planned("replace_service"))
        if resource is None and plan.planned("create_service"):
            return dict(result, service={}, tags=plan.after["tags"])  # check mode: the tags it would get
        return dict(result, **api.service_result(resource))


def main():
    run(Service, SERVICE_ARGUMENT_SPEC, mutually_exclusive=PLACEMENT_MUTUALLY_EXCLUSIVE)


if __name__ == "__main__":
    main()
