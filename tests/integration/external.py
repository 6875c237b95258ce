"""External (ECS Anywhere) container instances on the local endpoint, registered the way the agents do it.

The SSM agent registers with an activation; the ECS agent then signs with the managed
instance's role credentials and calls RegisterContainerInstance with no identity document.
"""

from fake_aws.helpers import create_activation
from fake_aws.helpers import create_role
from fake_aws.helpers import instance_client
from fake_aws.helpers import register

RESOURCES = [
    {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    {"name": "MEMORY", "type": "INTEGER", "integerValue": 3840},
    {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
]


def register_external_instances(endpoint, cluster, count):
    """Register ``count`` managed instances and make each a container instance of ``cluster``; their mi- ids."""
    endpoint.client("ecs").create_cluster(clusterName=cluster)
    create_role(endpoint)
    activation = create_activation(endpoint, RegistrationLimit=count)
    ids = []
    for index in range(count):
        fingerprint = f"host-{index}"
        instance_id = register(endpoint, activation, fingerprint=fingerprint)
        instance_client(endpoint, "ecs", instance_id, fingerprint).register_container_instance(
            cluster=cluster,
            totalResources=RESOURCES,
            versionInfo={"agentVersion": "1.91.0", "dockerVersion": "DockerVersion: 25.0.5"},
            attributes=[{"name": "ecs.capability.external"}, {"name": "site", "value": "lab"}],
        )
        ids.append(instance_id)
    return ids
