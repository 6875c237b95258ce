# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Where and how tasks are placed: shared by ecs_service and ecs_task.
    DOCUMENTATION = r"""
options:
  launch_type:
    description:
      - Launch type. V(EXTERNAL) places tasks on ECS Anywhere (external) instances.
      - Mutually exclusive with O(capacity_provider_strategy).
    type: str
    choices: [EC2, FARGATE, EXTERNAL]
  capacity_provider_strategy:
    description: Capacity provider strategy, instead of O(launch_type).
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: Name of the capacity provider.
        type: str
        required: true
      weight:
        description: Relative share of tasks.
        type: int
        default: 0
      base:
        description: Tasks placed on this provider first.
        type: int
        default: 0
  placement_constraints:
    description: Placement constraints, in any order.
    type: list
    elements: dict
    suboptions:
      type:
        description: V(distinctInstance) or V(memberOf).
        type: str
        required: true
        choices: [distinctInstance, memberOf]
      expression:
        description: Cluster query language expression for V(memberOf), such as C(attribute:site == lab).
        type: str
  placement_strategy:
    description: Placement strategy, in order of precedence.
    type: list
    elements: dict
    suboptions:
      type:
        description: V(random), V(spread) or V(binpack).
        type: str
        required: true
        choices: [random, spread, binpack]
      field:
        description: Field the strategy applies to, such as C(instanceId) or C(memory).
        type: str
  network_configuration:
    description: awsvpc network configuration (EC2 and FARGATE only; EXTERNAL instances do not support awsvpc).
    type: dict
    suboptions:
      subnets:
        description: Subnet IDs.
        type: list
        elements: str
        required: true
      security_groups:
        description: Security group IDs.
        type: list
        elements: str
      assign_public_ip:
        description: V(ENABLED) or V(DISABLED).
        type: str
        choices: [ENABLED, DISABLED]
  platform_version:
    description: Fargate platform version.
    type: str
  enable_execute_command:
    description: Allow ECS Exec into the tasks.
    type: bool
  enable_ecs_managed_tags:
    description: Let ECS tag the tasks with the cluster (and service) names.
    type: bool
"""
