#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_container_instance_info
short_description: Describe the container instances of an Amazon ECS cluster, ECS Anywhere (C(mi-)) hosts included
version_added: 0.1.0
description:
  - Describes container instances, all of a cluster's or those named, with their status, agent connection, tasks,
    agent and Docker versions, attributes, registered and remaining resources, and tags.
  - Deregistered (C(INACTIVE)) instances are not listed by ECS and so not returned.
author:
  - Hybridops Maintainers (@hybridops)
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    default: default
  instances:
    description:
      - Only these instances, each named by ARN, container instance id, C(mi-) or C(i-) instance id, or host name (as for
        M(hybridops.ecs_anywhere.ecs_container_instance)). Names that match no instance are listed in RV(missing).
    type: list
    elements: str
    aliases: [container_instances]
  status:
    description: Only instances with one of these statuses.
    type: list
    elements: str
    choices: [ACTIVE, DRAINING, REGISTERING, DEREGISTERING, REGISTRATION_FAILED]
  external_only:
    description: Only ECS Anywhere (external, C(mi-)) instances.
    type: bool
    default: false
  lookup_host_names:
    description:
      - Add each external instance's host name (C(host_name) of RV(container_instances)), read from SSM C(DescribeInstanceInformation).
      - Always done when O(instances) names a host.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Every external instance of the cluster, with host names
  hybridops.ecs_anywhere.ecs_container_instance_info:
    cluster: edge
    external_only: true
    lookup_host_names: true
  register: edge

- name: Show the hosts whose agent is not connected
  ansible.builtin.debug:
    msg: "{{ edge.container_instances | rejectattr('agent_connected') | map(attribute='host_name') | list }}"

- name: One host, by its name
  hybridops.ecs_anywhere.ecs_container_instance_info:
    cluster: edge
    instances: ["{{ inventory_hostname }}"]
  delegate_to: localhost
"""

RETURN = r"""
container_instances:
  description: The container instances found.
  returned: always
  type: list
  elements: dict
  contains:

    arn:
      description: The container instance ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:container-instance/edge/4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    id:
      description: The container instance id (the last part of the ARN).
      type: str
      sample: 4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    ec2_instance_id:
      description: The C(mi-) managed instance id of an external instance, or the EC2 instance id.
      type: str
      sample: mi-0123456789abcdef0
    external:
      description: Whether it is an ECS Anywhere (external) instance.
      type: bool
      sample: true
    host_name:
      description: The host name its SSM agent reports. Present when host names were looked up; null when SSM does not know it.
      type: str
      sample: edge-01.lab.example
    status:
      description: C(ACTIVE), C(DRAINING), C(REGISTERING), C(DEREGISTERING) or C(REGISTRATION_FAILED).
      type: str
      sample: ACTIVE
    status_reason:
      description: Why the instance has its status, when ECS says.
      type: str
      sample: Instance deregistration forced by user
    agent_connected:
      description: Whether the ECS agent is connected to ECS.
      type: bool
      sample: true
    agent_update_status:
      description: State of an agent update, if one was asked for.
      type: str
      sample: UPDATED
    running_tasks_count:
      description: Tasks in the RUNNING state.
      type: int
      sample: 2
    pending_tasks_count:
      description: Tasks in the PENDING state.
      type: int
      sample: 0
    agent_version:
      description: ECS agent version.
      type: str
      sample: 1.91.0
    agent_hash:
      description: ECS agent build.
      type: str
      sample: a1b2c3d
    docker_version:
      description: Docker version, without the C(DockerVersion:) prefix the agent reports.
      type: str
      sample: 25.0.5
    attributes:
      description: Every attribute, ECS's own and custom ones, name to value (null for attributes without a value).
      type: dict
      sample: {"ecs.capability.external": null, "ecs.os-type": "linux", "site": "lab"}
    registered_resources:
      description: What the instance registered with, name to value (C(CPU) units, C(MEMORY) MiB, C(PORTS) list, ...).
      type: dict
      sample: {"CPU": 2048, "MEMORY": 3840, "PORTS": ["22", "2375", "2376", "51678", "51679"]}
    remaining_resources:
      description: What is left for tasks, in the same form.
      type: dict
      sample: {"CPU": 1536, "MEMORY": 3328, "PORTS": ["22", "2375", "2376", "51678", "51679", "8080"]}
    registered_at:
      description: When it registered.
      type: str
      sample: "2026-01-01T10:00:00+00:00"
    capacity_provider_name:
      description: Its capacity provider, if any.
      type: str
      sample: edge-workers
    health_status:
      description: Overall health ECS reports, when it does.
      type: str
      sample: OK
    tags:
      description: Tags as a dict.
      type: dict
      sample: {}
missing:
  description: Entries of O(instances) that name no listed container instance.
  returned: always
  type: list
  elements: str
  sample: [edge-03]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import Fleet
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._anywhere.container_instances import reference_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import is_external
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_CONTAINER_INSTANCE_INFO_RULES


class ContainerInstances(Facts):
    CLIENTS = CLIENTS
    RULES = ECS_CONTAINER_INSTANCE_INFO_RULES

    def gather(self):
        params = self.params
        references = params["instances"]
        errors = reference_errors(references or [])
        if errors:
            raise Refused("; ".join(errors))
        fleet = Fleet(self.clients, params["cluster"], references or [], params["lookup_host_names"]).read()
        found = fleet.instances if references is None else fleet.named()
        if params["status"]:
            found = [ci for ci in found if ci.get("status") in params["status"]]
        if params["external_only"]:
            found = [ci for ci in found if is_external(ci)]
        return {"container_instances": fleet.summaries(found), "missing": fleet.missing}


def main():
    argument_spec = dict(
        cluster=dict(type="str", default="default"),
        instances=dict(type="list", elements="str", aliases=["container_instances"]),
        status=dict(type="list", elements="str", choices=["ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"]),
        external_only=dict(type="bool", default=False),
        lookup_host_names=dict(type="bool", default=False),
    )
    run(ContainerInstances, argument_spec)


if __name__ == "__main__":
    main()
