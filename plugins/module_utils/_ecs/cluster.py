# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS clusters: the reads ecs_cluster and ecs_cluster_info share, and the writes of ecs_cluster."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from .common import RETRY
from .common import ECSErrorHandler
from .common import chunks
from .container_instance import describe as describe_instances
from .container_instance import list_arns as list_instance_arns
from .container_instance import read_cluster
from .container_instance_plan import is_external
from .service import DESCRIBE_SERVICES_LIMIT
from .service import describe_services
from .service import list_service_arns
from .waiters import wait

# DescribeClusters takes at most 100 clusters per call.
DESCRIBE_CLUSTERS_LIMIT = 100
# DescribeTasks takes at most 100 tasks per call.
DESCRIBE_TASKS_LIMIT = 100
# DescribeContainerInstances takes at most 100 instances per call.
CLUSTER_INCLUDE = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"]
# An external (ECS Anywhere) instance is known by its SSM managed instance id.


@ECSErrorHandler.common_error_handler("list clusters")
def list_cluster_arns(client):
    return paginated_query_with_retries(client, "list_clusters", retry_decorator=RETRY)["clusterArns"]


@ECSErrorHandler.common_error_handler("describe clusters")
def describe_clusters(client, names):
    """Clusters by name or ARN; missing ones are left out (status MISSING is not a cluster)."""
    found = []
    for batch in chunks(list(names), DESCRIBE_CLUSTERS_LIMIT):
        result = client.describe_clusters(clusters=batch, include=CLUSTER_INCLUDE, aws_retry=True)
        found.extend(result.get("clusters", []))
    return found


def external_instance_count(client, cluster_arn):
    """How many of a cluster's container instances are ECS Anywhere (external) ones."""
    arns = list_instance_arns(client, cluster_arn)
    return sum(1 for instance in describe_instances(client, cluster_arn, arns) if is_external(instance))


# -- one cluster: what ecs_cluster reads and writes -------------------------------------

def get_cluster(client, name):
    """The cluster called ``name``, or None; a deleted (INACTIVE) cluster is no cluster."""
    found = [cluster for cluster in describe_clusters(client, [name]) if cluster.get("status") != "INACTIVE"]
    return found[0] if found else None


@ECSErrorHandler.common_error_handler("create cluster {name}")
def create_cluster(client, name, request):
    """CreateCluster; after the module made the service-linked role, ``client`` is the ``ecs_new_role`` one (CLIENTS)."""
    return client.create_cluster(aws_retry=True, **request)["cluster"]


@ECSErrorHandler.common_error_handler("update settings of cluster {name}")
def update_cluster_settings(client, name, settings):
    return client.update_cluster_settings(cluster=name, settings=settings, aws_retry=True)["cluster"]


@ECSErrorHandler.common_error_handler("update cluster {name}")
def update_cluster(client, name, changes):
    return client.update_cluster(cluster=name, aws_retry=True, **changes)["cluster"]


@ECSErrorHandler.common_error_handler("put capacity providers of cluster {name}")
def put_cluster_capacity_providers(client, name, providers, strategy):
    return client.put_cluster_capacity_providers(
        cluster=name, capacityProviders=providers, defaultCapacityProviderStrategy=strategy, aws_retry=True
    )["cluster"]


@ECSErrorHandler.common_error_handler("delete cluster {name}")
def delete_cluster(client, name):
    return client.delete_cluster(cluster=name, aws_retry=True)["cluster"]


def blockers(client, cluster):
    """What DeleteCluster would refuse: (registered container instances, ACTIVE services)."""
    instances = read_cluster(client, cluster)
    services = [service for service in describe_services(client, cluster, list_service_arns(client, cluster)) if service.get("status") == "ACTIVE"]
    return instances, services


def wait_services_inactive(client, cluster, names, timeout):
    for batch in chunks(list(names), DESCRIBE_SERVICES_LIMIT):
        wait(client, "services_inactive", timeout, f"the deleted services of cluster {cluster} to become INACTIVE", cluster=cluster, services=batch)


@ECSErrorHandler.common_error_handler("stop the tasks of cluster {cluster}")
def stop_all_tasks(client, cluster, reason):
    arns = paginated_query_with_retries(client, "list_tasks", retry_decorator=RETRY, cluster=cluster, desiredStatus="RUNNING")["taskArns"]
    for arn in arns:
        client.stop_task(cluster=cluster, task=arn, reason=reason, aws_retry=True)
    return arns


@ECSErrorHandler.common_error_handler("list the stopping tasks of cluster {cluster}")
def wait_tasks_stopped(client, cluster, timeout):
    """Wait until no task of the cluster is still stopping: DeleteCluster refuses while one is (ClusterContainsTasksException)."""
    arns = paginated_query_with_retries(client, "list_tasks", retry_decorator=RETRY, cluster=cluster, desiredStatus="STOPPED")["taskArns"]
    stopping = []
    for batch in chunks(arns, DESCRIBE_TASKS_LIMIT):
        tasks = client.describe_tasks(cluster=cluster, tasks=batch, aws_retry=True).get("tasks", [])
        stopping.extend(task["taskArn"] for task in tasks if task.get("lastStatus") != "STOPPED")
    for batch in chunks(stopping, DESCRIBE_TASKS_LIMIT):
        wait(client, "tasks_stopped", timeout, f"the tasks of cluster {cluster} to stop", cluster=cluster, tasks=batch)
    return stopping


@ECSErrorHandler.common_error_handler("deregister container instance {arn} from cluster {cluster}")
def deregister_instance(client, cluster, arn):
    client.deregister_container_instance(cluster=cluster, containerInstance=arn, force=True, aws_retry=True)


def wait_for_cluster(client, name, state, timeout):
    waiter_name = "cluster_active" if state == "ACTIVE" else "cluster_inactive"
    wait(client, waiter_name, timeout, f"cluster {name} to become {state}", clusters=[name], include=["ATTACHMENTS"])


@ECSErrorHandler.common_error_handler("read Cloud Map namespace {arn}")
def namespace_name(client, arn):
    """The name of a Cloud Map namespace (DescribeClusters gives its ARN; users give names too)."""
    return client.get_namespace(Id=arn.rsplit("/", 1)[-1], aws_retry=True)["Namespace"]["Name"]
