#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ssm_managed_instance
short_description: Tag or deregister AWS Systems Manager managed (hybrid, C(mi-)) instances
version_added: 0.1.0
description:
  - Selects hybrid managed instances (the C(mi-) instances an SSM activation registered) by id, by name, or by
    C(DescribeInstanceInformation) filters such as a tag or the ping status, and tags or deregisters them.
  - Only instances of resource type C(ManagedInstance) are selected; EC2 instances cannot be deregistered.
  - Deregistering an instance that is also an ECS container instance does not deregister it from ECS; use
    M(hybridops.ecs_anywhere.ecs_container_instance) with O(hybridops.ecs_anywhere.ecs_container_instance#module:state=deregistered) first.
author:
  - Hybridops Maintainers (@hybridops)
options:
  instance_ids:
    description: Managed instance ids (C(mi-) and 17 hexadecimal digits).
    type: list
    elements: str
    aliases: [ids]
  names:
    description:
      - Names of instances. A name matches an instance's SSM name (the activation's default instance name), the host name
        its agent reports (C(ComputerName)), that host name without its domain, or its IP address. Case does not matter.
      - Several instances can answer to one name (a host registered twice); all of them are selected.
    type: list
    elements: str
  filters:
    description:
      - C(DescribeInstanceInformation) filters, as AWS spells their keys, each with a value or a list of values; an
        instance must match every filter (and any value of a filter).
      - For example C(tag:site), C(tag-key), C(PingStatus) (V(Online), V(ConnectionLost), V(Inactive)), C(ActivationIds),
        C(IamRole), C(AgentVersion), C(PlatformTypes).
      - C(ResourceType) is always V(ManagedInstance) and cannot be set here.
      - AWS does not combine tag filters with other filters; with both, the module sends the tag filters and applies the
        others to what AWS returns.
    type: dict
  state:
    description:
      - V(present) keeps the selected instances registered and applies O(tags); instances named by O(instance_ids) or
        O(names) that are not registered are an error.
      - V(absent) deregisters every selected instance (DeregisterManagedInstance); instances that are not registered
        are left alone and listed in RV(missing).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
notes:
  - At least one of O(instance_ids), O(names) or O(filters) selects the instances; there is no "every instance".
  - Selectors combine; an instance is selected when it matches all of those given.
"""

EXAMPLES = r"""
- name: Tag the hosts of the lab
  hybridops.ecs_anywhere.ssm_managed_instance:
    names: [edge-01, edge-02]
    tags:
      site: lab
      team: edge
    purge_tags: false

- name: Deregister a host after it left the cluster
  hybridops.ecs_anywhere.ssm_managed_instance:
    names: ["{{ inventory_hostname }}"]
    state: absent
  delegate_to: localhost

- name: Deregister every lab instance whose agent stopped reporting
  hybridops.ecs_anywhere.ssm_managed_instance:
    filters:
      tag:site: lab
      PingStatus: ConnectionLost
    state: absent
"""

RETURN = r"""
instances:
  description:
    - The selected instances that are registered after the run, as DescribeInstanceInformation returns them, in snake_case
      as every module of this collection returns AWS objects.
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
deregistered:
  description: Ids of the instances deregistered (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [mi-0123456789abcdef0]
missing:
  description: Entries of O(instance_ids) and O(names) that name no registered managed instance.
  returned: always
  type: list
  elements: str
  sample: [edge-03]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import MANAGED_INSTANCE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import add_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import build_filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import deregister
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import find
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import get_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import normalize_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import plan_calls
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import remove_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import SSM_MANAGED_INSTANCE_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules


class ManagedInstances(Resource):
    CLIENTS = CLIENTS

    def desired(self):
        """The Filters that select instances (ResourceType ManagedInstance always) and the tags to have (None: not managed)."""
        params = self.params
        refuse_broken_rules(SSM_MANAGED_INSTANCE_RULES, params)
        errors = []
        if not (params["instance_ids"] or params["names"] or params["filters"]):
            errors.append("instance_ids, names or filters: select the instances to manage (there is no 'every instance')")
        tags, tag_errors = normalize_tags(params["tags"] if params["state"] == "present" else None)
        errors.extend(tag_errors)
        if errors:
            raise Refused("; ".join(errors))
        if "ResourceType" in (params["filters"] or {}):
            raise Refused("filters.ResourceType: this module manages ManagedInstance (mi-) instances only; leave ResourceType out")
        filters = build_filters({"instance_ids": params["instance_ids"], "filters": params["filters"]})
        return {"filters": filters + [{"Key": "ResourceType", "Values": [MANAGED_INSTANCE]}], "tags": tags}

    def current(self, desired):
        """The selected instances, the ids and names that select none, and the instances' tags (read only when tags are managed)."""
        ssm = self.clients.ssm
        selected, missing = find(ssm, desired["filters"], self.params["instance_ids"], self.params["names"])
        if missing and self.params["state"] == "present":
            raise Refused(f"not registered as managed instances: {', '.join(missing)}")
        tags = {info["InstanceId"]: get_tags(ssm, info["InstanceId"]) or {} for info in selected} if desired["tags"] is not None else {}
        return {"instances": selected, "missing": missing, "tags": tags}

    def plan(self, desired, current):
        return plan_calls(current["instances"], current["tags"], self.params["state"], desired["tags"], self.params["purge_tags"])

    def apply(self, plan, current):
        ssm, deregistered = self.clients.ssm, []
        for name, args in plan.calls:
            if name == "deregister_managed_instance":
                # One may have gone between the read and the call: it is not reported as deregistered by us.
                if deregister(ssm, args):
                    deregistered.append(args)
                continue
            instance_id, to_set, to_unset = args
            if to_unset:
                remove_tags(ssm, instance_id, to_unset)
            if to_set:
                add_tags(ssm, instance_id, to_set)
        return dict(current, deregistered=sorted(deregistered))

    def result(self, plan, resource):
        result = dict(missing=resource["missing"])
        if self.params["state"] == "absent":
            planned = sorted(args for name, args in plan.calls if name == "deregister_managed_instance")
            return dict(result, instances=[], deregistered=resource.get("deregistered", planned))
        instances = []
        for info in resource["instances"]:
            if resource["tags"]:
                instance_id = info["InstanceId"]
                info = dict(info, Tags=plan.after.get(instance_id, {}).get("tags", resource["tags"].get(instance_id, {})))
            instances.append(info)
        return dict(result, instances=instances, deregistered=[])


def main():
    argument_spec = dict(
        instance_ids=dict(type="list", elements="str", aliases=["ids"]),
        names=dict(type="list", elements="str"),
        filters=dict(type="dict"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    run(ManagedInstances, argument_spec)


if __name__ == "__main__":
    main()
