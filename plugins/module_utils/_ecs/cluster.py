# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading ECS clusters: shared by ecs_cluster and ecs_cluster_info."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from .common import RETRY
from .common import ECSErrorHandler
from .common import chunks

# DescribeClusters takes at most 100 clusters per call.
DESCRIBE_CLUSTERS_LIMIT = 100
# DescribeContainerInstances takes at most 100 instances per call.
DESCRIBE_INSTANCES_LIMIT = 100
CLUSTER_INCLUDE = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"]
# An external (ECS Anywhere) instance is known by its SSM managed instance id.
EXTERNAL_INSTANCE_PREFIX = "mi-"


@ECSErrorHandler.common_error_handler("list clusters")
def list_cluster_arns(client):
    return paginated_query_with_retries(client, "list_clusters", retry_decorator=RETRY)["clusterArns"]


@ECSErrorHandler.common_error_handler("describe clusters")
def describe_clusters(client, names):
    """Clusters by name or ARN; missing ones are left out (status MISSING is not a cluster)."""
    found = []
    for batch in chunks(list(names), DESCRIBE_CLUSTERS_LIMIT):
        result = client.describe_clusters(clusters=batch, include=CLUSTER_INCLUDE)
        found.extend(result.get("clusters", []))
    return found


@ECSErrorHandler.common_error_handler("list container instances of cluster {cluster}")
def list_container_instance_arns(client, cluster):
    return paginated_query_with_retries(client, "list_container_instances", retry_decorator=RETRY, cluster=cluster)["containerInstanceArns"]


@ECSErrorHandler.common_error_handler("describe container instances of cluster {cluster}")
def describe_container_instances(client, cluster, arns):
    found = []
    for batch in chunks(list(arns), DESCRIBE_INSTANCES_LIMIT):
        found.extend(client.describe_container_instances(cluster=cluster, containerInstances=batch).get("containerInstances", []))
    return found


def is_external(container_instance):
    return container_instance.get("ec2InstanceId", "").startswith(EXTERNAL_INSTANCE_PREFIX)


def external_instance_count(client, cluster_arn):
    """How many of a cluster's container instances are ECS Anywhere (external) ones."""
    arns = list_container_instance_arns(client, cluster_arn)
    return sum(1 for instance in describe_container_instances(client, cluster_arn, arns) if is_external(instance))
