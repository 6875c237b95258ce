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
extends_documentation_fragment:
  - hybridops.ecs_anywhere.aws_objects.services
services:
  description:
    - The services as ECS DescribeServices returns them, in snake_case as every module of this collection returns AWS
      objects, tags as a dict.
  returned: always
  type: list
  elements: dict
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
