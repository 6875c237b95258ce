#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_task_definition
short_description: Register Amazon ECS task definitions only when they change, and deregister old revisions
version_added: 0.1.0
description:
  - Registers a revision of an ECS task definition family from O(definition), the request exactly as
    C(aws ecs register-task-definition --cli-input-json) takes it, so a JSON file from AWS docs or the CLI
    works as is.
  - A new revision is registered only when O(definition) differs from the family's latest C(ACTIVE) revision.
    Both sides are normalised before they are compared, so what AWS fills in or returns differently does not
    count as a change; see O(definition) for how.
  - A run with nothing to change costs at most two read calls, however many revisions the family has.
  - O(definition) is checked against the ECS API model before any call; a bad field fails the task with its
    path (for example C(definition.containerDefinitions[0].portMappings[0].containerPort)) and nothing is written.
  - Deregisters one revision, or every C(ACTIVE) revision of a family, with O(state=absent);
    O(keep_last) deregisters all but the newest revisions.
author:
  - Hybridops Maintainers (@hybridops)
options:
  state:
    description:
      - V(present) registers a revision when O(definition) differs from the latest C(ACTIVE) one, and sets tags.
      - V(absent) deregisters the revision named by O(arn) or O(revision), or else every C(ACTIVE) revision
        of the family. Deregistered revisions stay readable by tasks and services that use them.
    type: str
    choices: [present, absent]
    default: present
  definition:
    description:
      - The RegisterTaskDefinition request, with AWS's camelCase keys, for example
        C("{{ lookup('file', 'task-def.json') | from_json }}").
      - Numbers given as strings (V("128")) and task-level C(cpu) and C(memory) given as
        numbers or with units (V(1 vCPU), V(0.5 GB)) are taken as AWS takes them.
      - Compared with the latest C(ACTIVE) revision after filling in AWS's defaults on both sides
        (C(essential=true), container C(cpu=0), port mapping C(protocol=tcp), the host port the network mode
        implies, C(networkMode=bridge) for EC2 and EXTERNAL, health check timings, EFS and Docker volume
        defaults), leaving out empty lists and false flags, and ignoring the order of lists whose order means
        nothing to ECS (environment, secrets, port mappings, mount points, ulimits, extra hosts, volumes,
        placement constraints, compatibilities, ...). Containers are matched by name.
      - The order of C(command), C(entryPoint), C(dnsServers), C(dnsSearchDomains) and C(environmentFiles)
        counts, because it changes what the container gets.
      - Fields that only AWS sets (C(taskDefinitionArn), C(revision), C(status), C(compatibilities),
        C(requiresAttributes), C(registeredAt), C(registeredBy), ...) are ignored with a warning, so the
        C(taskDefinition) of C(aws ecs describe-task-definition) output can be used too.
      - Required with O(state=present). With O(state=absent) only its C(family) is used.
    type: dict
  family:
    description:
      - The task definition family. Needed when O(definition) has no C(family); when both are given they
        must agree.
    type: str
  revision:
    description:
      - With O(state=absent), the revision of the family to deregister.
    type: int
  arn:
    description:
      - With O(state=absent), the ARN (or C(family:revision)) of the revision to deregister.
    type: str
  keep_last:
    description:
      - With O(state=present), deregister the family's C(ACTIVE) revisions beyond the newest O(keep_last),
        counting the one this task registers.
      - Costs one list call per 100 revisions of the family.
    type: int
  tags:
    description:
      - Tags for the latest revision, as a dict. Merged with C(tags) in O(definition) (AWS's list form); this option
        wins where both set a key.
      - When neither is given, tags are left alone, and a new revision gets the tags of the one before.
      - A new revision is registered with the tags it should end up with, so tags follow the family.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags of the latest revision that O(tags) and C(tags) in O(definition) do not name.
      - Has no effect when neither is given.
    type: bool
    default: true
notes:
  - Task definitions are versioned by ECS; a changed definition is always a new revision, and tags belong to
    each revision. Only the latest C(ACTIVE) revision is compared and tagged.
  - In check mode, when a new revision would be registered, RV(task_definition), RV(arn) and RV(revision)
    describe the latest existing revision (or are empty when there is none).
  - Safe when several runs (AWX slices) register the same definition at once; the oldest of their equal revisions
    is kept and the others deregistered, and RV(arn) names the kept one.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
"""

EXAMPLES = r"""
- name: Register the task definition from a JSON file made for the AWS CLI
  hybridops.ecs_anywhere.ecs_task_definition:
    definition: "{{ lookup('file', 'task-def.json') | from_json }}"
  register: task_def

- name: A task definition for ECS Anywhere (launch type EXTERNAL), written in YAML
  hybridops.ecs_anywhere.ecs_task_definition:
    definition:
      family: edge-web
      networkMode: bridge
      requiresCompatibilities: [EXTERNAL]
      containerDefinitions:
        - name: web
          image: public.ecr.aws/nginx/nginx:1.27
          memory: 256
          portMappings:
            - containerPort: 80
              hostPort: 8080
          environment:
            - name: SITE
              value: edge
    tags:
      team: edge
    keep_last: 5

- name: Deregister one revision
  hybridops.ecs_anywhere.ecs_task_definition:
    state: absent
    family: edge-web
    revision: 1

- name: Deregister every ACTIVE revision of a family
  hybridops.ecs_anywhere.ecs_task_definition:
    state: absent
    family: edge-web
"""

RETURN = r"""
task_definition:
  description:
    - The task definition as ECS returns it (AWS's keys). In check mode, when a new revision would be
      registered, the latest existing revision, or empty when there is none. Empty with O(state=absent).
  returned: always
  type: dict
  sample:
    taskDefinitionArn: arn:aws:ecs:eu-west-1:123456789012:task-definition/edge-web:3
    family: edge-web
    revision: 3
    status: ACTIVE
    networkMode: bridge
    requiresCompatibilities: [EXTERNAL]
    compatibilities: [EXTERNAL, EC2]
    containerDefinitions:
      - name: web
        image: public.ecr.aws/nginx/nginx:1.27
        cpu: 0
        memory: 256
        essential: true
        portMappings: [{containerPort: 80, hostPort: 8080, protocol: tcp}]
        environment: [{name: SITE, value: edge}]
        mountPoints: []
        volumesFrom: []
    volumes: []
    placementConstraints: []
arn:
  description: ARN of the latest revision (see RV(task_definition) for check mode).
  returned: when state is present and the family has or gets a revision
  type: str
  sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/edge-web:3
family:
  description: The task definition family.
  returned: always
  type: str
  sample: edge-web
revision:
  description: Revision number of the latest revision (see RV(task_definition) for check mode).
  returned: when state is present and the family has or gets a revision
  type: int
  sample: 3
tags:
  description: Tags of the latest revision after this task, as a dict.
  returned: when state is present
  type: dict
  sample: {team: edge}
differences:
  description:
    - Paths at which the normalised O(definition) and the latest C(ACTIVE) revision differ, that is why a
      new revision is (or would be) registered. Empty when they agree or when there was no revision yet.
  returned: when state is present
  type: list
  elements: str
  sample: ["containerDefinitions[0].environment[1].value", "containerDefinitions[0].image"]
deregistered:
  description: ARNs of the revisions deregistered (or that would be, in check mode), newest first.
  returned: always
  type: list
  elements: str
  sample: [arn:aws:ecs:eu-west-1:123456789012:task-definition/edge-web:1]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import ecs_client
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import REGISTER
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import deregister_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import describe_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import latest_active
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import list_revision_arns
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import merge_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import normalise
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import parse_reference
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import register_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import request_from_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import revisions_to_deregister
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import tag_list
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import tag_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import untag_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import differences
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import failures_reported
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import ECS_TASK_DEFINITION_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import refuse_broken_rules
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import task_definition_cross_errors


# How many revisions below a new one are read for a concurrent twin (at most this many runs register at once).
RACE_WINDOW = 10


def check_options(params):
    """Option combinations argument_spec cannot express."""
    if params["state"] == "present":
        if params["definition"] is None:
            raise Refused("definition: is required with state=present")
        for name in ("revision", "arn"):
            if params[name] is not None:
                raise Refused(f"{name}: only used with state=absent")
        if params["keep_last"] is not None and params["keep_last"] < 1:
            raise Refused(f"keep_last: must be at least 1, got {params['keep_last']}")
    elif params["keep_last"] is not None:
        raise Refused("keep_last: only used with state=present")


def option_tags(tags):
    """The tags option with numbers as strings, as AWS keeps them."""
    if tags is None:
        return None
    result = {}
    for key, value in tags.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Refused(f"tags.{key}: expected a string, got {value!r}")
        result[key] = value
    return result


def desired_state(client, params):
    """(request, tags dict or None, ignored fields) from the options, validated against the ECS model; no AWS call."""
    request, ignored = request_from_definition(params["definition"], params["family"])
    try:
        request = prepare_request(client, REGISTER, request, prefix="definition")
    except RequestValidationError as e:
        raise Refused(f"Invalid task definition: {e}", errors=e.errors) from None
    tags = merge_tags(request.pop("tags", None), option_tags(params["tags"]))
    return request, tags, ignored


def plan_tags(current_tags, desired_tags, purge):
    """(tags to set, keys to remove, tags after) for the latest revision."""
    if desired_tags is None:
        return {}, [], dict(current_tags)
    to_set, to_unset = compare_aws_tags(current_tags, desired_tags, purge_tags=purge)
    after = {key: value for key, value in current_tags.items() if key not in to_unset}
    after.update(to_set)
    return to_set, to_unset, after


def read_current(client, family, keep_last):
    """The latest ACTIVE revision, its tags, and (only for keep_last) every ACTIVE revision's ARN."""
    current, tags = latest_active(client, family)
    active = list_revision_arns(client, family) if keep_last is not None else []
    return current, tags or {}, active


def plan_present(shape, request, desired_tags, params, current, current_tags, active):
    """What to do, from one comparison of the normalised definitions; no AWS call."""
    before, after = normalise(current, shape), normalise(request, shape)
    paths = differences(after, before) if current else []
    register = current is None or bool(paths)
    to_set, to_unset, tags_after = plan_tags(current_tags, desired_tags, params["purge_tags"])
    deregister = []
    if params["keep_last"] is not None:
        deregister = revisions_to_deregister(active, params["keep_last"], new_revision_pending=register)
    plan = dict(
        register=register,
        differences=paths,
        tags_to_set=to_set,
        tags_to_unset=to_unset,
        tags=tags_after,
        deregister=deregister,
        changed=register or bool(to_set or to_unset or deregister),
    )
    diff_before = {"definition": before, "tags": current_tags}
    diff_after = {"definition": after, "tags": tags_after}
    if params["keep_last"] is not None:
        diff_before["active_revisions"] = [parse_reference(arn)[1] for arn in active]
        diff_after["active_revisions"] = (["(new)"] if register else []) + [
            parse_reference(arn)[1] for arn in active if arn not in deregister
        ]
    plan["diff"] = dict(before=diff_before, after=diff_after)
    return plan


def latest_result(result, latest):
    """Put the latest revision into the result (in place: a failure after the registration returns it)."""
    result["task_definition"] = latest or {}
    if latest:
        result.update(arn=latest["taskDefinitionArn"], revision=latest["revision"])
    return result


def registered_meanwhile(client, shape, request, current, registered):
    """The oldest ACTIVE revision equal to ``request`` that another run (an AWX slice) registered after our read, or None.

    Revisions between the one read and ours came from concurrent runs; the oldest equal one is kept by every racer,
    so the family ends with one revision for the change. At most RACE_WINDOW revisions are described, and only here.
    """
    wanted = normalise(request, shape)
    oldest = None
    first = max((current or {}).get("revision", 0) + 1, registered["revision"] - RACE_WINDOW)
    for revision in range(registered["revision"] - 1, first - 1, -1):
        candidate = describe_task_definition(client, f"{request['family']}:{revision}")[0]
        if candidate and candidate.get("status") == "ACTIVE" and not differences(wanted, normalise(candidate, shape)):
            oldest = candidate
    return oldest


def apply_present(client, shape, request, plan, current, result):
    """Carry out a plan; the latest revision goes into ``result`` as soon as it is registered."""
    if plan["register"]:
        registered = register_task_definition(client, dict(request, tags=tag_list(plan["tags"])) if plan["tags"] else request)[0]
        latest_result(result, registered)
        twin = registered_meanwhile(client, shape, request, current, registered)
        if twin:
            deregister_task_definition(client, registered["taskDefinitionArn"])
            latest_result(result, twin)
    else:
        if plan["tags_to_unset"]:
            untag_task_definition(client, current["taskDefinitionArn"], plan["tags_to_unset"])
        if plan["tags_to_set"]:
            tag_task_definition(client, current["taskDefinitionArn"], plan["tags_to_set"])
    for arn in plan["deregister"]:
        deregister_task_definition(client, arn)


def ensure_present(module, client, progress):
    params = module.params
    request, desired_tags, ignored = desired_state(client, params)
    if ignored:
        module.warn(f"definition: ignored the fields only AWS sets: {', '.join(ignored)}")
    shape = client.meta.service_model.operation_model(REGISTER).input_shape
    current, current_tags, active = read_current(client, request["family"], params["keep_last"])
    plan = plan_present(shape, request, desired_tags, params, current, current_tags, active)
    result = dict(
        changed=plan["changed"],
        family=request["family"],
        tags=plan["tags"],
        differences=plan["differences"],
        deregistered=plan["deregister"],
    )
    latest_result(result, current)
    if module._diff:
        result["diff"] = plan["diff"]
    if plan["changed"] and not module.check_mode:
        progress.report(result)
        apply_present(client, shape, request, plan, current, result)
    return result


def revisions_for_absent(client, params):
    """The ACTIVE revisions that state=absent names, newest first, and their family."""
    if params["arn"]:
        reference = params["arn"]
    else:
        definition_family = (params["definition"] or {}).get("family")
        family = params["family"] or definition_family
        if params["family"] and definition_family and params["family"] != definition_family:
            raise Refused(f"family: the option says {params['family']!r} but definition.family says {definition_family!r}")
        if not family:
            raise Refused("family: is required with state=absent, unless arn is given")
        if params["revision"] is None:
            return list_revision_arns(client, family), family
        reference = f"{family}:{params['revision']}"
    definition = describe_task_definition(client, reference)[0]
    if definition is None or definition.get("status") != "ACTIVE":
        return [], parse_reference(reference)[0]
    return [definition["taskDefinitionArn"]], definition["family"]


def ensure_absent(module, client, progress):
    active, family = revisions_for_absent(client, module.params)
    result = dict(changed=bool(active), task_definition={}, family=family, deregistered=active)
    if module._diff:
        result["diff"] = dict(before={"active_revisions": [parse_reference(arn)[1] for arn in active]}, after={"active_revisions": []})
    if not module.check_mode:
        progress.report(result)
        for arn in active:
            deregister_task_definition(client, arn)
    return result


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        definition=dict(type="dict"),
        family=dict(type="str"),
        revision=dict(type="int"),
        arn=dict(type="str"),
        keep_last=dict(type="int"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("arn", "revision")],
    )
    with failures_reported(module) as progress:
        refuse_broken_rules(ECS_TASK_DEFINITION_RULES, module.params, task_definition_cross_errors(module.params))
        client = ecs_client(module)
        check_options(module.params)
        if module.params["state"] == "present":
            result = ensure_present(module, client, progress)
        else:
            result = ensure_absent(module, client, progress)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
