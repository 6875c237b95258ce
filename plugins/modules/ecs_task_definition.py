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
notes:
  - O(tags) are the tags of the latest revision, merged with C(tags) in O(definition) (AWS's list form); O(tags) wins
    where both set a key, and O(purge_tags) removes what neither names. When neither is given, tags are left alone, and
    a new revision gets the tags of the one before. A new revision is registered with the tags it should end up with,
    so tags follow the family.
  - Task definitions are versioned by ECS; a changed definition is always a new revision, and tags belong to
    each revision. Only the latest C(ACTIVE) revision is compared and tagged.
  - In check mode, when a new revision would be registered, RV(task_definition), RV(arn) and RV(revision)
    describe the latest existing revision (or are empty when there is none).
  - Safe when several runs (AWX slices) register the same definition at once; the oldest of their equal revisions
    is kept and the others deregistered, and RV(arn) names the kept one.
  - Casing. O(definition) is AWS's JSON and stays in AWS's casing. What the module returns is snake_case, as every module
    of this collection returns it, and RV(task_definition) is ECS's object converted whole, containers included, as
    community.aws's C(ecs_taskdefinition_info) returns it (tag keys, docker labels and log options keep their keys).
    What the module shows back from O(definition) stays as written, so that it compares with your JSON, that is
    the diff (C(diff.before.definition), C(diff.after.definition)) and the paths in RV(differences).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
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
    - The task definition as ECS returns it, in snake_case as every module of this collection returns AWS objects, its
      containers included (its C(container_definitions)); O(definition) stays in AWS's casing as written.
    - In check mode, when a new revision would be registered, the latest existing revision, or empty when there is none.
      Empty with O(state=absent).
  returned: always
  type: dict
  contains:

    task_definition_arn:
      description: The revision's ARN.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/edge-web:3
    family:
      description: The family.
      type: str
      sample: edge-web
    revision:
      description: The revision number.
      type: int
      sample: 3
    status:
      description: C(ACTIVE), C(INACTIVE) or C(DELETE_IN_PROGRESS).
      type: str
      sample: ACTIVE
    network_mode:
      description: The network mode.
      type: str
      sample: bridge
    requires_compatibilities:
      description: The launch types the definition was checked against.
      type: list
      elements: str
      sample: [EXTERNAL]
    compatibilities:
      description: The launch types ECS found it compatible with.
      type: list
      elements: str
      sample: [EXTERNAL, EC2]
    cpu:
      description: Task-level CPU units, when set.
      type: str
      sample: "256"
    memory:
      description: Task-level memory in MiB, when set.
      type: str
      sample: "512"
    task_role_arn:
      description: The IAM role the containers assume, when set.
      type: str
      sample: arn:aws:iam::123456789012:role/edgeWebTask
    execution_role_arn:
      description: The IAM role the agent pulls images and writes logs with, when set.
      type: str
      sample: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
    container_definitions:
      description:
        - The containers, as ECS returns them, in snake_case like the rest of the object (as community.aws's
          C(ecs_taskdefinition_info) returns them); maps whose keys are data keep their keys (C(docker_labels),
          C(log_configuration.options)).
      type: list
      elements: dict
      contains:
        name:
          description: The container's name.
          type: str
          sample: web
        image:
          description: Its image.
          type: str
          sample: public.ecr.aws/nginx/nginx:1.27
        cpu:
          description: CPU units reserved for it.
          type: int
          sample: 0
        memory:
          description: Its hard memory limit in MiB.
          type: int
          sample: 256
        essential:
          description: Whether the task stops when it does.
          type: bool
          sample: true
        port_mappings:
          description: Its port mappings.
          type: list
          elements: dict
          contains:
            container_port:
              description: The port in the container.
              type: int
              sample: 80
            host_port:
              description: The port on the host.
              type: int
              sample: 8080
            protocol:
              description: C(tcp) or C(udp).
              type: str
              sample: tcp
        environment:
          description: Its environment variables, names and values as written.
          type: list
          elements: dict
          contains:
            name:
              description: The variable's name.
              type: str
              sample: SITE
            value:
              description: Its value.
              type: str
              sample: edge
        docker_labels:
          description: Its Docker labels, keys as written.
          type: dict
          sample: {"com.example.Team": "edge"}
        log_configuration:
          description: Its log driver; C(options) keeps the driver's keys as written.
          type: dict
          contains:
            log_driver:
              description: The log driver.
              type: str
              sample: awslogs
            options:
              description: The driver's options, keys as written.
              type: dict
              sample: {"awslogs-group": "/ecs/edge-web", "awslogs-region": "eu-west-1"}
    volumes:
      description: The task's volumes.
      type: list
      elements: dict
      contains:
        name:
          description: The volume's name.
          type: str
          sample: data
        host:
          description: A bind mount from the host, when it is one.
          type: dict
          contains:
            source_path:
              description: The path on the host.
              type: str
              sample: /srv/edge
    placement_constraints:
      description: Where its tasks may be placed.
      type: list
      elements: dict
      contains:
        type:
          description: C(memberOf).
          type: str
          sample: memberOf
        expression:
          description: A cluster query language expression.
          type: str
          sample: attribute:site == lab
    tags:
      description:
        - The revision's tags, as a dict, in what M(hybridops.ecs_anywhere.ecs_task_definition_info) returns;
          M(hybridops.ecs_anywhere.ecs_task_definition) returns them beside the object, in its C(tags).
      type: dict
      sample: {team: edge}
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
    - The paths are those of O(definition), in AWS's casing as written.
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

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import task_definition as api
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import absent_reference
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import check_options
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import desired_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import differences_of_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import differences
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_TASK_DEFINITION_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import task_definition_cross_errors

# How many revisions below a new one are read for a concurrent twin (at most this many runs register at once).
RACE_WINDOW = 10


class TaskDefinition(Resource):
    """The latest ACTIVE revision of a family (state=present), or the ACTIVE revisions state=absent names.

    ``current`` and what ``apply`` returns share one shape: ``{"definition": latest or None, "tags", "active": ARNs, "family"}``.
    """

    CLIENTS = CLIENTS

    @property
    def shape(self):
        return self.clients.ecs.meta.service_model.operation_model(api.REGISTER).input_shape

    def desired(self):
        params = self.params
        refuse_broken_rules(ECS_TASK_DEFINITION_RULES, params, task_definition_cross_errors(params))
        check_options(params)
        if params["state"] == "absent":
            reference, family = absent_reference(params)
            return {"reference": reference, "family": family}
        request, tags, ignored = desired_present(self.clients.ecs, params)
        if ignored:
            self.warn(f"definition: ignored the fields only AWS sets: {', '.join(ignored)}")
        return {"request": request, "tags": tags, "family": request["family"]}

    def current(self, desired):
        ecs = self.clients.ecs
        if self.params["state"] == "absent":
            if desired["reference"] is None:
                return {"definition": None, "tags": {}, "active": api.list_revision_arns(ecs, desired["family"]), "family": desired["family"]}
            definition = api.describe_task_definition(ecs, desired["reference"])[0]
            if definition is None or definition.get("status") != "ACTIVE":
                return {"definition": None, "tags": {}, "active": [], "family": api.parse_reference(desired["reference"])[0]}
            return {"definition": None, "tags": {}, "active": [definition["taskDefinitionArn"]], "family": definition["family"]}
        latest, tags = api.latest_active(ecs, desired["family"])
        active = api.list_revision_arns(ecs, desired["family"]) if self.params["keep_last"] is not None else []
        return {"definition": latest, "tags": tags or {}, "active": active, "family": desired["family"]}

    def plan(self, desired, current):
        if self.params["state"] == "absent":
            return plan_absent(current["active"])
        return plan_present(self.shape, desired["request"], desired["tags"], self.params, current["definition"], current["tags"], current["active"])

    def registered_meanwhile(self, request, current, registered):
        """The oldest ACTIVE revision equal to ``request`` that another run (an AWX slice) registered after our read, or None.

        Revisions between the one read and ours came from concurrent runs; the oldest equal one is kept by every racer,
        so the family ends with one revision for the change. At most RACE_WINDOW revisions are described, and only here.
        """
        wanted = api.normalise(request, self.shape)
        oldest = None
        first = max((current or {}).get("revision", 0) + 1, registered["revision"] - RACE_WINDOW)
        for revision in range(registered["revision"] - 1, first - 1, -1):
            candidate = api.describe_task_definition(self.clients.ecs, f"{request['family']}:{revision}")[0]
            if candidate and candidate.get("status") == "ACTIVE" and not differences(wanted, api.normalise(candidate, self.shape)):
                oldest = candidate
        return oldest

    def apply(self, plan, current):
        ecs, after = self.clients.ecs, dict(current)
        request = plan.call("register")
        if request is not None:
            registered = api.register_task_definition(ecs, request)[0]
            after["definition"] = self.reported(registered)
            twin = self.registered_meanwhile(request, current["definition"], registered)
            if twin:
                api.deregister_task_definition(ecs, registered["taskDefinitionArn"])
                after["definition"] = self.reported(twin)
        if plan.planned("update_tags"):
            to_set, to_unset = plan.call("update_tags")
            arn = current["definition"]["taskDefinitionArn"]
            if to_unset:
                api.untag_task_definition(ecs, arn, to_unset)
            if to_set:
                api.tag_task_definition(ecs, arn, to_set)
        for arn in plan.call("deregister") or []:
            api.deregister_task_definition(ecs, arn)
        return after

    def reported(self, latest):
        """``latest`` put into the result reported before the writes, so a failure after the registration returns it."""
        self.latest_in(getattr(self, "last_result", {}), latest)
        return latest

    @staticmethod
    def latest_in(result, latest):
        result["task_definition"] = latest or {}
        if latest:
            result.update(arn=latest["taskDefinitionArn"], revision=latest["revision"])
        return result

    def result(self, plan, resource):
        if self.params["state"] == "absent":
            return {"task_definition": {}, "family": resource["family"], "deregistered": plan.call("deregister") or []}
        self.last_result = self.latest_in(
            {
                "family": resource["family"],
                "tags": plan.after["tags"],
                "differences": differences_of_definition(plan),
                "deregistered": plan.call("deregister") or [],
            },
            resource["definition"],
        )
        return self.last_result


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
    run(TaskDefinition, argument_spec, mutually_exclusive=[("arn", "revision")])


if __name__ == "__main__":
    main()
