#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_capacity_provider_info
short_description: List Amazon ECS capacity providers with their Auto Scaling group settings and tags
version_added: 0.1.0
description:
  - Describes ECS capacity providers by name or ARN, or every capacity provider of the account and region,
    with their Auto Scaling group, managed scaling, managed termination protection, managed draining, update status and tags.
  - Every capacity provider is listed as AWS lists it, V(FARGATE) and V(FARGATE_SPOT) included, page by page.
author:
  - Hybridops Maintainers (@hybridops)
options:
  names:
    description:
      - Names or ARNs of the capacity providers to describe.
      - When omitted, every capacity provider of the account and region is described.
      - A name that matches no capacity provider is left out of RV(capacity_providers) and listed in RV(missing).
    type: list
    elements: str
    aliases: [capacity_providers]
seealso:
  - module: hybridops.ecs_anywhere.ecs_capacity_provider
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Describe two capacity providers
  hybridops.ecs_anywhere.ecs_capacity_provider_info:
    names: [edge-workers, FARGATE]
  register: providers

- name: Show which Auto Scaling group each one uses
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.auto_scaling_group_provider.auto_scaling_group_arn | default('AWS Fargate') }}"
  loop: "{{ providers.capacity_providers }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
capacity_providers:
  description:
    - The capacity providers found, as ECS DescribeCapacityProviders returns them, with tags, in snake_case as every module
      of this collection returns AWS objects.
  returned: always
  type: list
  elements: dict
  contains:

    capacity_provider_arn:
      description: The capacity provider's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:capacity-provider/edge-workers
    name:
      description: The capacity provider's name.
      type: str
      sample: edge-workers
    status:
      description: C(ACTIVE), or C(INACTIVE) once deleted (AWS may list deleted ones for a while).
      type: str
      sample: ACTIVE
    type:
      description: C(EC2_AUTOSCALING), C(FARGATE), C(FARGATE_SPOT) or C(MANAGED_INSTANCES), when AWS gives it.
      type: str
      sample: EC2_AUTOSCALING
    update_status:
      description: How the last create, update or delete went, such as C(UPDATE_COMPLETE).
      type: str
      sample: UPDATE_COMPLETE
    update_status_reason:
      description: Why the last update failed, when it did.
      type: str
      sample: ""
    auto_scaling_group_provider:
      description: The Auto Scaling group and how ECS manages it; absent for V(FARGATE) and V(FARGATE_SPOT).
      type: dict
      contains:
        auto_scaling_group_arn:
          description: The Auto Scaling group's ARN.
          type: str
          sample: >-
            arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:5b4d1c1e-1f2a-4c3b-9d8e-0a1b2c3d4e5f:autoScalingGroupName/edge-workers
        managed_scaling:
          description: ECS managed scaling of the group.
          type: dict
          contains:
            status:
              description: C(ENABLED) or C(DISABLED).
              type: str
              sample: ENABLED
            target_capacity:
              description: Target utilisation of the group, in percent.
              type: int
              sample: 90
            minimum_scaling_step_size:
              description: Fewest instances added or removed at once.
              type: int
              sample: 1
            maximum_scaling_step_size:
              description: Most instances added or removed at once.
              type: int
              sample: 10
            instance_warmup_period:
              description: Seconds a new instance takes to count.
              type: int
              sample: 300
        managed_termination_protection:
          description: C(ENABLED) or C(DISABLED).
          type: str
          sample: DISABLED
        managed_draining:
          description: C(ENABLED) or C(DISABLED).
          type: str
          sample: ENABLED
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"team": "edge"}
missing:
  description: Names from O(names) that match no capacity provider.
  returned: always
  type: list
  elements: str
  sample: [old-workers]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider import describe_capacity_providers
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_CAPACITY_PROVIDER_INFO_RULES


class CapacityProviders(Facts):
    CLIENTS = CLIENTS
    RULES = ECS_CAPACITY_PROVIDER_INFO_RULES

    def gather(self):
        names = self.params["names"]
        providers = describe_capacity_providers(self.clients.ecs, names or None)
        found = {provider.get("name") for provider in providers} | {provider.get("capacityProviderArn") for provider in providers}
        return {"capacity_providers": providers, "missing": [name for name in (names or []) if name not in found]}


def main():
    argument_spec = dict(names=dict(type="list", elements="str", aliases=["capacity_providers"]))
    run(CapacityProviders, argument_spec)


if __name__ == "__main__":
    main()
