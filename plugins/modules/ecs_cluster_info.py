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
clusters:
  description:
    - The clusters found, as ECS DescribeClusters returns them, with settings, configuration, statistics, attachments and
      tags included, in snake_case as every module of this collection returns AWS objects.
  returned: always
  type: list
  elements: dict
  contains:

    cluster_arn:
      description: The cluster's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:cluster/edge
    cluster_name:
      description: The cluster's name.
      type: str
      sample: edge
    status:
      description: C(ACTIVE), C(PROVISIONING), C(DEPROVISIONING), C(FAILED) or C(INACTIVE).
      type: str
      sample: ACTIVE
    registered_container_instances_count:
      description: Container instances registered to the cluster, EC2 and external together.
      type: int
      sample: 3
    external_container_instances_count:
      description:
        - Of those, how many are ECS Anywhere (external) instances.
        - Present in what M(hybridops.ecs_anywhere.ecs_cluster_info) returns with its C(count_external_instances=true).
      type: int
      sample: 3
    running_tasks_count:
      description: Tasks in the RUNNING state.
      type: int
      sample: 4
    pending_tasks_count:
      description: Tasks in the PENDING state.
      type: int
      sample: 0
    active_services_count:
      description: Services in the ACTIVE state.
      type: int
      sample: 1
    capacity_providers:
      description: Capacity providers of the cluster.
      type: list
      elements: str
      sample: [FARGATE]
    default_capacity_provider_strategy:
      description: The default capacity provider strategy.
      type: list
      elements: dict
      contains:
        capacity_provider:
          description: Name of the capacity provider.
          type: str
          sample: FARGATE
        weight:
          description: Relative share of tasks.
          type: int
          sample: 1
        base:
          description: Tasks placed on this provider first.
          type: int
          sample: 0
    settings:
      description: Cluster settings.
      type: list
      elements: dict
      contains:
        name:
          description: The setting, C(containerInsights).
          type: str
          sample: containerInsights
        value:
          description: Its value.
          type: str
          sample: enabled
    configuration:
      description: The ECS Exec configuration; absent when the cluster has none.
      type: dict
      contains:
        execute_command_configuration:
          description: How ECS Exec encrypts and logs.
          type: dict
          contains:
            kms_key_id:
              description: KMS key of the session data.
              type: str
              sample: arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9
            logging:
              description: C(DEFAULT), C(NONE) or C(OVERRIDE).
              type: str
              sample: OVERRIDE
            log_configuration:
              description: Where the output goes with C(OVERRIDE).
              type: dict
              contains:
                cloud_watch_log_group_name:
                  description: CloudWatch Logs group.
                  type: str
                  sample: /ecs/edge/exec
                cloud_watch_encryption_enabled:
                  description: Whether the log group is encrypted.
                  type: bool
                  sample: false
                s3_bucket_name:
                  description: S3 bucket.
                  type: str
                  sample: edge-exec-logs
                s3_encryption_enabled:
                  description: Whether the bucket is encrypted.
                  type: bool
                  sample: true
                s3_key_prefix:
                  description: Prefix of the S3 objects.
                  type: str
                  sample: exec/
    service_connect_defaults:
      description: The default Service Connect namespace; absent when there is none.
      type: dict
      contains:
        namespace:
          description: The namespace's ARN.
          type: str
          sample: arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdefgh
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"team": "edge"}
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
