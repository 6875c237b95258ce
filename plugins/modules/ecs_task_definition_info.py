#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_task_definition_info
short_description: Describe Amazon ECS task definitions, or list the revisions of a family
version_added: 0.1.0
description:
  - Describes task definitions by family (the latest C(ACTIVE) revision), by C(family:revision) or by ARN,
    with their tags.
  - Lists and describes every revision of a family in a given status with O(list_revisions=true).
  - Without O(task_definitions), describes the latest C(ACTIVE) revision of every family.
author:
  - Hybridops Maintainers (@hybridops)
options:
  task_definitions:
    description:
      - Families, C(family:revision) references or ARNs to describe.
      - A family stands for its latest C(ACTIVE) revision, or with O(list_revisions=true) for its revisions.
      - One that matches nothing is left out of RV(task_definitions) and listed in RV(missing).
      - When omitted, every family with an C(ACTIVE) revision is described.
    type: list
    elements: str
    aliases: [names, families]
  list_revisions:
    description:
      - Describe every revision in O(status) of the families in O(task_definitions), newest first.
      - Costs one describe call per revision.
    type: bool
    default: false
  status:
    description:
      - Which revisions O(list_revisions=true) lists.
      - ECS describes an C(INACTIVE) revision only while a task or service uses it; the others are returned
        with only C(taskDefinitionArn), C(family), C(revision) and C(status).
    type: str
    choices: [ACTIVE, INACTIVE, DELETE_IN_PROGRESS]
    default: ACTIVE
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Describe the latest ACTIVE revision of a family and one given revision
  hybridops.ecs_anywhere.ecs_task_definition_info:
    task_definitions:
      - edge-web
      - edge-web:1
  register: edge_web

- name: Show the image the latest revision runs
  ansible.builtin.debug:
    msg: "{{ edge_web.task_definitions[0].container_definitions[0].image }}"

- name: List every ACTIVE revision of a family
  hybridops.ecs_anywhere.ecs_task_definition_info:
    task_definitions: [edge-web]
    list_revisions: true
  register: revisions

- name: Show their revision numbers
  ansible.builtin.debug:
    msg: "{{ revisions.task_definitions | map(attribute='revision') | list }}"
"""

RETURN = r"""
task_definitions:
  description:
    - The task definitions found, as ECS DescribeTaskDefinition returns them, in snake_case as every module of this
      collection returns AWS objects, each with its tags as a dict under C(tags).
  returned: always
  type: list
  elements: dict
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
missing:
  description: Entries of O(task_definitions) that match no task definition (or, with O(list_revisions=true), no revision in O(status)).
  returned: always
  type: list
  elements: str
  sample: [old-family]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import describe_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import latest_active
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import list_families
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import list_revision_arns
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import parse_reference
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_TASK_DEFINITION_INFO_RULES


def with_tags(definition, tags):
    return dict(definition, tags=tags or {})


def describe_one(client, reference):
    """The task definition a reference names, or None; a bare family means its latest ACTIVE revision."""
    family, revision = parse_reference(reference)
    if revision is None:
        definition, tags = latest_active(client, family)
    else:
        definition, tags = describe_task_definition(client, reference)
    return with_tags(definition, tags) if definition else None


def describe_revisions(client, family, status):
    """Every revision of a family in ``status``, newest first; stubs for those ECS will not describe."""
    found = []
    for arn in list_revision_arns(client, family, status):
        definition, tags = describe_task_definition(client, arn)
        if definition is None:
            definition = {"taskDefinitionArn": arn, "family": family, "revision": parse_reference(arn)[1], "status": status}
        found.append(with_tags(definition, tags))
    return found


class TaskDefinitions(Facts):
    CLIENTS = CLIENTS
    RULES = ECS_TASK_DEFINITION_INFO_RULES

    def gather(self):
        ecs, references, status = self.clients.ecs, self.params["task_definitions"], self.params["status"]
        explicit = references is not None
        if not explicit:
            # A family with ACTIVE revisions may have INACTIVE ones too; INACTIVE alone would leave it out.
            references = list_families(ecs, "ACTIVE" if status == "ACTIVE" else "ALL")
        found, missing = [], []
        for reference in references:
            if self.params["list_revisions"]:
                definitions = describe_revisions(ecs, parse_reference(reference)[0], status)
            else:
                definition = describe_one(ecs, reference)
                definitions = [definition] if definition else []
            found.extend(definitions)
            if explicit and not definitions:
                missing.append(reference)
        return {"task_definitions": found, "missing": missing}


def main():
    argument_spec = dict(
        task_definitions=dict(type="list", elements="str", aliases=["names", "families"]),
        list_revisions=dict(type="bool", default=False),
        status=dict(type="str", choices=["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"], default="ACTIVE"),
    )
    run(TaskDefinitions, argument_spec)


if __name__ == "__main__":
    main()
