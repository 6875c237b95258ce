#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_service_info
short_description: Describe Amazon ECS services, including those on ECS Anywhere (EXTERNAL) instances
version_added: 0.1.0
description:
  - Describes the services of a cluster, all of them or by name, with their deployments, events and tags.
author:
  - Hybridops Maintainers (@hybridops)
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    default: default
  names:
    description: Names or ARNs of services. When omitted, every service of the cluster is described.
    type: list
    elements: str
    aliases: [services]
  launch_type:
    description: Only services with this launch type (when listing every service).
    type: str
    choices: [EC2, FARGATE, EXTERNAL]
  events:
    description: Keep each service's events (they can be long); when false they are left out.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Every EXTERNAL service of a cluster
  hybridops.ecs_anywhere.ecs_service_info:
    cluster: edge
    launch_type: EXTERNAL
    events: false
  register: external_services

- name: Show how many tasks each one runs
  ansible.builtin.debug:
    msg: "{{ item.service_name }}: {{ item.running_count }}/{{ item.desired_count }}"
  loop: "{{ external_services.services }}"
"""

RETURN = r"""
services:
  description:
    - The services as ECS DescribeServices returns them, in snake_case as every module of this collection returns AWS
      objects, tags as a dict.
  returned: always
  type: list
  elements: dict
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
missing:
  description: Names from O(names) that match no active service.
  returned: always
  type: list
  elements: str
  sample: [old-web]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import describe_services
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import list_service_arns
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_SERVICE_INFO_RULES


class Services(Facts):
    CLIENTS = CLIENTS
    RULES = ECS_SERVICE_INFO_RULES

    def gather(self):
        ecs, params = self.clients.ecs, self.params
        names = params["names"] or list_service_arns(ecs, params["cluster"], params["launch_type"])
        # A deleted service stays visible as INACTIVE for a while; it is no service.
        services = [service for service in describe_services(ecs, params["cluster"], names) if service.get("status") != "INACTIVE"]
        if not params["events"]:
            for service in services:
                service.pop("events", None)
        found = {service["serviceName"] for service in services} | {service["serviceArn"] for service in services}
        return {"services": services, "missing": [name for name in params["names"] or [] if name not in found]}


def main():
    argument_spec = dict(
        cluster=dict(type="str", default="default"),
        names=dict(type="list", elements="str", aliases=["services"]),
        launch_type=dict(type="str", choices=["EC2", "FARGATE", "EXTERNAL"]),
        events=dict(type="bool", default=True),
    )
    run(Services, argument_spec)


if __name__ == "__main__":
    main()
