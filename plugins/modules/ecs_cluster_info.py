#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_cluster_info
short_description: List Amazon ECS clusters with settings and counts of (external) instances
version_added: 0.1.0
description:
  - Describes ECS clusters with their settings, configuration, capacity providers, tags and statistics.
  - Counts the ECS Anywhere (external) container instances of each cluster apart from the EC2 ones.
author:
  - Hybridops Maintainers (@hybridops)
options:
  names:
    description:
      - Names or ARNs of the clusters to describe.
      - When omitted, every cluster of the account and region is described.
      - A name that matches no cluster is left out of RV(clusters) and listed in RV(missing).
    type: list
    elements: str
    aliases: [clusters]
  count_external_instances:
    description:
      - Count each cluster's external (C(mi-)) container instances, in C(external_container_instances_count) of each of RV(clusters).
      - Costs one list and one describe call per 100 instances of each cluster; turn off for very large clusters.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes.info
"""

EXAMPLES = r"""
- name: Describe every cluster
  hybridops.ecs_anywhere.ecs_cluster_info:
  register: all_clusters

- name: Describe one cluster and show how many external instances it has
  hybridops.ecs_anywhere.ecs_cluster_info:
    names: [edge]
  register: edge

- name: Show the count
  ansible.builtin.debug:
    msg: "{{ edge.clusters[0].external_container_instances_count | default(0) }} external instances"
"""

RETURN = r"""
extends_documentation_fragment:
  - hybridops.ecs_anywhere.aws_objects.clusters
clusters:
  description:
    - The clusters found, as ECS DescribeClusters returns them, with settings, configuration, statistics, attachments and
      tags included, in snake_case as every module of this collection returns AWS objects.
  returned: always
  type: list
  elements: dict
missing:
  description: Names from O(names) that match no active or inactive cluster.
  returned: always
  type: list
  elements: str
  sample: [old-cluster]
"""

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster import describe_clusters
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster import external_instance_count
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster import list_cluster_arns
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Facts
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_CLUSTER_INFO_RULES


class Clusters(Facts):
    CLIENTS = CLIENTS
    RULES = ECS_CLUSTER_INFO_RULES

    def gather(self):
        ecs, names = self.clients.ecs, self.params["names"]
        clusters = describe_clusters(ecs, names if names else list_cluster_arns(ecs))
        if self.params["count_external_instances"]:
            # A deleted (INACTIVE) cluster stays describable for a while, but has no instances to list.
            for cluster in clusters:
                active = cluster.get("status") != "INACTIVE"
                cluster["externalContainerInstancesCount"] = external_instance_count(ecs, cluster["clusterArn"]) if active else 0
        found = {cluster["clusterName"] for cluster in clusters} | {cluster["clusterArn"] for cluster in clusters}
        return {"clusters": clusters, "missing": [name for name in (names or []) if name not in found]}


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str", aliases=["clusters"]),
        count_external_instances=dict(type="bool", default=True),
    )
    run(Clusters, argument_spec)


if __name__ == "__main__":
    main()
