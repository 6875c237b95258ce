#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_cluster
short_description: Manage an Amazon ECS cluster, its settings, capacity providers and the ECS service-linked role
version_added: 0.1.0
description:
  - Creates, updates in place or deletes an ECS cluster.
  - Manages Container Insights, the ECS Exec configuration, capacity providers and the default capacity provider strategy,
    the default Service Connect namespace and tags. Only what is set is compared; what is left out stays as it is.
  - Creates the ECS service-linked role C(AWSServiceRoleForECS) when the account lacks it, instead of failing later with
    C(Unable to assume the service linked role).
  - O(state=absent) refuses a cluster that still has registered container instances or active services, and names them,
    unless O(force=true). Auto Scaling group capacity providers are detached from the cluster before it is deleted
    (ECS refuses to delete a cluster that holds them); the providers themselves stay.
  - Options are checked against the ECS API model before anything is written; an error names the option at fault.
author:
  - Hybridops Maintainers (@hybridops)
options:
  name:
    description:
      - Name of the cluster.
    type: str
    required: true
    aliases: [cluster_name]
  state:
    description:
      - V(present) creates the cluster or updates it in place; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  container_insights:
    description:
      - CloudWatch Container Insights for the cluster. V(enhanced) adds observability at task and container level.
      - When omitted, the setting is left as it is (on creation, the account's default applies).
    type: str
    choices: [enabled, enhanced, disabled]
  execute_command_configuration:
    description:
      - The ECS Exec configuration of the cluster.
      - It is compared and sent whole, as UpdateCluster replaces it whole; what is left out takes AWS's defaults.
    type: dict
    suboptions:
      kms_key_id:
        description: KMS key that encrypts the data between the client and the container.
        type: str
      logging:
        description:
          - Where the output of ECS Exec commands goes. V(DEFAULT) uses the task's C(awslogs) configuration, V(NONE) logs
            nothing, V(OVERRIDE) uses O(execute_command_configuration.log_configuration).
        type: str
        choices: [DEFAULT, NONE, OVERRIDE]
      log_configuration:
        description: Destinations of the command output when O(execute_command_configuration.logging=OVERRIDE).
        type: dict
        suboptions:
          cloud_watch_log_group_name:
            description: CloudWatch Logs group.
            type: str
          cloud_watch_encryption_enabled:
            description: Whether the log group is encrypted.
            type: bool
          s3_bucket_name:
            description: S3 bucket.
            type: str
          s3_encryption_enabled:
            description: Whether the bucket is encrypted.
            type: bool
          s3_key_prefix:
            description: Prefix of the S3 objects.
            type: str
  capacity_providers:
    description:
      - Names of the capacity providers of the cluster (V(FARGATE), V(FARGATE_SPOT), or Auto Scaling group providers).
      - Order does not matter. V([]) removes them all.
    type: list
    elements: str
  default_capacity_provider_strategy:
    description:
      - The default capacity provider strategy of the cluster; each provider must be in O(capacity_providers).
      - Order does not matter. V([]) removes it.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: Name of the capacity provider.
        type: str
        required: true
      weight:
        description: Relative share of tasks (0 to 1000). AWS's default is 0.
        type: int
      base:
        description: Tasks to run on this provider before the weights apply (0 to 100000). AWS's default is 0.
        type: int
  service_connect_defaults:
    description:
      - The default Service Connect namespace of the cluster.
    type: dict
    suboptions:
      namespace:
        description:
          - Name or ARN of the Cloud Map namespace; a new name makes ECS create an HTTP namespace.
          - V("") removes the default (the namespace itself stays in Cloud Map).
        type: str
        required: true
  create_service_linked_role:
    description:
      - Create the ECS service-linked role C(AWSServiceRoleForECS) (path C(/aws-service-role/ecs.amazonaws.com/)) when it is
        missing. Needs C(iam:ListRoles) (the role is looked up by its path) and C(iam:CreateServiceLinkedRole).
      - When C(iam:ListRoles) is denied, the module warns and carries on without it.
    type: bool
    default: true
  force:
    description:
      - With O(state=absent), delete a cluster that still has container instances or services
        (services are scaled to 0 and deleted, running tasks stopped, instances deregistered with force).
    type: bool
    default: false
  wait:
    description:
      - Wait until the cluster is V(ACTIVE) (with capacity provider changes done), or V(INACTIVE) after deletion.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
notes:
  - The service-linked role is created once per account; after it is made, cluster creation is retried for about a minute
    while IAM spreads the news.
  - Returned RV(cluster) is ECS's object in snake_case, tags as a dict. In check mode it is the cluster as it is now (empty when it
    would be created). The diff shows the CreateCluster request's fields, in snake_case too.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
"""

EXAMPLES = r"""
- name: A cluster for ECS Anywhere, with Container Insights and ECS Exec logging to CloudWatch
  hybridops.ecs_anywhere.ecs_cluster:
    name: edge
    container_insights: enabled
    execute_command_configuration:
      logging: OVERRIDE
      log_configuration:
        cloud_watch_log_group_name: /ecs/edge/exec
    tags:
      team: edge
  register: edge

- name: Fargate capacity providers and a default strategy
  hybridops.ecs_anywhere.ecs_cluster:
    name: edge
    capacity_providers: [FARGATE, FARGATE_SPOT]
    default_capacity_provider_strategy:
      - capacity_provider: FARGATE
        weight: 1
        base: 1

- name: Add a tag, keep the others
  hybridops.ecs_anywhere.ecs_cluster:
    name: edge
    tags:
      cost-centre: "42"
    purge_tags: false

- name: Delete the cluster, taking down what still runs in it
  hybridops.ecs_anywhere.ecs_cluster:
    name: edge
    state: absent
    force: true
"""

RETURN = r"""
cluster:
  description:
    - The cluster as ECS DescribeClusters returns it, with settings, configuration, attachments and tags, in snake_case
      as every module of this collection returns AWS objects.
    - After deletion, the cluster ECS returned (status C(INACTIVE)); empty when there was none. In check mode the cluster
      as it is now (empty when it would be created).
  returned: always
  type: dict
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
service_linked_role_created:
  description: Whether the ECS service-linked role was created (in check mode, whether it would be).
  returned: always
  type: bool
  sample: false
deleted_services:
  description: Services deleted to delete the cluster (O(force=true)).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [web]
deregistered_instances:
  description: Container instances deregistered to delete the cluster (O(force=true)), by EC2 or managed instance id.
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [mi-0123456789abcdef0]
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import cluster as api
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import OPTION_NAMES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import blocker_names
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import create_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.cluster_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import delete_service
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_linked_role import create_service_linked_role
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service_linked_role import service_linked_role_exists
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import apply_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import run
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import option_path
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ECS_CLUSTER_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import ecs_cluster_cross_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.rules import refuse_broken_rules

# AWS's own providers; they do not hold a cluster.
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


class Cluster(Resource):
    CLIENTS = CLIENTS

    def desired(self):
        """The CreateCluster request of the options, checked against the ECS model (no call is made)."""
        refuse_broken_rules(ECS_CLUSTER_RULES, self.params, ecs_cluster_cross_errors(self.params))
        try:
            return prepare_request(self.clients.ecs, "CreateCluster", create_request(self.params))
        except RequestValidationError as e:
            raise Refused("Invalid options: " + "; ".join(option_path(error, OPTION_NAMES) for error in e.errors)) from None

    def current(self, desired):
        """The cluster or None; beside it what the plan needs: the namespace as the user named it, what is in the way of a delete."""
        self.namespace, self.in_the_way = None, ([], [])
        cluster = api.get_cluster(self.clients.ecs, desired["clusterName"])
        if cluster is None:
            return None
        if self.params["state"] == "absent":
            self.in_the_way = api.blockers(self.clients.ecs, cluster["clusterArn"])
            return cluster
        wanted = (desired.get("serviceConnectDefaults") or {}).get("namespace")
        have = (cluster.get("serviceConnectDefaults") or {}).get("namespace")
        if wanted and have and wanted != have and not wanted.startswith("arn:") and have.startswith("arn:"):
            # DescribeClusters gives the namespace's ARN; the user may have given its name.
            if api.namespace_name(self.clients.servicediscovery, have) == wanted:
                self.namespace = wanted
        return cluster

    def role_exists(self):
        """Whether the service-linked role exists, read only for a create; None when not managed or IAM will not say."""
        if not self.params["create_service_linked_role"]:
            return None
        try:
            return service_linked_role_exists(self.clients.iam)
        except AnsibleAWSError as e:
            if isinstance(e.exception, is_boto3_error_code(["AccessDenied", "AccessDeniedException"], e=e.exception)):
                self.warn(f"Cannot tell whether the ECS service-linked role exists ({e.message}); not creating it.")
                return None
            raise

    def plan(self, desired, current):
        if self.params["state"] == "present":
            role_exists = self.role_exists() if current is None else None
            return plan_present(desired, current, self.params["purge_tags"], self.namespace, role_exists)
        instances, services = blocker_names(*self.in_the_way)
        plan = plan_absent(current)
        if (instances or services) and not self.params["force"]:
            plan.refusals.append(
                f"Cluster {desired['clusterName']} still has registered container instances ({', '.join(instances) or 'none'}) "
                f"and active services ({', '.join(services) or 'none'}); deregister and delete them first, or set force=true"
            )
        return plan

    def apply(self, plan, current):
        ecs, name = self.clients.ecs, self.params["name"]
        self.role_created = plan.planned("create_service_linked_role") and create_service_linked_role(self.clients.iam)
        if plan.planned("delete_cluster"):
            self.empty(current)
            return api.delete_cluster(ecs, name)
        if plan.planned("create_cluster"):
            request = dict(plan.call("create_cluster"))
            if not (request.get("serviceConnectDefaults") or {}).get("namespace"):
                request.pop("serviceConnectDefaults", None)  # "" removes a default; a new cluster has none
            api.create_cluster(self.clients.ecs_new_role if self.role_created else ecs, name, request)
        if plan.planned("update_cluster_settings"):
            api.update_cluster_settings(ecs, name, plan.call("update_cluster_settings"))
        if plan.planned("update_cluster"):
            api.update_cluster(ecs, name, plan.call("update_cluster"))
        if plan.planned("put_cluster_capacity_providers"):
            api.put_cluster_capacity_providers(ecs, name, *plan.call("put_cluster_capacity_providers"))
        if plan.planned("update_tags"):
            apply_tags(ecs, current["clusterArn"], *plan.call("update_tags"))
        return api.get_cluster(ecs, name)

    def empty(self, current):
        """What force=true takes down before DeleteCluster: services, their tasks, container instances; and the
        Auto Scaling group capacity providers DeleteCluster refuses to leave attached (ClusterContainsCapacityProviderException)."""
        ecs, (instances, services) = self.clients.ecs, self.in_the_way
        arn = current["clusterArn"]
        for service in services:
            delete_service(ecs, arn, service["serviceName"], service.get("schedulingStrategy"))
        api.stop_all_tasks(ecs, arn, "Cluster deleted by hybridops.ecs_anywhere.ecs_cluster (force=true)")
        for instance in instances:
            api.deregister_instance(ecs, arn, instance["containerInstanceArn"])
        if services:
            # DeleteCluster refuses while services are still draining ...
            api.wait_services_inactive(ecs, arn, [service["serviceArn"] for service in services], self.params["wait_timeout"])
        # ... and while stopped tasks are still stopping (STOPPING, DEPROVISIONING), theirs and the others.
        api.wait_tasks_stopped(ecs, arn, self.params["wait_timeout"])
        if any(provider not in FARGATE_PROVIDERS for provider in current.get("capacityProviders") or []):
            api.put_cluster_capacity_providers(ecs, arn, [], [])

    def wait(self, plan, resource, timeout):
        if not plan.changed:
            return resource
        name = self.params["name"]
        if self.params["state"] == "absent":
            api.wait_for_cluster(self.clients.ecs, name, "INACTIVE", timeout)
            return resource
        api.wait_for_cluster(self.clients.ecs, name, "ACTIVE", timeout)
        return api.get_cluster(self.clients.ecs, name)

    def result(self, plan, resource):
        # Before the calls (check mode, a failure after a write) the role counts as created when planned.
        created = getattr(self, "role_created", plan.planned("create_service_linked_role"))
        result = {"service_linked_role_created": created, "cluster": resource or {}}
        if self.params["state"] == "absent":
            instances, services = blocker_names(*self.in_the_way)
            result.update(deleted_services=services, deregistered_instances=instances)
        return result


def main():
    strategy = dict(capacity_provider=dict(type="str", required=True), weight=dict(type="int"), base=dict(type="int"))
    log_configuration = dict(
        cloud_watch_log_group_name=dict(type="str"),
        cloud_watch_encryption_enabled=dict(type="bool"),
        s3_bucket_name=dict(type="str"),
        s3_encryption_enabled=dict(type="bool"),
        s3_key_prefix=dict(type="str", no_log=False),
    )
    execute = dict(
        kms_key_id=dict(type="str", no_log=False),
        logging=dict(type="str", choices=["DEFAULT", "NONE", "OVERRIDE"]),
        log_configuration=dict(type="dict", options=log_configuration),
    )
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["cluster_name"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        container_insights=dict(type="str", choices=["enabled", "enhanced", "disabled"]),
        execute_command_configuration=dict(type="dict", options=execute),
        capacity_providers=dict(type="list", elements="str"),
        default_capacity_provider_strategy=dict(type="list", elements="dict", options=strategy),
        service_connect_defaults=dict(type="dict", options=dict(namespace=dict(type="str", required=True))),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        create_service_linked_role=dict(type="bool", default=True),
        force=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    run(Cluster, argument_spec)


if __name__ == "__main__":
    main()
