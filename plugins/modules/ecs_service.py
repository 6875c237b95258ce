#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: ecs_service
short_description: Create, update and delete Amazon ECS services, including services on ECS Anywhere (EXTERNAL) instances
version_added: 0.1.0
description:
  - Manages an ECS service with launch type V(EC2), V(FARGATE) or V(EXTERNAL) (ECS Anywhere), or a capacity provider strategy.
  - Compares only what you set; everything else is left to AWS (and to whoever else manages it, such as autoscaling).
  - Settings that ECS cannot change on an existing service (read from botocore's model of C(UpdateService), such as
    O(launch_type), O(scheduling_strategy) and O(role)), and O(deployment_controller) which ECS refuses to change, fail with
    an error naming them, unless O(force_replace=true).
  - For V(EXTERNAL) the restrictions of ECS Anywhere are checked before any call that writes; no network configuration,
    load balancers, service registries, O(role), O(platform_version), capacity provider strategy or deployment controller
    other than V(ECS), and a task definition whose network mode is not V(awsvpc) and that requires no capability the
    ECS agent leaves out on external instances (task ENI, App Mesh, Elastic Inference, Service Connect, EBS task volumes).
  - O(network_configuration) only with a task definition of network mode V(awsvpc), which needs one; checked before any write.
  - Safe when several runs (AWX slices) create the same service at once; a run that finds it created meanwhile
    converges on it as a later run would.
author:
  - Hybridops Maintainers (@hybridops)
options:
  name:
    description: Name of the service.
    type: str
    required: true
    aliases: [service]
  cluster:
    description: Name or ARN of the cluster.
    type: str
    default: default
  state:
    description:
      - V(present) creates or updates the service; V(absent) scales it to zero, deletes it and, with O(wait), waits until it is INACTIVE.
    type: str
    choices: [present, absent]
    default: present
  task_definition:
    description:
      - Task definition as a family (its latest ACTIVE revision), C(family:revision) or an ARN.
      - A bare family is resolved to its latest ACTIVE revision; the service changes only when it does not run that revision already.
      - Required to create a service.
    type: str
  desired_count:
    description:
      - Number of tasks to keep running. Leave it unset (null) to leave the count to autoscaling or to others.
      - Required to create a V(REPLICA) service; not allowed for V(DAEMON).
    type: int
  scheduling_strategy:
    description: V(REPLICA) or V(DAEMON) (one task per instance). Cannot be changed without O(force_replace).
    type: str
    choices: [REPLICA, DAEMON]
  deployment_configuration:
    description: How deployments replace tasks.
    type: dict
    suboptions:
      maximum_percent:
        description: Upper limit of running tasks during a deployment, as a percentage of O(desired_count).
        type: int
      minimum_healthy_percent:
        description: Lower limit of healthy tasks during a deployment, as a percentage of O(desired_count).
        type: int
      deployment_circuit_breaker:
        description: Stop (and optionally roll back) a deployment whose tasks keep failing.
        type: dict
        suboptions:
          enable:
            description: Turn the circuit breaker on.
            type: bool
            required: true
          rollback:
            description: Roll back to the last completed deployment when it trips.
            type: bool
            required: true
      alarms:
        description: CloudWatch alarms that fail a deployment.
        type: dict
        suboptions:
          alarm_names:
            description: Names of the alarms.
            type: list
            elements: str
            required: true
          enable:
            description: Use the alarms.
            type: bool
            required: true
          rollback:
            description: Roll back when an alarm fires.
            type: bool
            required: true
  deployment_controller:
    description: Deployment controller.
    type: dict
    suboptions:
      type:
        description: V(ECS), V(CODE_DEPLOY) or V(EXTERNAL).
        type: str
        required: true
        choices: [ECS, CODE_DEPLOY, EXTERNAL]
  load_balancers:
    description: Load balancers (not for EXTERNAL).
    type: list
    elements: dict
    suboptions:
      target_group_arn:
        description: Target group ARN.
        type: str
      load_balancer_name:
        description: Classic load balancer name.
        type: str
      container_name:
        description: Container to route to.
        type: str
        required: true
      container_port:
        description: Port of that container.
        type: int
        required: true
  service_registries:
    description: Cloud Map service registries (not for EXTERNAL).
    type: list
    elements: dict
    suboptions:
      registry_arn:
        description: Service registry ARN.
        type: str
        required: true
      port:
        description: Port for SRV records.
        type: int
      container_name:
        description: Container name for SRV records.
        type: str
      container_port:
        description: Container port for SRV records.
        type: int
  role:
    description: IAM role name or ARN for load balancer registration (older services only). Cannot be changed without O(force_replace).
    type: str
  health_check_grace_period_seconds:
    description: Seconds to ignore load balancer health checks after a task starts.
    type: int
  propagate_tags:
    description: Copy tags to tasks from the V(TASK_DEFINITION) or the V(SERVICE), or V(NONE).
    type: str
    choices: [TASK_DEFINITION, SERVICE, NONE]
  force_new_deployment:
    description: Start a new deployment even if nothing changed (for example to pull a moved image tag). Always reports a change.
    type: bool
    default: false
  force_replace:
    description:
      - When a setting that ECS cannot update differs, delete the service and create it again instead of failing.
      - The service's tasks stop during the replacement.
    type: bool
    default: false
  wait:
    description:
      - Wait until the service is stable (one deployment, running count equal to desired count), or INACTIVE after O(state=absent).
      - On a timeout or a failed deployment the module fails with the service's recent events and the reasons its tasks stopped.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - hybridops.ecs_anywhere.attributes
  - hybridops.ecs_anywhere.placement
"""

EXAMPLES = r"""
- name: Run two copies of a web server on ECS Anywhere (external) instances
  hybridops.ecs_anywhere.ecs_service:
    name: web
    cluster: edge
    task_definition: web
    launch_type: EXTERNAL
    desired_count: 2
    deployment_configuration:
      minimum_healthy_percent: 50
      maximum_percent: 100
      deployment_circuit_breaker:
        enable: true
        rollback: true
    placement_constraints:
      - type: memberOf
        expression: "attribute:site == lab"
    tags:
      team: edge
    wait: true

- name: One log shipper on every external instance
  hybridops.ecs_anywhere.ecs_service:
    name: log-shipper
    cluster: edge
    task_definition: fluent-bit:3
    launch_type: EXTERNAL
    scheduling_strategy: DAEMON

- name: Deploy the latest revision, leaving the task count to autoscaling
  hybridops.ecs_anywhere.ecs_service:
    name: web
    cluster: edge
    task_definition: web

- name: Remove the service
  hybridops.ecs_anywhere.ecs_service:
    name: web
    cluster: edge
    state: absent
    wait: true
"""

RETURN = r"""
service:
  description: The service as ECS DescribeServices returns it (AWS's keys); empty after O(state=absent).
  returned: always
  type: dict
  sample:
    serviceName: web
    serviceArn: arn:aws:ecs:us-east-1:123456789012:service/edge/web
    launchType: EXTERNAL
    desiredCount: 2
    runningCount: 2
    status: ACTIVE
    taskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/web:4
tags:
  description: The service's tags.
  returned: always
  type: dict
  sample: {"team": "edge"}
changed_fields:
  description:
    - The CreateService members that differed and were updated (or would be, in check mode).
    - V(forceNewDeployment) when O(force_new_deployment) starts a new deployment of an existing service.
  returned: always
  type: list
  elements: str
  sample: [desiredCount, taskDefinition]
replaced:
  description: Whether the service was deleted and created again because of O(force_replace).
  returned: always
  type: bool
  sample: false
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule.

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import created_concurrently
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import ecs_client
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_ARGUMENT_SPEC
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.options import PLACEMENT_MUTUALLY_EXCLUSIVE
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import SERVICE_FIELDS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import create_service
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import delete_service
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import describe_service
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import desired_settings
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import external_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import network_errors
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import immutable_fields
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import plan_changes
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import service_result
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import update_service
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import wait_for_service
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.service import why_not_stable
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import apply_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import dict_to_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import plan_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.tags import tags_to_dict
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition import describe_task_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.compare import diff
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import failures_reported
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import prepare_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import ECS_SERVICE_RULES
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import refuse_broken_rules

OPTION_OF_FIELD = {field: option for option, field in SERVICE_FIELDS.items()}
# In check mode an earlier task of the play may only have predicted the registration of the task definition.
NOT_YET = "task_definition: {name} names no ACTIVE task definition yet; check mode assumes an earlier task registers it."


def option_errors(params):
    errors = []
    if params["scheduling_strategy"] == "DAEMON":
        if params["desired_count"] is not None:
            errors.append("desired_count: a DAEMON service runs one task per instance; leave desired_count unset")
        if params["placement_strategy"]:
            errors.append("placement_strategy: not allowed with scheduling_strategy DAEMON")
    return errors


def resolve_task_definition(module, client, settings):
    """Turn family, family:revision or ARN into the ARN it names (a family names its latest ACTIVE revision)."""
    name = settings.get("taskDefinition")
    if not name:
        return None
    task_definition = describe_task_definition(client, name)[0]
    if not task_definition or task_definition.get("status") != "ACTIVE":
        if module.check_mode:
            module.warn(NOT_YET.format(name=name))
            return None
        raise Refused(f"task_definition: {name} names no ACTIVE task definition")
    settings["taskDefinition"] = task_definition["taskDefinitionArn"]
    return task_definition


def wait(client, params, gone=False, why_gone="after its deletion"):
    """Wait for the service to become stable (INACTIVE when ``gone``); a wait that fails refuses with why_not_stable's details."""
    try:
        wait_for_service(client, params["cluster"], params["name"], params["wait_timeout"], gone=gone)
    except botocore.exceptions.WaiterError as e:
        why = why_not_stable(client, params["cluster"], params["name"])
        waited_for = f"INACTIVE {why_gone}" if gone else "stable"
        raise Refused(f"Service {params['name']} did not become {waited_for} within {params['wait_timeout']} seconds: {e}", **why) from e


def ensure_absent(module, client, current, progress):
    params = module.params
    if not current:
        return dict(changed=False, replaced=False, changed_fields=[], **service_result(None))
    result = dict(changed=True, replaced=False, changed_fields=[], diff=diff({"service": current["serviceName"]}, {}), **service_result(None))
    if module.check_mode:
        return result
    progress.report(result)
    delete_service(client, params["cluster"], params["name"], current.get("schedulingStrategy"))
    if params["wait"]:
        wait(client, params, gone=True)
    return result


def ensure_present(module, client, current, progress):
    params = module.params
    settings = desired_settings(params)
    errors = option_errors(params)
    try:
        settings = prepare_request(client, "CreateService", dict(settings, cluster=params["cluster"], serviceName=params["name"]))
    except RequestValidationError as e:
        errors.extend(e.errors)
    settings.pop("cluster", None)
    settings.pop("serviceName", None)
    if errors:
        raise Refused("; ".join(errors))
    task_definition = resolve_task_definition(module, client, settings)
    launch_type = settings.get("launchType") or (current or {}).get("launchType")
    errors = external_errors(dict(settings, launchType=launch_type), task_definition)
    errors.extend(network_errors(dict(settings, launchType=launch_type), task_definition, creating=not current))
    if not current:
        if "taskDefinition" not in settings:
            errors.append(f"task_definition: required to create service {params['name']}")
        if params["scheduling_strategy"] != "DAEMON" and params["desired_count"] is None:
            errors.append(f"desired_count: required to create REPLICA service {params['name']}")
    if errors:
        raise Refused("; ".join(errors))

    if not current:
        result = dict(changed=True, replaced=False, changed_fields=sorted(settings), diff=diff({}, dict(settings, tags=params["tags"] or {})))
        if module.check_mode:
            return dict(result, service={}, tags=params["tags"] or {})
        progress.report(dict(result, **service_result(None)))
        try:
            service = create_service(client, params["cluster"], params["name"], settings, dict_to_tags(params["tags"]))
        except AnsibleECSError as e:
            current = describe_service(client, params["cluster"], params["name"]) if created_concurrently(e) else None
            if not current:
                raise
            # Another run (an AWX slice) created it meanwhile: converge on what it made, as a later run would.
            return ensure_present(module, client, current, progress)
        return dict(result, **service_result(service))

    changed_fields, before, after = plan_changes(settings, current)
    immutable = [field for field in changed_fields if field in immutable_fields(client.meta.service_model)]
    if immutable and not params["force_replace"]:
        names = ", ".join(OPTION_OF_FIELD.get(field, field) for field in immutable)
        raise Refused(f"{names}: cannot be changed on existing service {params['name']}; set force_replace: true to delete and recreate it",
                      changed_fields=immutable)
    current_tags = tags_to_dict(current.get("tags"))
    to_set, to_unset = plan_tags(current_tags, params["tags"], params["purge_tags"])
    if to_set or to_unset:
        before["tags"] = current_tags
        after["tags"] = dict((tag, value) for tag, value in dict(current_tags, **to_set).items() if tag not in to_unset)
    reported_fields = list(changed_fields)
    if params["force_new_deployment"] and not immutable:
        # Always a change: UpdateService is sent with forceNewDeployment, and the result says so.
        reported_fields = sorted(reported_fields + ["forceNewDeployment"])
        after["forceNewDeployment"] = True
    changed = bool(reported_fields or to_set or to_unset)
    result = dict(changed=changed, replaced=bool(immutable), changed_fields=reported_fields, diff=diff(before, after))
    if module.check_mode or not changed:
        return dict(result, **service_result(current))

    progress.report(dict(result, **service_result(None if immutable else current)))
    if immutable:
        delete_service(client, params["cluster"], params["name"], current.get("schedulingStrategy"))
        wait(client, params, gone=True, why_gone="after its deletion by force_replace, so it was not created again")
        wanted = dict(current_settings_for_replace(current), **settings)
        service = create_service(client, params["cluster"], params["name"], wanted, dict_to_tags(after.get("tags", current_tags)))
        return dict(result, **service_result(service))
    update = {field: settings[field] for field in changed_fields}
    if params["force_new_deployment"]:
        update["forceNewDeployment"] = True  # reported in changed_fields above
    service = update_service(client, params["cluster"], params["name"], update) if update else current
    progress.report(dict(result, **service_result(service)))
    apply_tags(client, current["serviceArn"], to_set, to_unset)
    service = describe_service(client, params["cluster"], params["name"]) or service
    return dict(result, **service_result(service))


def current_settings_for_replace(current):
    """What the replaced service had and the user did not set: carried over so a replacement changes only what was asked."""
    kept = {}
    for field in SERVICE_FIELDS.values():
        value = current.get("roleArn" if field == "role" else field)
        if value not in (None, [], {}):
            kept[field] = value
    return kept


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["service"]),
        cluster=dict(type="str", default="default"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        task_definition=dict(type="str"),
        desired_count=dict(type="int"),
        scheduling_strategy=dict(type="str", choices=["REPLICA", "DAEMON"]),
        deployment_configuration=dict(
            type="dict",
            options=dict(
                maximum_percent=dict(type="int"),
                minimum_healthy_percent=dict(type="int"),
                deployment_circuit_breaker=dict(type="dict", options=dict(enable=dict(type="bool", required=True), rollback=dict(type="bool", required=True))),
                alarms=dict(
                    type="dict",
                    options=dict(
                        alarm_names=dict(type="list", elements="str", required=True),
                        enable=dict(type="bool", required=True),
                        rollback=dict(type="bool", required=True),
                    ),
                ),
            ),
        ),
        deployment_controller=dict(type="dict", options=dict(type=dict(type="str", required=True, choices=["ECS", "CODE_DEPLOY", "EXTERNAL"]))),
        load_balancers=dict(
            type="list", elements="dict",
            options=dict(
                target_group_arn=dict(type="str"),
                load_balancer_name=dict(type="str"),
                container_name=dict(type="str", required=True),
                container_port=dict(type="int", required=True),
            ),
        ),
        service_registries=dict(
            type="list", elements="dict",
            options=dict(
                registry_arn=dict(type="str", required=True),
                port=dict(type="int"),
                container_name=dict(type="str"),
                container_port=dict(type="int"),
            ),
        ),
        role=dict(type="str"),
        health_check_grace_period_seconds=dict(type="int"),
        propagate_tags=dict(type="str", choices=["TASK_DEFINITION", "SERVICE", "NONE"]),
        force_new_deployment=dict(type="bool", default=False),
        force_replace=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
    )
    argument_spec.update(PLACEMENT_ARGUMENT_SPEC)
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=PLACEMENT_MUTUALLY_EXCLUSIVE,
    )
    params = module.params
    with failures_reported(module) as progress:
        refuse_broken_rules(ECS_SERVICE_RULES, module.params)
        client = ecs_client(module)
        current = describe_service(client, params["cluster"], params["name"])
        if params["state"] == "absent":
            result = ensure_absent(module, client, current, progress)
        else:
            result = ensure_present(module, client, current, progress)
            if params["wait"] and not module.check_mode:
                progress.report(result)
                wait(client, params)
                result.update(service_result(describe_service(client, params["cluster"], params["name"])))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
