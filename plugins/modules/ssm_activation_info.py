#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ssm_activation_info
short_description: List AWS Systems Manager hybrid activations with their expiry and registration counts
version_added: 0.1.0
description:
  - Lists SSM hybrid activations, with when they expire, how many hosts registered and how many may still, and whether they are usable.
  - Never returns an activation code; AWS gives it only once, to whoever creates the activation.
author:
  - Hybridops Maintainers (@hybridops)
options:
  name:
    description: Only activations of this name (their C(hybridops:activation-name) tag, as M(hybridops.ecs_anywhere.ssm_activation) sets it).
    type: str
  ids:
    description: Only these activation IDs.
    type: list
    elements: str
    aliases: [activation_ids]
  iam_role:
    description: Only activations that give this IAM role (name, C(path/name) or ARN).
    type: str
  default_instance_name:
    description: Only activations with this default instance name.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Every activation of the account and region
  hybridops.ecs_anywhere.ssm_activation_info:
  register: all_activations

- name: The activations of one name
  hybridops.ecs_anywhere.ssm_activation_info:
    name: edge-onboarding
  register: onboarding

- name: Show the usable ones with what they have left
  ansible.builtin.debug:
    msg: "{{ item.activation_id }}: {{ item.registrations_left }} registrations left until {{ item.expiration_date }}"
  loop: "{{ onboarding.activations | selectattr('usable') }}"
"""

RETURN = r"""
activations:
  description:
    - The activations found, as DescribeActivations returns them, in snake_case as every module of this collection returns
      AWS objects, plus C(name), C(usable) and C(registrations_left).
  returned: always
  type: list
  elements: dict
  contains:

    activation_id:
      description: The activation's ID.
      type: str
      sample: 2a2dbd2a-36a2-4d1a-a9c1-4a0c1d2e3f4a
    name:
      description: The activation's name (its C(hybridops:activation-name) tag); null when it has none.
      type: str
      sample: edge-onboarding
    description:
      description: Its description.
      type: str
      sample: Hosts of the edge site
    default_instance_name:
      description: The name registered instances get.
      type: str
      sample: edge
    iam_role:
      description: The IAM role registered instances get.
      type: str
      sample: ecsAnywhereRole
    registration_limit:
      description: How many hosts may register.
      type: int
      sample: 3
    registrations_count:
      description: How many have.
      type: int
      sample: 1
    registrations_left:
      description: How many more may.
      type: int
      sample: 2
    created_date:
      description: When it was created (ISO 8601).
      type: str
      sample: "2030-01-29T12:00:00+00:00"
    expiration_date:
      description: When it expires (ISO 8601).
      type: str
      sample: "2030-01-31T12:00:00+00:00"
    expired:
      description: Whether it has.
      type: bool
      sample: false
    usable:
      description: Not expired, registrations left (and, for M(hybridops.ecs_anywhere.ssm_activation), the IAM role asked for).
      type: bool
      sample: true
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"hybridops:activation-name": "edge-onboarding"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation import describe_activations
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation import filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import describe
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import role_name
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import utcnow
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import SSM_ACTIVATION_INFO_RULES


class Activations(Facts):
    CLIENTS = CLIENTS
    RULES = SSM_ACTIVATION_INFO_RULES

    def gather(self):
        params = self.params
        found = describe_activations(
            self.clients.ssm,
            filters(params["ids"], role_name(params["iam_role"]), params["default_instance_name"]),
            params["name"],
        )
        now = utcnow()
        return {"activations": normalize_boto3_result([describe(activation, now) for activation in found])}


def main():
    argument_spec = dict(
        name=dict(type="str"),
        ids=dict(type="list", elements="str", aliases=["activation_ids"]),
        iam_role=dict(type="str"),
        default_instance_name=dict(type="str"),
    )
    run(Activations, argument_spec)


if __name__ == "__main__":
    main()
