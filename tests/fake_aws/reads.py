"""ECS reads answered as AWS answers them where moto does not.

* DescribeClusters returns ``settings``, ``configurations``, ``statistics``, ``attachments`` (and
  ``tags``) only with the matching ``include`` (botocore's documentation of ``include``).
* ListContainerInstances honours ``filter``, a cluster query language expression (placement.py
  evaluates it as for memberOf); a malformed one is InvalidParameterException.
"""

from moto.core.responses import ActionResult

from . import placement
from .tasks import paginate

CLUSTER_SHAPE = "DescribeClustersResponse.clusters.Cluster."
INCLUDED = {"SETTINGS": "settings", "CONFIGURATIONS": "configuration", "STATISTICS": "statistics", "ATTACHMENTS": "attachments", "TAGS": "tags"}


class ReadResponses:
    """Read actions of EC2ContainerServiceResponse answered as AWS answers them."""

    # pylint: disable=no-member  # mixed into EC2ContainerServiceResponse

    def describe_clusters(self):
        include = set(self._get_param("include") or [])
        for name, member in INCLUDED.items():
            if name in include:
                self._include_in_response(CLUSTER_SHAPE + member)
            else:
                self._exclude_from_response(CLUSTER_SHAPE + member)
        clusters, failures = self.ecs_backend.describe_clusters(self._get_param("clusters", []))
        return ActionResult({"clusters": clusters, "failures": failures})

    def list_container_instances(self):
        cluster, status = self._get_param("cluster", "default"), self._get_param("status")
        expression = self._get_param("filter")
        matches = placement.compile_expression(expression) if expression else None  # InvalidParameterException when malformed
        arns = self.ecs_backend.list_container_instances(cluster, status=status)
        if matches is not None:
            instances = self.ecs_backend.container_instances.get(cluster.rsplit("/", 1)[-1], {})
            arns = [arn for arn in arns if matches(instances[arn.rsplit("/", 1)[-1]])]
        page, token = paginate(arns, self._get_int_param("maxResults"), self._get_param("nextToken"), default=100)
        return ActionResult({"containerInstanceArns": page, "nextToken": token})
