#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ssm_activation
short_description: Manage AWS Systems Manager hybrid activations, the codes that register on-prem hosts
version_added: 0.1.0
description:
  - Creates and deletes SSM hybrid activations, with which C(amazon-ssm-agent) registers on-prem hosts as managed
    (C(mi-)) instances, for instance before they join an ECS Anywhere cluster.
  - An activation is identified by O(name), kept in its tag C(hybridops:activation-name).
  - With O(state=present), a usable activation of that name (not expired, registrations left, same O(iam_role)) is kept
    as it is. Otherwise one is created; with O(replace_unusable=true) the unusable ones of that name are deleted.
  - AWS cannot change an activation, not even its tags. When a kept activation differs from the other options, the module
    warns; delete it (O(state=absent)) to get one made to the options.
  - Options are checked against the SSM API model before anything is written; an error names the option at fault.
author:
  - Hybridops Maintainers (@hybridops)
options:
  name:
    description:
      - Name of the activation, kept in its tag C(hybridops:activation-name).
      - Required with O(state=present). With O(state=absent), every activation of that name is deleted.
    type: str
  id:
    description:
      - ID of the activation to delete. Only with O(state=absent); when O(name) is also given, the activation must carry it.
    type: str
    aliases: [activation_id]
  state:
    description:
      - V(present) makes sure a usable activation of the name exists; V(absent) deletes.
    type: str
    choices: [present, absent]
    default: present
  iam_role:
    description:
      - The IAM role the registered instances get, as a name (or C(path/name)); an ARN is turned into that form.
      - It must trust C(ssm.amazonaws.com). Required with O(state=present).
    type: str
  registration_limit:
    description:
      - How many hosts may register with the activation, 1 to 1000.
    type: int
    default: 1
  expiration:
    description:
      - When the activation expires, as an ISO 8601 date-time (V(2030-01-31T12:00:00Z); without a zone, UTC) or as a duration from
        now such as V(30m), V(1h), V(2d) or V(1d12h) (units V(w), V(d), V(h), V(m), V(s)).
      - At most 30 days ahead. When omitted, AWS's default applies (24 hours).
    type: str
  default_instance_name:
    description: The name the registered instances get in Systems Manager.
    type: str
  description:
    description: Description of the activation.
    type: str
  tags:
    description:
      - Tags of the activation. AWS copies them to every instance that registers with it.
      - The name tag C(hybridops:activation-name) is added; do not set it here.
    type: dict
    aliases: [resource_tags]
  registration_metadata:
    description: Key/value pairs AWS reserves for internal use (C(RegistrationMetadata)).
    type: list
    elements: dict
    suboptions:
      key:
        description: The key.
        type: str
        required: true
      value:
        description: The value.
        type: str
        required: true
  replace_unusable:
    description:
      - When no activation of the name is usable, delete the unusable ones (expired, no registrations left, another IAM role)
        before creating a new one. With V(false) they are left alone.
    type: bool
    default: true
notes:
  - The activation code is only known when the activation is created; AWS never returns it again. So RV(activation_code) is
    returned only by the run that creates the activation, and RV(code_available) tells whether it was. To get a fresh code, delete
    the activation (O(state=absent)) and create it again.
  - Register the result with C(no_log=true) on the task, as the code lets anyone register a host into the account. The module puts
    the code nowhere else (not in the diff, not in warnings or errors).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
"""

EXAMPLES = r"""
- name: An activation for three hosts, valid for two hours
  hybridops.ecs_anywhere.ssm_activation:
    name: edge-onboarding
    iam_role: ecsAnywhereRole
    registration_limit: 3
    expiration: 2h
    default_instance_name: edge
    tags:
      team: edge
  register: activation
  no_log: true

- name: Use the code, only when this run created the activation
  ansible.builtin.set_fact:
    edge_activation_id: "{{ activation.activation_id }}"
    edge_activation_code: "{{ activation.activation_code }}"
  when: activation.code_available
  no_log: true

- name: Delete the activations of that name once the hosts are registered
  hybridops.ecs_anywhere.ssm_activation:
    name: edge-onboarding
    state: absent

- name: Delete one activation by its id
  hybridops.ecs_anywhere.ssm_activation:
    id: "{{ edge_activation_id }}"
    state: absent
  when: edge_activation_id is defined
"""

RETURN = r"""
activation:
  description:
    - The activation kept or created, as DescribeActivations returns it, in snake_case as every module of this collection
      returns AWS objects, plus C(name), C(usable) and C(registrations_left).
    - Empty in check mode when one would be created, and with O(state=absent).
  returned: always
  type: dict
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
activation_id:
  description: The ID of the activation kept or created; null in check mode when one would be created, and with O(state=absent).
  returned: always
  type: str
  sample: 2a2dbd2a-36a2-4d1a-a9c1-4a0c1d2e3f4a
activation_code:
  description:
    - The activation code, which C(amazon-ssm-agent -register) takes with the ID. A secret; register the result with C(no_log=true).
    - AWS gives it only when the activation is created.
  returned: when this run created the activation (not in check mode)
  type: str
  sample: Ab12Cd34Ef56Gh78Ij90
code_available:
  description: Whether RV(activation_code) is returned, that is, whether this run created the activation.
  returned: always
  type: bool
  sample: true
deleted:
  description: IDs of the activations deleted (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [5f0e1f2a-0c3b-4d5e-8f9a-0b1c2d3e4f5a]
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation import create_activation
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation import delete_activation
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation import describe_activations
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation import filters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import describe
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import desired_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import parse_expiration
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import utcnow
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import option_path
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import SSM_ACTIVATION_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules


class Activation(Resource):
    CLIENTS = CLIENTS

    def __init__(self, module):
        super().__init__(module)
        self.now = utcnow()
        # One dict, filled in as apply goes: the result a failure after the creation reports still carries the code.
        self.outcome = dict(code_available=False, activation_id=None, activation={})

    def desired(self):
        """CreateActivation's request and expiry date from the options, checked against the SSM model (no call is made)."""
        params = self.params
        refuse_broken_rules(SSM_ACTIVATION_RULES, params)
        if params["state"] == "absent":
            return None
        if params["id"]:
            raise Refused("id: only with state=absent; an activation to keep is found by name")
        errors, expiration = [], None
        try:
            request = desired_request(params)
        except ValueError as e:
            raise Refused(f"Invalid options: {e}") from None
        if params["expiration"]:
            try:
                expiration = parse_expiration(params["expiration"], self.now)
            except ValueError as e:
                errors.append(str(e))
        try:
            prepare_request(self.clients.ssm, "CreateActivation", dict(request, ExpirationDate=expiration) if expiration else request)
        except RequestValidationError as e:
            errors.extend(option_path(error) for error in e.errors)
        if errors:
            raise Refused("Invalid options: " + "; ".join(errors))
        return {"request": request, "expiration": expiration}

    def current(self, desired):
        """The activations the options name: by id, else every one carrying the name."""
        by_id = filters(activation_ids=[self.params["id"]]) if self.params["id"] else None
        return describe_activations(self.clients.ssm, by_id, self.params["name"])

    def plan(self, desired, current):
        if desired is None:
            return plan_absent(current)
        plan = plan_present(current, desired["request"], desired["expiration"], self.params["replace_unusable"], self.now)
        for warning in plan.warnings:
            self.warn(warning)
        return plan

    def apply(self, plan, current):
        """The code goes to the result only."""
        ssm = self.clients.ssm
        if plan.create:
            activation_id, code = create_activation(self.clients.ssm_new_role, self.params["name"], plan.create)
            self.outcome.update(activation_id=activation_id, activation_code=code, code_available=True, activation={"ActivationId": activation_id})
            created = describe_activations(ssm, filters(activation_ids=[activation_id]))
            if created:
                self.outcome["activation"] = normalize_boto3_result(describe(created[0], utcnow(), self.params["iam_role"]))
        for activation_id in plan.delete:
            delete_activation(ssm, activation_id)
        return self.outcome["activation"]

    def result(self, plan, resource):
        if plan.keep:
            activation = describe(plan.keep, self.now, self.params["iam_role"])
            self.outcome.update(activation_id=plan.keep["ActivationId"], activation=normalize_boto3_result(activation))
        self.outcome["deleted"] = plan.delete
        return self.outcome


def main():
    argument_spec = dict(
        name=dict(type="str"),
        id=dict(type="str", aliases=["activation_id"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        iam_role=dict(type="str"),
        registration_limit=dict(type="int", default=1),
        expiration=dict(type="str"),
        default_instance_name=dict(type="str"),
        description=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        registration_metadata=dict(
            type="list", elements="dict", options=dict(key=dict(type="str", required=True, no_log=False), value=dict(type="str", required=True))
        ),
        replace_unusable=dict(type="bool", default=True),
    )
    run(Activation, argument_spec, required_if=[("state", "present", ["name", "iam_role"]), ("state", "absent", ["name", "id"], True)])


if __name__ == "__main__":
    main()
