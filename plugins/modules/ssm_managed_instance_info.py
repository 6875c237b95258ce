#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ssm_managed_instance_info
short_description: List AWS Systems Manager managed instances, such as the C(mi-) hosts of ECS Anywhere
version_added: 0.1.0
description:
  - Lists managed instances with C(DescribeInstanceInformation), every page of it, filtered by id, name, tags, ping
    status, resource type or activation, with the tags of each instance.
author:
  - Hybridops Maintainers (@hybridops)
options:
  instance_ids:
    description: Only these instance ids (C(mi-) and 17 hexadecimal digits).
    type: list
    elements: str
    aliases: [ids]
  names:
    description:
      - Only instances that one of these names names. A name matches an instance's SSM name, the host name its agent
        reports (C(ComputerName)), that host name without its domain, or its IP address. Case does not matter.
      - AWS has no such filter; the module lists the instances the other options select and matches names itself.
    type: list
    elements: str
  tags:
    description: Only instances with these tags; a tag given a list of values matches any of them.
    type: dict
  ping_status:
    description: Only instances whose agent is in one of these states.
    type: list
    elements: str
    choices: [Online, ConnectionLost, Inactive]
  resource_type:
    description: Only hybrid instances (V(ManagedInstance), the C(mi-) ones) or only V(EC2Instance). Both when unset.
    type: str
    choices: [ManagedInstance, EC2Instance]
  activation_ids:
    description: Only instances registered with these activations.
    type: list
    elements: str
  filters:
    description:
      - More C(DescribeInstanceInformation) filters, as AWS spells their keys (C(IamRole), C(AgentVersion), C(PlatformTypes),
        C(AssociationStatus), C(tag-key), ...), each with a value or a list of values.
      - AWS does not combine tag filters with other filters; with both, the module sends the tag filters and applies the
        others to what AWS returns.
    type: dict
  include_tags:
    description: Read each instance's tags into C(tags) of RV(instances) (one ListTagsForResource call per instance).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Every hybrid instance whose agent stopped reporting
  hybridops.ecs_anywhere.ssm_managed_instance_info:
    resource_type: ManagedInstance
    ping_status: [ConnectionLost]
  register: lost

- name: The managed instance of this host
  hybridops.ecs_anywhere.ssm_managed_instance_info:
    names: ["{{ inventory_hostname }}"]
  delegate_to: localhost
  register: me

- name: The lab's instances registered by one activation
  hybridops.ecs_anywhere.ssm_managed_instance_info:
    tags:
      site: lab
    activation_ids: ["{{ activation.activation_id }}"]
    include_tags: false
"""

RETURN = r"""
instances:
  description:
    - The instances found, as DescribeInstanceInformation returns them, in snake_case as every module of this collection
      returns AWS objects, plus C(tags).
  returned: always
  type: list
  elements: dict
  contains:

    instance_id:
      description: The instance id.
      type: str
      sample: mi-0123456789abcdef0
    ping_status:
      description: V(Online), V(ConnectionLost) or V(Inactive).
      type: str
      sample: Online
    last_ping_date_time:
      description: When the agent last reported.
      type: str
      sample: "2026-01-01T10:00:00+00:00"
    computer_name:
      description: The host name the agent reports.
      type: str
      sample: edge-01.lab.example
    name:
      description: The instance's SSM name (from the activation's default instance name).
      type: str
      sample: edge
    ip_address:
      description: The address the agent reports.
      type: str
      sample: 10.0.0.11
    resource_type:
      description: V(ManagedInstance) for hybrid instances.
      type: str
      sample: ManagedInstance
    activation_id:
      description: The activation that registered it.
      type: str
      sample: 3b2c64e5-8e4b-4e25-9c5e-1c6a3e0f2a11
    iam_role:
      description: The IAM role the instance works with.
      type: str
      sample: ecsAnywhereRole
    agent_version:
      description: SSM agent version.
      type: str
      sample: 3.3.1142.0
    platform_name:
      description: Operating system.
      type: str
      sample: Debian GNU/Linux
    tags:
      description:
        - The instance's tags as a dict (keys as they are), when they are read, with C(include_tags=true) in
          M(hybridops.ecs_anywhere.ssm_managed_instance_info), with C(tags) in M(hybridops.ecs_anywhere.ssm_managed_instance)
          (the tags after the change).
      type: dict
      sample: {"site": "lab"}
missing:
  description: Entries of O(instance_ids) and O(names) that match no instance found.
  returned: always
  type: list
  elements: str
  sample: [edge-03]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import build_filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import find
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import get_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import SSM_MANAGED_INSTANCE_INFO_RULES


class ManagedInstances(Facts):
    CLIENTS = CLIENTS
    RULES = SSM_MANAGED_INSTANCE_INFO_RULES

    def gather(self):
        ssm, params = self.clients.ssm, self.params
        instances, missing = find(ssm, build_filters(params), params["instance_ids"], params["names"])
        if params["include_tags"]:
            instances = [dict(info, Tags=get_tags(ssm, info["InstanceId"]) or {}) for info in instances]
        return {"instances": instances, "missing": missing}


def main():
    argument_spec = dict(
        instance_ids=dict(type="list", elements="str", aliases=["ids"]),
        names=dict(type="list", elements="str"),
        tags=dict(type="dict"),
        ping_status=dict(type="list", elements="str", choices=["Online", "ConnectionLost", "Inactive"]),
        resource_type=dict(type="str", choices=["ManagedInstance", "EC2Instance"]),
        activation_ids=dict(type="list", elements="str"),
        filters=dict(type="dict"),
        include_tags=dict(type="bool", default=True),
    )
    run(ManagedInstances, argument_spec)


if __name__ == "__main__":
    main()
