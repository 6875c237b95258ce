# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Capacity providers: the reads ecs_capacity_provider and ecs_capacity_provider_info share, the writes
of ecs_capacity_provider, and the Auto Scaling group lookups they need.

DescribeCapacityProviders has no botocore paginator; it pages with ``nextToken`` (and lists every
provider of the account, FARGATE and FARGATE_SPOT included, when no names are given).
"""

from .cluster import describe_clusters
from .cluster import list_cluster_arns
from .common import ECSErrorHandler
from .common import chunks
from .waiters import wait

# DescribeCapacityProviders takes at most 100 names per call.
DESCRIBE_PROVIDERS_LIMIT = 100


def _describe_pages(client, **request):
    found, failures = [], []
    while True:
        answer = client.describe_capacity_providers(include=["TAGS"], aws_retry=True, **request)
        found.extend(answer.get("capacityProviders", []))
        failures.extend(answer.get("failures", []))
        if not answer.get("nextToken"):
            return found, failures
        request["nextToken"] = answer["nextToken"]


@ECSErrorHandler.common_error_handler("describe capacity providers (DescribeCapacityProviders)")
def describe_capacity_providers(client, names=None):
    """Capacity providers (with tags) by name or ARN, or every one of the account when ``names`` is None."""
    if names is None:
        return _describe_pages(client)[0]
    found = []
    for batch in chunks(list(names), DESCRIBE_PROVIDERS_LIMIT):
        found.extend(_describe_pages(client, capacityProviders=batch)[0])
    return found


def get_capacity_provider(client, name):
    """The capacity provider called ``name``, or None; a deleted (INACTIVE) one is no provider."""
    found = [item for item in describe_capacity_providers(client, [name]) if item.get("name") == name and item.get("status") != "INACTIVE"]
    return found[0] if found else None


@ECSErrorHandler.common_error_handler("create capacity provider {request[name]} (CreateCapacityProvider)")
def create_capacity_provider(client, request):
    return client.create_capacity_provider(aws_retry=True, **request)["capacityProvider"]


@ECSErrorHandler.common_error_handler("update capacity provider {request[name]} (UpdateCapacityProvider)")
def update_capacity_provider(client, request):
    return client.update_capacity_provider(aws_retry=True, **request)["capacityProvider"]


@ECSErrorHandler.common_error_handler("delete capacity provider {name} (DeleteCapacityProvider)")
def delete_capacity_provider(client, name):
    return client.delete_capacity_provider(capacityProvider=name, aws_retry=True)["capacityProvider"]


def clusters_using(client, name, arn=None):
    """Names of the clusters that have the capacity provider attached (ListClusters, DescribeClusters)."""
    wanted = {name, arn} - {None}
    clusters = describe_clusters(client, list_cluster_arns(client))
    return sorted(
        cluster["clusterName"] for cluster in clusters if cluster.get("status") != "INACTIVE" and wanted.intersection(cluster.get("capacityProviders") or [])
    )


# -- Auto Scaling groups --------------------------------------------------------------------


def group_name_of(arn):
    """The group name an Auto Scaling group ARN ends with (``...:autoScalingGroupName/NAME``), or None."""
    marker = ":autoScalingGroupName/"
    return arn.split(marker, 1)[1] if marker in arn else None


@ECSErrorHandler.common_error_handler("describe Auto Scaling group {name} (autoscaling DescribeAutoScalingGroups)")
def describe_auto_scaling_group(client, name):
    """The Auto Scaling group called ``name``, or None."""
    groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name], aws_retry=True).get("AutoScalingGroups", [])
    return groups[0] if groups else None


# -- waiting --------------------------------------------------------------------------------

def wait_for_capacity_provider(client, name, deleted, timeout):
    """Wait until the provider's updateStatus settles (or it is gone); a failure shows AWS's updateStatusReason."""
    if deleted:
        wait(client, "capacity_provider_deleted", timeout, f"capacity provider {name} to be deleted", capacityProviders=[name])
    else:
        wait(client, "capacity_provider_settled", timeout, f"capacity provider {name} to settle", capacityProviders=[name])
