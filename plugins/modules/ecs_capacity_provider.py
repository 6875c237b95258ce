#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_capacity_provider
short_description: Manage Amazon ECS capacity providers backed by an Auto Scaling group
version_added: 0.1.0
description:
  - Creates, updates in place or deletes an ECS capacity provider that uses an EC2 Auto Scaling group, with its
    managed scaling, managed termination protection, managed draining and tags.
  - Only what is set is compared; what is left out stays as it is. An update sends the provider's other settings as they are,
    so nothing left out is reset.
  - The Auto Scaling group of an existing capacity provider cannot change (C(UpdateCapacityProvider) has no member for it);
    asking for another group fails with an error naming the option.
  - O(state=absent) refuses a capacity provider that is still attached to a cluster, and names the clusters.
    Clusters attach and detach capacity providers through M(hybridops.ecs_anywhere.ecs_cluster)
    (O(hybridops.ecs_anywhere.ecs_cluster#module:capacity_providers)).
  - Options are checked against the ECS API model, and against rules AWS would otherwise apply only after other writes went through,
    before anything is written; an error names the option at fault.
  - V(FARGATE) and V(FARGATE_SPOT) belong to AWS; they cannot be created, changed or deleted.
author:
  - Hybridops Maintainers (@hybridops)
options:
  name:
    description:
      - Name of the capacity provider.
      - Up to 255 letters, digits, underscores and hyphens; it cannot start with C(aws), C(ecs) or C(fargate).
    type: str
    required: true
  state:
    description:
      - V(present) creates the capacity provider or updates it in place; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  auto_scaling_group_arn:
    description:
      - ARN of the Auto Scaling group whose instances the capacity provider manages.
      - One of O(auto_scaling_group_arn) and O(auto_scaling_group_name) is required to create a capacity provider.
        On an existing one it may be left out; when given it must be the group the provider already uses.
    type: str
  auto_scaling_group_name:
    description:
      - Name of the Auto Scaling group, looked up with C(DescribeAutoScalingGroups) to find its ARN. Needs C(autoscaling:DescribeAutoScalingGroups).
      - Like O(auto_scaling_group_arn); a group deleted and made again under the same name has another ARN, and is another group.
    type: str
  managed_scaling:
    description:
      - Managed scaling of the Auto Scaling group by ECS. Only the suboptions set are compared and changed.
      - AWS's defaults apply on creation to what is left out.
    type: dict
    suboptions:
      status:
        description: Whether ECS scales the Auto Scaling group.
        type: str
        choices: [ENABLED, DISABLED]
      target_capacity:
        description: Target utilisation of the group's capacity, in percent (1 to 100).
        type: int
      minimum_scaling_step_size:
        description: Fewest instances to scale by at a time (1 to 10000); not more than O(managed_scaling.maximum_scaling_step_size).
        type: int
      maximum_scaling_step_size:
        description: Most instances to scale by at a time (1 to 10000).
        type: int
      instance_warmup_period:
        description: Seconds after launch before a new instance counts towards the group's metrics (0 to 10000).
        type: int
  managed_termination_protection:
    description:
      - Whether ECS keeps instances that run tasks from being terminated on scale-in.
      - V(ENABLED) needs managed scaling V(ENABLED) and an Auto Scaling group that protects new instances from scale-in;
        both are checked before anything is written.
    type: str
    choices: [ENABLED, DISABLED]
  managed_draining:
    description:
      - Whether ECS drains the group's container instances gracefully before they are terminated. AWS's default is V(ENABLED).
    type: str
    choices: [ENABLED, DISABLED]
  wait:
    description:
      - Wait until the capacity provider's update status settles (C(CREATE_COMPLETE), C(UPDATE_COMPLETE)), or until it is deleted.
      - A failed update (C(CREATE_FAILED), C(UPDATE_FAILED), C(DELETE_FAILED)) fails the task with AWS's reason.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
notes:
  - Returned RV(capacity_provider) is ECS's object in snake_case, tags as a dict; so is the diff. In check mode it is the
    capacity provider as it is now (empty when it would be created).
  - The clusters a capacity provider is attached to are found with C(ListClusters) and C(DescribeClusters), for O(state=absent).
seealso:
  - module: hybridops.ecs_anywhere.ecs_capacity_provider_info
  - module: hybridops.ecs_anywhere.ecs_cluster
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
"""

EXAMPLES = r"""
- name: A capacity provider for the Auto Scaling group edge-workers, scaled by ECS
  hybridops.ecs_anywhere.ecs_capacity_provider:
    name: edge-workers
    auto_scaling_group_name: edge-workers
    managed_scaling:
      status: ENABLED
      target_capacity: 90
      maximum_scaling_step_size: 4
    managed_draining: ENABLED
    tags:
      team: edge
  register: provider

- name: Let the group grow in bigger steps; everything else stays as it is
  hybridops.ecs_anywhere.ecs_capacity_provider:
    name: edge-workers
    managed_scaling:
      maximum_scaling_step_size: 10

- name: Attach it to a cluster
  hybridops.ecs_anywhere.ecs_cluster:
    name: edge
    capacity_providers: [edge-workers]
    default_capacity_provider_strategy:
      - capacity_provider: edge-workers
        weight: 1

- name: Detach it again
  hybridops.ecs_anywhere.ecs_cluster:
    name: edge
    capacity_providers: []
    default_capacity_provider_strategy: []

- name: Delete the capacity provider (refused while a cluster still has it)
  hybridops.ecs_anywhere.ecs_capacity_provider:
    name: edge-workers
    state: absent
"""

RETURN = r"""
capacity_provider:
  description:
    - The capacity provider as ECS DescribeCapacityProviders returns it, with tags, in snake_case as every module of this
      collection returns AWS objects.
    - After deletion, the capacity provider ECS returned; empty when there was none.
  returned: always
  type: dict
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
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import capacity_provider as api
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import MANAGED_SCALING
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import OPTION_NAMES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import create_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import option_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import settings_after
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.capacity_provider_plan import settings_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import apply_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import option_path
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_CAPACITY_PROVIDER_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules

GROUP_ARN_PATH = "autoScalingGroupProvider.autoScalingGroupArn"


class CapacityProvider(Resource):
    CLIENTS = CLIENTS

    def group_option(self):
        """The option that names the Auto Scaling group, for messages."""
        return "auto_scaling_group_name" if self.params["auto_scaling_group_name"] is not None else "auto_scaling_group_arn"

    def checked(self, operation, request):
        """``request`` coerced and checked against the operation's input in botocore's model (no call is made)."""
        try:
            return prepare_request(self.clients.ecs, operation, request)
        except RequestValidationError as e:
            renames = dict(OPTION_NAMES, **{GROUP_ARN_PATH: self.group_option()})
            raise Refused("Invalid options: " + "; ".join(option_path(error, renames) for error in e.errors)) from None

    def desired(self):
        """The CreateCapacityProvider request of the options, checked before any call; None for state=absent."""
        params = self.params
        refuse_broken_rules(ECS_CAPACITY_PROVIDER_RULES, params)
        errors = option_errors(params)
        if errors:
            raise Refused("Invalid options: " + "; ".join(errors))
        if params["state"] == "absent":
            return None
        given = params["auto_scaling_group_arn"] or params["auto_scaling_group_name"]
        # The group is checked as a string here (a name is replaced by its ARN in resolve_group); the model requires one.
        request = self.checked("CreateCapacityProvider", create_request(params, given or "unset"))
        if not given:
            del request["autoScalingGroupProvider"]["autoScalingGroupArn"]
        return request

    def current(self, desired):
        return api.get_capacity_provider(self.clients.ecs, self.params["name"])

    def read_group(self, name, option):
        group = api.describe_auto_scaling_group(self.clients.autoscaling, name)
        if group is None:
            raise Refused(f"{option}: there is no Auto Scaling group {name} (autoscaling DescribeAutoScalingGroups)")
        return group

    def resolve_group(self, request):
        """The Auto Scaling group named by auto_scaling_group_name, its ARN put into the request; else None."""
        name = self.params["auto_scaling_group_name"]
        if name is None:
            return None
        group = self.read_group(name, "auto_scaling_group_name")
        request["autoScalingGroupProvider"]["autoScalingGroupArn"] = group["AutoScalingGroupARN"]
        return group

    def check_group(self, request, provider, group):
        """Before a write: the group exists as given, and the settings after the write are ones AWS accepts."""
        option = self.group_option()
        settings = settings_after(request, provider)
        arn = settings.get("autoScalingGroupArn")
        enabling = settings.get("managedTerminationProtection") == "ENABLED" and (
            provider is None or (provider.get("autoScalingGroupProvider") or {}).get("managedTerminationProtection") != "ENABLED"
        )
        if group is None and arn and (provider is None or enabling):
            group = self.read_group(api.group_name_of(arn), option)
            if group["AutoScalingGroupARN"] != arn:
                raise Refused(f"{option}: Auto Scaling group {group['AutoScalingGroupName']} is {group['AutoScalingGroupARN']}, not {arn}")
        errors = settings_errors(settings, group if enabling else None, option)
        if errors:
            raise Refused("Invalid options: " + "; ".join(errors))

    def plan(self, desired, current):
        name = self.params["name"]
        if self.params["state"] == "absent":
            plan = plan_absent(current)
            clusters = api.clusters_using(self.clients.ecs, name, current.get("capacityProviderArn")) if current else []
            if clusters:
                plan.refusals.append(
                    f"Capacity provider {name} is attached to cluster(s) {', '.join(clusters)}; ECS deletes only a detached one, "
                    "so detach it with hybridops.ecs_anywhere.ecs_cluster (capacity_providers, default_capacity_provider_strategy) first"
                )
            return plan
        request = dict(desired, autoScalingGroupProvider=dict(desired["autoScalingGroupProvider"]))
        group = self.resolve_group(request)
        plan = plan_present(request, current, self.params["purge_tags"], self.group_option())
        if plan.planned("create_capacity_provider") or plan.planned("update_capacity_provider"):
            self.check_group(request, current, group)
        if plan.planned("update_capacity_provider"):
            update = self.checked("UpdateCapacityProvider", plan.call("update_capacity_provider"))
            plan.calls = [(call, update if call == "update_capacity_provider" else args) for call, args in plan.calls]
        return plan

    def apply(self, plan, current):
        ecs, name = self.clients.ecs, self.params["name"]
        if plan.planned("delete_capacity_provider"):
            return api.delete_capacity_provider(ecs, name)
        if plan.planned("create_capacity_provider"):
            current = api.create_capacity_provider(ecs, plan.call("create_capacity_provider"))
        if plan.planned("update_capacity_provider"):
            api.update_capacity_provider(ecs, plan.call("update_capacity_provider"))
        if plan.planned("update_tags"):
            apply_tags(ecs, current["capacityProviderArn"], *plan.call("update_tags"))
        return api.get_capacity_provider(ecs, name)

    def wait(self, plan, resource, timeout):
        if not plan.changed:
            return resource
        deleted = self.params["state"] == "absent"
        api.wait_for_capacity_provider(self.clients.ecs, self.params["name"], deleted, timeout)
        return resource if deleted else api.get_capacity_provider(self.clients.ecs, self.params["name"])

    def result(self, plan, resource):
        return {"capacity_provider": resource or {}}


def main():
    scaling = {option: dict(type="int") for option in MANAGED_SCALING}
    scaling["status"] = dict(type="str", choices=["ENABLED", "DISABLED"])
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        auto_scaling_group_arn=dict(type="str"),
        auto_scaling_group_name=dict(type="str"),
        managed_scaling=dict(type="dict", options=scaling),
        managed_termination_protection=dict(type="str", choices=["ENABLED", "DISABLED"]),
        managed_draining=dict(type="str", choices=["ENABLED", "DISABLED"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    run(CapacityProvider, argument_spec, mutually_exclusive=[("auto_scaling_group_arn", "auto_scaling_group_name")])


if __name__ == "__main__":
    main()
