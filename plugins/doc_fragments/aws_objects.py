# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWS objects modules return, documented once for a module and its _info twin.

In snake_case, as every module returns them (module_utils/results.py), tags as a dict. A module's RETURN names the
key, with its description, type and when it is returned; ``extends_documentation_fragment`` in the RETURN, such as
``hybridops.ecs_anywhere.aws_objects.cluster``, adds what the key contains.
"""

_CLUSTER = """
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
"""

_CAPACITY_PROVIDER = """
    capacity_provider_arn:
      description: The capacity provider's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:capacity-provider/edge-workers
    name:
      description: The capacity provider's name.
      type: str
      sample: edge-workers
    status:
      description: C(ACTIVE), or C(INACTIVE) once deleted (AWS may list deleted ones for a while).
      type: str
      sample: ACTIVE
    type:
      description: C(EC2_AUTOSCALING), C(FARGATE), C(FARGATE_SPOT) or C(MANAGED_INSTANCES), when AWS gives it.
      type: str
      sample: EC2_AUTOSCALING
    update_status:
      description: How the last create, update or delete went, such as C(UPDATE_COMPLETE).
      type: str
      sample: UPDATE_COMPLETE
    update_status_reason:
      description: Why the last update failed, when it did.
      type: str
      sample: ""
    auto_scaling_group_provider:
      description: The Auto Scaling group and how ECS manages it; absent for V(FARGATE) and V(FARGATE_SPOT).
      type: dict
      contains:
        auto_scaling_group_arn:
          description: The Auto Scaling group's ARN.
          type: str
          sample: >-
            arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:5b4d1c1e-1f2a-4c3b-9d8e-0a1b2c3d4e5f:autoScalingGroupName/edge-workers
        managed_scaling:
          description: ECS managed scaling of the group.
          type: dict
          contains:
            status:
              description: C(ENABLED) or C(DISABLED).
              type: str
              sample: ENABLED
            target_capacity:
              description: Target utilisation of the group, in percent.
              type: int
              sample: 90
            minimum_scaling_step_size:
              description: Fewest instances added or removed at once.
              type: int
              sample: 1
            maximum_scaling_step_size:
              description: Most instances added or removed at once.
              type: int
              sample: 10
            instance_warmup_period:
              description: Seconds a new instance takes to count.
              type: int
              sample: 300
        managed_termination_protection:
          description: C(ENABLED) or C(DISABLED).
          type: str
          sample: DISABLED
        managed_draining:
          description: C(ENABLED) or C(DISABLED).
          type: str
          sample: ENABLED
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"team": "edge"}
"""

_SERVICE = """
    service_name:
      description: The service's name.
      type: str
      sample: web
    service_arn:
      description: The service's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:service/edge/web
    cluster_arn:
      description: The cluster's ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:cluster/edge
    status:
      description: C(ACTIVE), C(DRAINING) or C(INACTIVE).
      type: str
      sample: ACTIVE
    launch_type:
      description: C(EXTERNAL), C(EC2) or C(FARGATE); absent with a capacity provider strategy.
      type: str
      sample: EXTERNAL
    scheduling_strategy:
      description: C(REPLICA) or C(DAEMON).
      type: str
      sample: REPLICA
    task_definition:
      description: ARN of the task definition the service runs.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task-definition/web:4
    desired_count:
      description: Tasks the service keeps running.
      type: int
      sample: 2
    running_count:
      description: Tasks in the RUNNING state.
      type: int
      sample: 2
    pending_count:
      description: Tasks in the PENDING state.
      type: int
      sample: 0
    deployment_configuration:
      description: How deployments replace tasks.
      type: dict
      contains:
        maximum_percent:
          description: Upper limit of running tasks during a deployment, in percent of the desired count.
          type: int
          sample: 200
        minimum_healthy_percent:
          description: Lower limit of healthy tasks during a deployment, in percent of the desired count.
          type: int
          sample: 100
        deployment_circuit_breaker:
          description: Whether a failing deployment stops, and rolls back.
          type: dict
          contains:
            enable:
              description: Whether a failing deployment stops.
              type: bool
              sample: true
            rollback:
              description: Whether it then rolls back to the last completed deployment.
              type: bool
              sample: true
    deployments:
      description: The service's deployments, the newest first.
      type: list
      elements: dict
      contains:
        id:
          description: The deployment's id.
          type: str
          sample: ecs-svc/1234567890123456789
        status:
          description: C(PRIMARY), C(ACTIVE) or C(INACTIVE).
          type: str
          sample: PRIMARY
        task_definition:
          description: ARN of the task definition it deploys.
          type: str
          sample: arn:aws:ecs:us-east-1:123456789012:task-definition/web:4
        desired_count:
          description: Tasks it aims for.
          type: int
          sample: 2
        running_count:
          description: Its tasks in the RUNNING state.
          type: int
          sample: 2
        rollout_state:
          description: C(IN_PROGRESS), C(COMPLETED) or C(FAILED).
          type: str
          sample: COMPLETED
    events:
      description: The service's latest events (ECS keeps 100), the newest first.
      type: list
      elements: dict
      contains:
        id:
          description: The event's id.
          type: str
          sample: 0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9
        created_at:
          description: When it happened.
          type: str
          sample: "2026-01-01T10:00:00+00:00"
        message:
          description: What happened.
          type: str
          sample: (service web) has reached a steady state.
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"team": "edge"}
"""

_TASK_DEFINITION = """
    task_definition_arn:
      description: The revision's ARN.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/edge-web:3
    family:
      description: The family.
      type: str
      sample: edge-web
    revision:
      description: The revision number.
      type: int
      sample: 3
    status:
      description: C(ACTIVE), C(INACTIVE) or C(DELETE_IN_PROGRESS).
      type: str
      sample: ACTIVE
    network_mode:
      description: The network mode.
      type: str
      sample: bridge
    requires_compatibilities:
      description: The launch types the definition was checked against.
      type: list
      elements: str
      sample: [EXTERNAL]
    compatibilities:
      description: The launch types ECS found it compatible with.
      type: list
      elements: str
      sample: [EXTERNAL, EC2]
    cpu:
      description: Task-level CPU units, when set.
      type: str
      sample: "256"
    memory:
      description: Task-level memory in MiB, when set.
      type: str
      sample: "512"
    task_role_arn:
      description: The IAM role the containers assume, when set.
      type: str
      sample: arn:aws:iam::123456789012:role/edgeWebTask
    execution_role_arn:
      description: The IAM role the agent pulls images and writes logs with, when set.
      type: str
      sample: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
    container_definitions:
      description:
        - The containers, as ECS returns them, in snake_case like the rest of the object (as community.aws's
          C(ecs_taskdefinition_info) returns them); maps whose keys are data keep their keys (C(docker_labels),
          C(log_configuration.options)).
      type: list
      elements: dict
      contains:
        name:
          description: The container's name.
          type: str
          sample: web
        image:
          description: Its image.
          type: str
          sample: public.ecr.aws/nginx/nginx:1.27
        cpu:
          description: CPU units reserved for it.
          type: int
          sample: 0
        memory:
          description: Its hard memory limit in MiB.
          type: int
          sample: 256
        essential:
          description: Whether the task stops when it does.
          type: bool
          sample: true
        port_mappings:
          description: Its port mappings.
          type: list
          elements: dict
          contains:
            container_port:
              description: The port in the container.
              type: int
              sample: 80
            host_port:
              description: The port on the host.
              type: int
              sample: 8080
            protocol:
              description: C(tcp) or C(udp).
              type: str
              sample: tcp
        environment:
          description: Its environment variables, names and values as written.
          type: list
          elements: dict
          contains:
            name:
              description: The variable's name.
              type: str
              sample: SITE
            value:
              description: Its value.
              type: str
              sample: edge
        docker_labels:
          description: Its Docker labels, keys as written.
          type: dict
          sample: {"com.example.Team": "edge"}
        log_configuration:
          description: Its log driver; C(options) keeps the driver's keys as written.
          type: dict
          contains:
            log_driver:
              description: The log driver.
              type: str
              sample: awslogs
            options:
              description: The driver's options, keys as written.
              type: dict
              sample: {"awslogs-group": "/ecs/edge-web", "awslogs-region": "eu-west-1"}
    volumes:
      description: The task's volumes.
      type: list
      elements: dict
      contains:
        name:
          description: The volume's name.
          type: str
          sample: data
        host:
          description: A bind mount from the host, when it is one.
          type: dict
          contains:
            source_path:
              description: The path on the host.
              type: str
              sample: /srv/edge
    placement_constraints:
      description: Where its tasks may be placed.
      type: list
      elements: dict
      contains:
        type:
          description: C(memberOf).
          type: str
          sample: memberOf
        expression:
          description: A cluster query language expression.
          type: str
          sample: attribute:site == lab
    tags:
      description:
        - The revision's tags, as a dict, in what M(hybridops.ecs_anywhere.ecs_task_definition_info) returns;
          M(hybridops.ecs_anywhere.ecs_task_definition) returns them beside the object, in its C(tags).
      type: dict
      sample: {team: edge}
"""

_CONTAINER_INSTANCE = """
    arn:
      description: The container instance ARN.
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:container-instance/edge/4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    id:
      description: The container instance id (the last part of the ARN).
      type: str
      sample: 4b6d45ea0a1e4c5a9a1b2c3d4e5f6a7b
    ec2_instance_id:
      description: The C(mi-) managed instance id of an external instance, or the EC2 instance id.
      type: str
      sample: mi-0123456789abcdef0
    external:
      description: Whether it is an ECS Anywhere (external) instance.
      type: bool
      sample: true
    host_name:
      description: The host name its SSM agent reports. Present when host names were looked up; null when SSM does not know it.
      type: str
      sample: edge-01.lab.example
    status:
      description: C(ACTIVE), C(DRAINING), C(REGISTERING), C(DEREGISTERING) or C(REGISTRATION_FAILED).
      type: str
      sample: ACTIVE
    status_reason:
      description: Why the instance has its status, when ECS says.
      type: str
      sample: Instance deregistration forced by user
    agent_connected:
      description: Whether the ECS agent is connected to ECS.
      type: bool
      sample: true
    agent_update_status:
      description: State of an agent update, if one was asked for.
      type: str
      sample: UPDATED
    running_tasks_count:
      description: Tasks in the RUNNING state.
      type: int
      sample: 2
    pending_tasks_count:
      description: Tasks in the PENDING state.
      type: int
      sample: 0
    agent_version:
      description: ECS agent version.
      type: str
      sample: 1.91.0
    agent_hash:
      description: ECS agent build.
      type: str
      sample: a1b2c3d
    docker_version:
      description: Docker version, without the C(DockerVersion:) prefix the agent reports.
      type: str
      sample: 25.0.5
    attributes:
      description: Every attribute, ECS's own and custom ones, name to value (null for attributes without a value).
      type: dict
      sample: {"ecs.capability.external": null, "ecs.os-type": "linux", "site": "lab"}
    registered_resources:
      description: What the instance registered with, name to value (C(CPU) units, C(MEMORY) MiB, C(PORTS) list, ...).
      type: dict
      sample: {"CPU": 2048, "MEMORY": 3840, "PORTS": ["22", "2375", "2376", "51678", "51679"]}
    remaining_resources:
      description: What is left for tasks, in the same form.
      type: dict
      sample: {"CPU": 1536, "MEMORY": 3328, "PORTS": ["22", "2375", "2376", "51678", "51679", "8080"]}
    registered_at:
      description: When it registered.
      type: str
      sample: "2026-01-01T10:00:00+00:00"
    capacity_provider_name:
      description: Its capacity provider, if any.
      type: str
      sample: edge-workers
    health_status:
      description: Overall health ECS reports, when it does.
      type: str
      sample: OK
    tags:
      description: Tags as a dict.
      type: dict
      sample: {}
"""

_ACTIVATION = """
    activation_id:
      description: The activation's ID.
      type: str
      sample: 2a2dbd2a-36a2-4d1a-a9c1-4a0c1d2e3f4a
    name:
      description: The activation's name (its C(hybridops:activation-name) tag); null when it has none.
      type: str
      sample: edge-onboarding
    description:
      description: Its description.
      type: str
      sample: Hosts of the edge site
    default_instance_name:
      description: The name registered instances get.
      type: str
      sample: edge
    iam_role:
      description: The IAM role registered instances get.
      type: str
      sample: ecsAnywhereRole
    registration_limit:
      description: How many hosts may register.
      type: int
      sample: 3
    registrations_count:
      description: How many have.
      type: int
      sample: 1
    registrations_left:
      description: How many more may.
      type: int
      sample: 2
    created_date:
      description: When it was created (ISO 8601).
      type: str
      sample: "2030-01-29T12:00:00+00:00"
    expiration_date:
      description: When it expires (ISO 8601).
      type: str
      sample: "2030-01-31T12:00:00+00:00"
    expired:
      description: Whether it has.
      type: bool
      sample: false
    usable:
      description: Not expired, registrations left (and, for M(hybridops.ecs_anywhere.ssm_activation), the IAM role asked for).
      type: bool
      sample: true
    tags:
      description: Tags as a dict (AWS lists them; every module of this collection returns them as a dict, keys as they are).
      type: dict
      sample: {"hybridops:activation-name": "edge-onboarding"}
"""

_MANAGED_INSTANCE = """
    instance_id:
      description: The instance id.
      type: str
      sample: mi-0123456789abcdef0
    ping_status:
      description: V(Online), V(ConnectionLost) or V(Inactive).
      type: str
      sample: Online
    last_ping_date_time:
      description: When the agent last reported.
      type: str
      sample: "2026-01-01T10:00:00+00:00"
    computer_name:
      description: The host name the agent reports.
      type: str
      sample: edge-01.lab.example
    name:
      description: The instance's SSM name (from the activation's default instance name).
      type: str
      sample: edge
    ip_address:
      description: The address the agent reports.
      type: str
      sample: 10.0.0.11
    resource_type:
      description: V(ManagedInstance) for hybrid instances.
      type: str
      sample: ManagedInstance
    activation_id:
      description: The activation that registered it.
      type: str
      sample: 3b2c64e5-8e4b-4e25-9c5e-1c6a3e0f2a11
    iam_role:
      description: The IAM role the instance works with.
      type: str
      sample: ecsAnywhereRole
    agent_version:
      description: SSM agent version.
      type: str
      sample: 3.3.1142.0
    platform_name:
      description: Operating system.
      type: str
      sample: Debian GNU/Linux
    tags:
      description:
        - The instance's tags as a dict (keys as they are), when they are read, with C(include_tags=true) in
          M(hybridops.ecs_anywhere.ssm_managed_instance_info), with C(tags) in M(hybridops.ecs_anywhere.ssm_managed_instance)
          (the tags after the change).
      type: dict
      sample: {"site": "lab"}
"""


def _contains(key, contains):
    """A RETURN fragment: ``key`` contains ``contains`` (the module's RETURN gives the key's description, type and returned)."""
    return f"{key}:\n  contains:\n{contains}"


class ModuleDocFragment:
    CLUSTER = _contains("cluster", _CLUSTER)
    CLUSTERS = _contains("clusters", _CLUSTER)
    CAPACITY_PROVIDER = _contains("capacity_provider", _CAPACITY_PROVIDER)
    CAPACITY_PROVIDERS = _contains("capacity_providers", _CAPACITY_PROVIDER)
    SERVICE = _contains("service", _SERVICE)
    SERVICES = _contains("services", _SERVICE)
    TASK_DEFINITION = _contains("task_definition", _TASK_DEFINITION)
    TASK_DEFINITIONS = _contains("task_definitions", _TASK_DEFINITION)
    CONTAINER_INSTANCES = _contains("container_instances", _CONTAINER_INSTANCE)
    ACTIVATION = _contains("activation", _ACTIVATION)
    ACTIVATIONS = _contains("activations", _ACTIVATION)
    INSTANCES = _contains("instances", _MANAGED_INSTANCE)
