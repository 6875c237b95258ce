# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What combines ECS and SSM: a cluster's container instances named by ARN, container instance id, ``mi-`` id or host
name (host name -> ``mi-`` id through SSM -> container instance through ECS), and when they are ready.

Shared by ecs_container_instance and ecs_container_instance_info; ``_ecs`` and ``_ssm`` never import each other.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import validate_aws_arn

from .._ecs.common import CLIENTS as ECS_CLIENTS
from .._ecs.common import AnsibleECSError
from .._ecs.common import cluster_missing
from .._ecs.container_instance import read_cluster
from .._ecs.container_instance import summarize
from .._ecs.container_instance_plan import container_instance_id
from .._ecs.container_instance_plan import label
from .._ssm.common import CLIENTS as SSM_CLIENTS
from .._ssm.managed_instance import host_lookup

CLIENTS = dict(ECS_CLIENTS, **SSM_CLIENTS)
CONTAINER_INSTANCE_ID = re.compile(r"^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
INSTANCE_ID = re.compile(r"^(mi-[0-9a-f]{17}|i-[0-9a-f]{8,17})$")


# -- references: what names an instance ---------------------------------------------------


def reference_kind(reference):
    """How a reference names a container instance: ``arn``, ``id`` (container instance id), ``instance_id`` (mi- or i-) or ``host``."""
    if reference.startswith("arn:"):
        return "arn"
    if CONTAINER_INSTANCE_ID.match(reference):
        return "id"
    if INSTANCE_ID.match(reference):
        return "instance_id"
    return "host"


def reference_errors(references):
    errors = []
    for index, reference in enumerate(references):
        if not reference or not reference.strip():
            errors.append(f"instances[{index}]: empty")
        elif reference.startswith("arn:") and not validate_aws_arn(reference, service="ecs", resource_type="container-instance"):
            errors.append(f"instances[{index}]: {reference} is not the ARN of a container instance")
    return errors


def match_references(references, container_instances, managed_instances):
    """The container instances each reference names, and the references that name none.

    ``managed_instances`` maps host-name references to the ``mi-`` ids SSM knows by that name.
    Returns ``({reference: [container instance, ...]}, [missing reference, ...])``.
    """
    matched, missing = {}, []
    for reference in references:
        kind = reference_kind(reference)
        if kind == "arn":
            found = [ci for ci in container_instances if ci["containerInstanceArn"] == reference]
        elif kind == "id":
            found = [ci for ci in container_instances if container_instance_id(ci) == reference]
        elif kind == "instance_id":
            found = [ci for ci in container_instances if ci.get("ec2InstanceId") == reference]
        else:
            ids = set(managed_instances.get(reference) or [])
            found = [ci for ci in container_instances if ci.get("ec2InstanceId") in ids]
        if found:
            matched[reference] = found
        else:
            missing.append(reference)
    return matched, missing


def unique(*groups):
    """The container instances of lists such as ``matched.values()``, each once, in the order first named."""
    seen, result = set(), []
    for found in groups:
        for container_instance in found:
            if container_instance["containerInstanceArn"] not in seen:
                seen.add(container_instance["containerInstanceArn"])
                result.append(container_instance)
    return result


class Fleet:
    """A cluster's container instances and what the references name among them (host names through SSM, on first need)."""

    def __init__(self, clients, cluster, references, look_up_host_names=False):
        self.clients = clients
        self.name = cluster
        self.references = references
        self.hosts = [reference for reference in references if reference_kind(reference) == "host"]
        self.look_up_host_names = bool(self.hosts) or look_up_host_names
        self.host_names = None
        self.instances, self.matched, self.missing, self.unnamed = [], {}, [], set()
        self.targets = []  # the instances a module acts on, kept by it between its steps
        self.gone = False

    def read(self, cluster_may_be_gone=False):
        try:
            self.instances = read_cluster(self.clients.ecs, self.name)
        except AnsibleECSError as e:
            if not (cluster_may_be_gone and cluster_missing(e)):
                raise
            self.gone = True
            self.instances = []  # a cluster that is gone has no instances: nothing to deregister
        managed = {}
        if self.look_up_host_names:
            managed, self.host_names = host_lookup(self.clients.ssm, self.hosts)
        self.matched, self.missing = match_references(self.references, self.instances, managed)
        self.unnamed = {host for host in self.hosts if not managed.get(host)}
        return self

    def named(self):
        """The container instances the references name, each once."""
        return unique(*self.matched.values())

    def missing_problems(self):
        return problems([], {}, self.read().missing, self.unnamed, self.name)

    def readiness_problems(self, expected_count):
        self.read()
        return problems(self.references, self.matched, self.missing, self.unnamed, self.name, expected_count, self.instances)

    def summaries(self, container_instances):
        return [summarize(container_instance, self.host_names) for container_instance in container_instances]


# -- readiness: the wait that spans ECS and SSM ---------------------------------------------


def problems(references, matched, missing, unnamed_hosts, cluster, expected_count=None, container_instances=()):
    """What keeps a wait for ACTIVE, connected instances from being over, one message per reference (none: done)."""
    found = []
    for reference in missing:
        if reference in unnamed_hosts:
            found.append(f"{reference}: no SSM managed instance has this name")
        else:
            found.append(f"{reference}: not registered in cluster {cluster}")
    for reference in references:
        candidates = matched.get(reference) or []
        if not candidates or any(ready(ci) for ci in candidates):
            continue
        found.append("; ".join(f"{reference} ({label(ci)}): {why_not_ready(ci)}" for ci in candidates))
    if expected_count:
        count = sum(1 for ci in container_instances if ready(ci))
        if count < expected_count:
            found.append(f"{count} of {expected_count} expected container instances in cluster {cluster} are ACTIVE with a connected agent")
    return found


def ready(container_instance):
    return container_instance.get("status") == "ACTIVE" and bool(container_instance.get("agentConnected"))


def why_not_ready(container_instance):
    if container_instance.get("status") != "ACTIVE":
        return f"status {container_instance.get('status')}"
    return "agent not connected"
