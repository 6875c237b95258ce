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
    - The selected instances that are registered after the run, as DescribeInstanceInformation returns them (AWS's keys).
    - With O(tags), each has C(Tags), its tags as a dict after the change.
  returned: always
  type: list
  elements: dict
  sample:
    - InstanceId: mi-0123456789abcdef0
      PingStatus: Online
      ComputerName: edge-01.lab.example
      Name: edge
      ResourceType: ManagedInstance
      IPAddress: 10.0.0.11
      Tags: {"site": "lab"}
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import ssm_client
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import MANAGED_INSTANCE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import add_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import build_filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import deregister
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import find
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import get_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import normalize_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import plan
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.managed_instance import remove_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import diff
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import failures_reported
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import SSM_MANAGED_INSTANCE_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import refuse_broken_rules


def selection_filters(params):
    """The Filters that select instances: the options that set them, and ResourceType ManagedInstance always."""
    if "ResourceType" in (params["filters"] or {}):
        raise Refused("filters.ResourceType: this module manages ManagedInstance (mi-) instances only; leave ResourceType out")
    filters = build_filters({"instance_ids": params["instance_ids"], "filters": params["filters"]})
    return filters + [{"Key": "ResourceType", "Values": [MANAGED_INSTANCE]}]


def apply(client, changes):
    deregistered = []
    for instance_id, change in changes.items():
        if change.get("deregister"):
            if deregister(client, instance_id):
                deregistered.append(instance_id)
            continue
        if change["unset"]:
            remove_tags(client, instance_id, change["unset"])
        if change["set"]:
            add_tags(client, instance_id, change["set"])
    return deregistered


def run(module, client, progress):
    params = module.params
    errors = []
    if not (params["instance_ids"] or params["names"] or params["filters"]):
        errors.append("instance_ids, names or filters: select the instances to manage (there is no 'every instance')")
    tags, tag_errors = normalize_tags(params["tags"] if params["state"] == "present" else None)
    errors.extend(tag_errors)
    if errors:
        raise Refused("; ".join(errors))
    selected, missing = find(client, selection_filters(params), params["instance_ids"], params["names"])
    if missing and params["state"] == "present":
        raise Refused(f"not registered as managed instances: {', '.join(missing)}")
    current_tags = {}
    if tags is not None:
        current_tags = {info["InstanceId"]: get_tags(client, info["InstanceId"]) or {} for info in selected}
    changes, before, after = plan(selected, current_tags, params["state"], tags, params["purge_tags"])
    result = dict(changed=bool(changes), diff=diff(before, after), missing=missing)
    progress.report(result)
    if params["state"] == "absent":
        # One may have gone between the read and the call: it is not reported as deregistered by us.
        deregistered = sorted(changes) if module.check_mode else sorted(apply(client, changes))
        return dict(result, instances=[], deregistered=deregistered)
    if changes and not module.check_mode:
        apply(client, changes)
    instances = []
    for info in selected:
        if tags is not None:
            info = dict(info, Tags=after.get(info["InstanceId"], {}).get("tags", current_tags.get(info["InstanceId"], {})))
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
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    with failures_reported(module) as progress:
        refuse_broken_rules(SSM_MANAGED_INSTANCE_RULES, module.params)
        result = run(module, ssm_client(module), progress)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
