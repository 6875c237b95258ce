"""Malformed input never reaches AWS: a corpus of mistakes over the modules, written from AWS's rules.

Each case is a module, its options, and the option (or field path) that breaks a rule AWS states; the
rule's source is beside it. The whole corpus runs as one playbook against one local endpoint: each case
must fail with a message that names that path, without a traceback, and without one write call at the
endpoint (its call log is read after every case).
"""

import json
import re

import pytest
import yaml

import test_targets  # the module, not its names: pytest would collect test_target twice
from fake_aws import call_log

WEB = {"family": "web", "requiresCompatibilities": ["EXTERNAL"], "networkMode": "bridge",
       "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]}  # fmt: skip
CONTAINER = WEB["containerDefinitions"][0]


def definition(**changes):
    return dict(WEB, **changes)


def container(**changes):
    return definition(containerDefinitions=[dict(CONTAINER, **changes)])


def many_tags(count):
    return {f"k{index}": "v" for index in range(count)}


TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
SERVICE = {"name": "web", "cluster": "edge", "task_definition": "web", "launch_type": "EXTERNAL", "desired_count": 1}
TASK = {"cluster": "edge", "state": "started", "task_definition": "web", "launch_type": "EXTERNAL"}
ACTIVATION = {"name": "edge", "iam_role": "ecsAnywhereRole"}
PROVIDER = {"name": "edge-asg", "auto_scaling_group_name": "edge-asg"}

# Sources (AWS API reference, "Request Parameters" of each action, and botocore's model of it):
#   NAMES: CreateCluster clusterName, CreateService serviceName, RegisterTaskDefinition family and
#     ContainerDefinition name: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
#   ECS_TAGS: ECS Tag: "Maximum number of tags per resource - 50", key 1-128, value 0-256 characters,
#     "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values".
#   SSM_TAGS: SSM Tag: key 1-128, value 0-256 (botocore ssm TagKey/TagValue); aws: keys are reserved (AddTagsToResource).
#   STRATEGY: CapacityProviderStrategyItem: weight 0-1000, base 0-100000.
#   PORTS: PortMapping containerPort/hostPort, LoadBalancer containerPort, ServiceRegistry port: 0-65535 (valid port range).
#   PLACEMENT: PlacementConstraint memberOf needs an expression; PlacementStrategy spread needs a field;
#     CreateService/RunTask: at most 10 constraints, 5 strategy rules.
#   STARTED_BY: RunTask startedBy: "Up to 36 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_)".
#   ACTIVATION: CreateActivation RegistrationLimit 1-1000, ExpirationDate at most 30 days ahead, Description 0-256,
#     DefaultInstanceName 0-256, IamRole 0-64 (a role, not a user); activation ids are UUIDs.
#   MANAGED_INSTANCE: managed instance ids are mi- and 17 hex digits (SSM InstanceId pattern).
#   CAPACITY_PROVIDER: CreateCapacityProvider name: up to 255 letters, numbers, underscores, hyphens, not prefixed
#     with aws, ecs or fargate; ManagedScaling targetCapacity 1-100, minimum/maximumScalingStepSize 1-10000,
#     instanceWarmupPeriod 0-10000.
#   TASK_DEFINITION: revision is a positive integer; EXTERNAL supports bridge, host and none (not awsvpc);
#     container names unique within a task definition; at least one container definition.
#   COUNTS: desiredCount, healthCheckGracePeriodSeconds, maximumPercent, minimumHealthyPercent, RunTask count (1-10 a call) >= 0.
CASES = [
    # ---- ecs_cluster ---------------------------------------------------------------------------------------------
    ("cluster-name-empty", "ecs_cluster", {"name": ""}, "name"),  # NAMES
    ("cluster-name-space", "ecs_cluster", {"name": "edge site"}, "name"),  # NAMES
    ("cluster-name-slash", "ecs_cluster", {"name": "edge/site"}, "name"),  # NAMES
    ("cluster-name-long", "ecs_cluster", {"name": "e" * 256}, "name"),  # NAMES
    ("cluster-tag-key-empty", "ecs_cluster", {"name": "edge", "tags": {"": "x"}}, "tags"),  # ECS_TAGS
    ("cluster-tag-key-long", "ecs_cluster", {"name": "edge", "tags": {"k" * 129: "x"}}, "tags"),  # ECS_TAGS
    ("cluster-tag-value-long", "ecs_cluster", {"name": "edge", "tags": {"team": "v" * 257}}, "tags"),  # ECS_TAGS
    ("cluster-tag-aws", "ecs_cluster", {"name": "edge", "tags": {"aws:owner": "me"}}, "tags"),  # ECS_TAGS
    ("cluster-tags-51", "ecs_cluster", {"name": "edge", "tags": many_tags(51)}, "tags"),  # ECS_TAGS
    ("cluster-weight-high", "ecs_cluster",
     {"name": "edge", "capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1001}]},
     "default_capacity_provider_strategy[0].weight"),  # STRATEGY
    ("cluster-base-negative", "ecs_cluster",
     {"name": "edge", "capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "base": -1}]},
     "default_capacity_provider_strategy[0].base"),  # STRATEGY
    ("cluster-base-high", "ecs_cluster",
     {"name": "edge", "capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "base": 100001}]},
     "default_capacity_provider_strategy[0].base"),  # STRATEGY
    ("cluster-strategy-not-attached", "ecs_cluster",
     {"name": "edge", "capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT"}]},
     "default_capacity_provider_strategy"),  # PutClusterCapacityProviders: the strategy's providers must be in capacityProviders
    ("cluster-logging-override-alone", "ecs_cluster", {"name": "edge", "execute_command_configuration": {"logging": "OVERRIDE"}},
     "execute_command_configuration.log_configuration"),  # ExecuteCommandConfiguration: OVERRIDE needs a logConfiguration
    ("cluster-provider-empty", "ecs_cluster", {"name": "edge", "capacity_providers": [""]}, "capacity_providers"),  # CAPACITY_PROVIDER
    # ---- ecs_service ---------------------------------------------------------------------------------------------
    ("service-name-empty", "ecs_service", dict(SERVICE, name=""), "name"),  # NAMES
    ("service-name-space", "ecs_service", dict(SERVICE, name="web site"), "name"),  # NAMES
    ("service-name-long", "ecs_service", dict(SERVICE, name="w" * 256), "name"),  # NAMES
    ("service-cluster-empty", "ecs_service", dict(SERVICE, cluster=""), "cluster"),  # NAMES
    ("service-task-definition-empty", "ecs_service", dict(SERVICE, task_definition=""), "task_definition"),
    ("service-task-definition-revision-0", "ecs_service", dict(SERVICE, task_definition="web:0"), "task_definition"),  # TASK_DEFINITION
    ("service-task-definition-revision-negative", "ecs_service", dict(SERVICE, task_definition="web:-1"), "task_definition"),
    ("service-desired-count-negative", "ecs_service", dict(SERVICE, desired_count=-1), "desired_count"),  # COUNTS
    ("service-maximum-percent-negative", "ecs_service", dict(SERVICE, deployment_configuration={"maximum_percent": -1}),
     "deployment_configuration.maximum_percent"),  # COUNTS
    ("service-minimum-healthy-negative", "ecs_service", dict(SERVICE, deployment_configuration={"minimum_healthy_percent": -1}),
     "deployment_configuration.minimum_healthy_percent"),  # COUNTS
    ("service-grace-negative", "ecs_service", dict(SERVICE, health_check_grace_period_seconds=-1), "health_check_grace_period_seconds"),
    ("service-lb-port-high", "ecs_service",
     dict(SERVICE, launch_type="EC2", load_balancers=[{"target_group_arn": TARGET_GROUP,
                                                       "container_name": "web", "container_port": 70000}]),
     "load_balancers[0].container_port"),  # PORTS
    ("service-lb-port-negative", "ecs_service",
     dict(SERVICE, launch_type="EC2", load_balancers=[{"target_group_arn": TARGET_GROUP,
                                                       "container_name": "web", "container_port": -1}]),
     "load_balancers[0].container_port"),  # PORTS
    ("service-registry-port-high", "ecs_service",
     dict(SERVICE, launch_type="EC2", service_registries=[{"registry_arn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef",
                                                           "port": 70000}]),
     "service_registries[0].port"),  # PORTS
    ("service-member-of-without-expression", "ecs_service", dict(SERVICE, placement_constraints=[{"type": "memberOf"}]),
     "placement_constraints[0].expression"),  # PLACEMENT
    ("service-spread-without-field", "ecs_service", dict(SERVICE, launch_type="EC2", placement_strategy=[{"type": "spread"}]),
     "placement_strategy[0].field"),  # PLACEMENT
    ("service-constraints-11", "ecs_service", dict(SERVICE, placement_constraints=[{"type": "distinctInstance"}] * 11),
     "placement_constraints"),  # PLACEMENT
    ("service-strategy-6", "ecs_service", dict(SERVICE, launch_type="EC2", placement_strategy=[{"type": "random"}] * 6),
     "placement_strategy"),  # PLACEMENT
    ("service-weight-negative", "ecs_service",
     dict(SERVICE, launch_type=None, capacity_provider_strategy=[{"capacity_provider": "FARGATE", "weight": -1}]),
     "capacity_provider_strategy[0].weight"),  # STRATEGY
    ("service-base-high", "ecs_service",
     dict(SERVICE, launch_type=None, capacity_provider_strategy=[{"capacity_provider": "FARGATE", "base": 100001}]),
     "capacity_provider_strategy[0].base"),  # STRATEGY
    ("service-tag-aws", "ecs_service", dict(SERVICE, tags={"aws:owner": "me"}), "tags"),  # ECS_TAGS
    ("service-tag-key-long", "ecs_service", dict(SERVICE, tags={"k" * 129: "x"}), "tags"),  # ECS_TAGS
    ("service-tags-51", "ecs_service", dict(SERVICE, tags=many_tags(51)), "tags"),  # ECS_TAGS
    ("service-role-empty", "ecs_service", dict(SERVICE, role=""), "role"),
    ("service-wait-timeout-negative", "ecs_service", dict(SERVICE, wait=True, wait_timeout=-1), "wait_timeout"),
    # ---- ecs_task ------------------------------------------------------------------------------------------------
    ("task-count-negative", "ecs_task", dict(TASK, state="running", started_by="batch", count=-1), "count"),  # COUNTS
    ("task-count-zero-started", "ecs_task", dict(TASK, count=0), "count"),  # COUNTS
    ("task-started-by-space", "ecs_task", dict(TASK, state="running", started_by="my batch"), "started_by"),  # STARTED_BY
    ("task-started-by-long", "ecs_task", dict(TASK, state="running", started_by="b" * 37), "started_by"),  # STARTED_BY
    ("task-task-definition-empty", "ecs_task", dict(TASK, task_definition=""), "task_definition"),
    ("task-task-definition-revision-0", "ecs_task", dict(TASK, task_definition="web:0"), "task_definition"),  # TASK_DEFINITION
    ("task-cluster-empty", "ecs_task", dict(TASK, cluster=""), "cluster"),  # NAMES
    ("task-tasks-empty-id", "ecs_task", {"cluster": "edge", "state": "stopped", "tasks": [""]}, "tasks[0]"),
    ("task-tasks-bad-id", "ecs_task", {"cluster": "edge", "state": "stopped", "tasks": ["not a task!"]}, "tasks[0]"),
    ("task-override-memory-word", "ecs_task", dict(TASK, overrides={"containerOverrides": [{"name": "web", "memory": "lots"}]}),
     "overrides.containerOverrides[0].memory"),
    ("task-override-unknown-field", "ecs_task", dict(TASK, overrides={"containerOverides": [{"name": "web"}]}), "overrides.containerOverides"),
    ("task-member-of-without-expression", "ecs_task", dict(TASK, placement_constraints=[{"type": "memberOf"}]),
     "placement_constraints[0].expression"),  # PLACEMENT
    ("task-tag-aws", "ecs_task", dict(TASK, tags={"aws:owner": "me"}), "tags"),  # ECS_TAGS
    ("task-tags-51", "ecs_task", dict(TASK, tags=many_tags(51)), "tags"),  # ECS_TAGS
    ("task-wait-timeout-negative", "ecs_task", dict(TASK, wait=True, wait_timeout=-1), "wait_timeout"),
    # ---- ecs_task_definition -------------------------------------------------------------------------------------
    ("definition-family-empty", "ecs_task_definition", {"definition": definition(family="")}, "definition.family"),  # NAMES
    ("definition-family-space", "ecs_task_definition", {"definition": definition(family="web site")}, "definition.family"),  # NAMES
    ("definition-family-colon", "ecs_task_definition", {"definition": definition(family="web:2")}, "definition.family"),  # NAMES
    ("definition-family-long", "ecs_task_definition", {"definition": definition(family="w" * 256)}, "definition.family"),  # NAMES
    ("definition-no-containers", "ecs_task_definition", {"definition": definition(containerDefinitions=[])},
     "definition.containerDefinitions"),  # TASK_DEFINITION
    ("definition-same-container-names", "ecs_task_definition", {"definition": definition(containerDefinitions=[CONTAINER, CONTAINER])},
     "definition.containerDefinitions[1].name"),  # TASK_DEFINITION
    ("definition-container-name-empty", "ecs_task_definition", {"definition": container(name="")},
     "definition.containerDefinitions[0].name"),  # NAMES
    ("definition-container-name-space", "ecs_task_definition", {"definition": container(name="web server")},
     "definition.containerDefinitions[0].name"),  # NAMES
    ("definition-container-port-high", "ecs_task_definition", {"definition": container(portMappings=[{"containerPort": 70000}])},
     "definition.containerDefinitions[0].portMappings[0].containerPort"),  # PORTS
    ("definition-container-port-negative", "ecs_task_definition", {"definition": container(portMappings=[{"containerPort": -1}])},
     "definition.containerDefinitions[0].portMappings[0].containerPort"),  # PORTS
    ("definition-host-port-high", "ecs_task_definition", {"definition": container(portMappings=[{"containerPort": 80, "hostPort": 65536}])},
     "definition.containerDefinitions[0].portMappings[0].hostPort"),  # PORTS
    ("definition-container-memory-word", "ecs_task_definition", {"definition": container(memory="lots")},
     "definition.containerDefinitions[0].memory"),
    ("definition-container-memory-negative", "ecs_task_definition", {"definition": container(memory=-1)},
     "definition.containerDefinitions[0].memory"),
    ("definition-container-cpu-negative", "ecs_task_definition", {"definition": container(cpu=-1)},
     "definition.containerDefinitions[0].cpu"),
    ("definition-task-memory-word", "ecs_task_definition", {"definition": definition(memory="lots")}, "definition.memory"),
    ("definition-task-cpu-word", "ecs_task_definition", {"definition": definition(cpu="fast")}, "definition.cpu"),
    ("definition-external-awsvpc", "ecs_task_definition", {"definition": definition(networkMode="awsvpc")},
     "definition.networkMode"),  # TASK_DEFINITION
    ("definition-network-mode-unknown", "ecs_task_definition", {"definition": definition(networkMode="bogus")}, "definition.networkMode"),
    ("definition-compatibility-unknown", "ecs_task_definition", {"definition": definition(requiresCompatibilities=["MARS"])},
     "definition.requiresCompatibilities[0]"),
    ("definition-essential-maybe", "ecs_task_definition", {"definition": container(essential="maybe")},
     "definition.containerDefinitions[0].essential"),
    ("definition-unknown-field", "ecs_task_definition", {"definition": definition(containerDefinition=[])}, "definition.containerDefinition"),
    ("definition-tag-aws", "ecs_task_definition", {"definition": WEB, "tags": {"aws:owner": "me"}}, "tags"),  # ECS_TAGS
    ("definition-tags-51", "ecs_task_definition", {"definition": WEB, "tags": many_tags(51)}, "tags"),  # ECS_TAGS
    ("definition-keep-last-0", "ecs_task_definition", {"definition": WEB, "keep_last": 0}, "keep_last"),
    ("definition-revision-0", "ecs_task_definition", {"state": "absent", "family": "web", "revision": 0}, "revision"),  # TASK_DEFINITION
    ("definition-revision-negative", "ecs_task_definition", {"state": "absent", "family": "web", "revision": -1}, "revision"),
    ("definition-arn-malformed", "ecs_task_definition", {"state": "absent", "arn": "web-1"}, "arn"),
    # ---- ssm_activation ------------------------------------------------------------------------------------------
    ("activation-name-empty", "ssm_activation", dict(ACTIVATION, name=""), "name"),
    ("activation-role-empty", "ssm_activation", dict(ACTIVATION, iam_role=""), "iam_role"),  # ACTIVATION
    ("activation-role-user", "ssm_activation", dict(ACTIVATION, iam_role="arn:aws:iam::123456789012:user/bob"), "iam_role"),  # ACTIVATION
    ("activation-limit-0", "ssm_activation", dict(ACTIVATION, registration_limit=0), "registration_limit"),  # ACTIVATION
    ("activation-limit-1001", "ssm_activation", dict(ACTIVATION, registration_limit=1001), "registration_limit"),  # ACTIVATION
    ("activation-expiry-word", "ssm_activation", dict(ACTIVATION, expiration="tomorrow"), "expiration"),  # ACTIVATION
    ("activation-expiry-31d", "ssm_activation", dict(ACTIVATION, expiration="31d"), "expiration"),  # ACTIVATION
    ("activation-description-long", "ssm_activation", dict(ACTIVATION, description="d" * 257), "description"),  # ACTIVATION
    ("activation-instance-name-long", "ssm_activation", dict(ACTIVATION, default_instance_name="n" * 257), "default_instance_name"),
    ("activation-tag-aws", "ssm_activation", dict(ACTIVATION, tags={"aws:owner": "me"}), "tags"),  # SSM_TAGS
    ("activation-tag-key-long", "ssm_activation", dict(ACTIVATION, tags={"k" * 129: "x"}), "tags"),  # SSM_TAGS
    ("activation-tag-value-long", "ssm_activation", dict(ACTIVATION, tags={"team": "v" * 257}), "tags"),  # SSM_TAGS
    ("activation-id-malformed", "ssm_activation", {"state": "absent", "id": "not-an-id"}, "id"),  # ACTIVATION
    # ---- ssm_managed_instance ------------------------------------------------------------------------------------
    ("managed-id-ec2", "ssm_managed_instance", {"instance_ids": ["i-0123456789abcdef0"], "state": "absent"}, "instance_ids[0]"),
    ("managed-id-malformed", "ssm_managed_instance", {"instance_ids": ["mi-xyz"], "state": "absent"}, "instance_ids[0]"),  # MANAGED_INSTANCE
    ("managed-id-empty", "ssm_managed_instance", {"instance_ids": [""], "state": "absent"}, "instance_ids[0]"),  # MANAGED_INSTANCE
    ("managed-name-empty", "ssm_managed_instance", {"names": [""], "state": "absent"}, "names[0]"),
    ("managed-tag-aws", "ssm_managed_instance", {"instance_ids": ["mi-0123456789abcdef0"], "tags": {"aws:owner": "me"}}, "tags"),  # SSM_TAGS
    ("managed-tag-key-long", "ssm_managed_instance", {"instance_ids": ["mi-0123456789abcdef0"], "tags": {"k" * 129: "x"}}, "tags"),
    # ---- ecs_container_instance ----------------------------------------------------------------------------------
    ("instance-reference-empty", "ecs_container_instance", {"cluster": "edge", "instances": [""], "state": "draining"}, "instances[0]"),
    ("instance-expected-count-negative", "ecs_container_instance", {"cluster": "edge", "expected_count": -1, "wait": True}, "expected_count"),
    ("instance-wait-timeout-0", "ecs_container_instance", {"cluster": "edge", "expected_count": 1, "wait": True, "wait_timeout": 0},
     "wait_timeout"),
    ("instance-attribute-ecs", "ecs_container_instance", {"cluster": "edge", "instances": ["mi-0123456789abcdef0"], "attributes": {"ecs.os-type": "x"}},
     "attributes.ecs.os-type"),  # PutAttributes: ecs.-prefixed attributes are ECS's own
    ("instance-attributes-deregistered", "ecs_container_instance",
     {"cluster": "edge", "instances": ["mi-0123456789abcdef0"], "state": "deregistered", "attributes": {"site": "lab"}}, "attributes"),
    ("instance-cluster-empty", "ecs_container_instance", {"cluster": "", "instances": ["mi-0123456789abcdef0"], "state": "draining"}, "cluster"),
    # ---- ecs_capacity_provider -----------------------------------------------------------------------------------
    ("provider-name-empty", "ecs_capacity_provider", dict(PROVIDER, name=""), "name"),  # CAPACITY_PROVIDER
    ("provider-name-aws", "ecs_capacity_provider", dict(PROVIDER, name="aws-edge"), "name"),  # CAPACITY_PROVIDER
    ("provider-name-ecs", "ecs_capacity_provider", dict(PROVIDER, name="ecs-edge"), "name"),  # CAPACITY_PROVIDER
    ("provider-name-fargate", "ecs_capacity_provider", dict(PROVIDER, name="fargate-edge"), "name"),  # CAPACITY_PROVIDER
    ("provider-name-space", "ecs_capacity_provider", dict(PROVIDER, name="edge asg"), "name"),  # CAPACITY_PROVIDER
    ("provider-target-0", "ecs_capacity_provider", dict(PROVIDER, managed_scaling={"target_capacity": 0}),
     "managed_scaling.target_capacity"),  # CAPACITY_PROVIDER
    ("provider-target-101", "ecs_capacity_provider", dict(PROVIDER, managed_scaling={"target_capacity": 101}),
     "managed_scaling.target_capacity"),  # CAPACITY_PROVIDER
    ("provider-step-0", "ecs_capacity_provider", dict(PROVIDER, managed_scaling={"minimum_scaling_step_size": 0}),
     "managed_scaling.minimum_scaling_step_size"),  # CAPACITY_PROVIDER
    ("provider-step-10001", "ecs_capacity_provider", dict(PROVIDER, managed_scaling={"maximum_scaling_step_size": 10001}),
     "managed_scaling.maximum_scaling_step_size"),  # CAPACITY_PROVIDER
    ("provider-warmup-negative", "ecs_capacity_provider", dict(PROVIDER, managed_scaling={"instance_warmup_period": -1}),
     "managed_scaling.instance_warmup_period"),  # CAPACITY_PROVIDER
    ("provider-tag-aws", "ecs_capacity_provider", dict(PROVIDER, tags={"aws:owner": "me"}), "tags"),  # ECS_TAGS
    # ---- _info modules -------------------------------------------------------------------------------------------
    ("cluster-info-name-empty", "ecs_cluster_info", {"names": [""]}, "names[0]"),
    ("provider-info-name-space", "ecs_capacity_provider_info", {"names": ["edge asg"]}, "names[0]"),  # CAPACITY_PROVIDER
    ("service-info-name-empty", "ecs_service_info", {"cluster": "edge", "names": [""]}, "names[0]"),
    ("definition-info-revision-0", "ecs_task_definition_info", {"task_definitions": ["web:0"]}, "task_definitions[0]"),  # TASK_DEFINITION
    ("definition-info-empty", "ecs_task_definition_info", {"task_definitions": [""]}, "task_definitions[0]"),
    ("activation-info-id-malformed", "ssm_activation_info", {"ids": ["not-an-id"]}, "ids[0]"),  # ACTIVATION
    ("managed-info-id-malformed", "ssm_managed_instance_info", {"instance_ids": ["mi-xyz"]}, "instance_ids[0]"),  # MANAGED_INSTANCE
    ("instance-info-reference-empty", "ecs_container_instance_info", {"cluster": "edge", "instances": [""]}, "instances[0]"),
]


def playbook(fake_aws, cases):
    """One play: each case; at the end every result, and the endpoint's call log, go to ``results_file``."""
    # One good read first: the call log must show this run, or "no writes" would prove nothing.
    tasks = [{"name": "Read the clusters", "hybridops.ecs_anywhere.ecs_cluster_info": {"names": ["edge"]}}]
    for index, (case_id, module, options, _path) in enumerate(cases):
        options = {key: value for key, value in options.items() if value is not None}
        tasks.append({"name": f"Case {case_id}", f"hybridops.ecs_anywhere.{module}": options, "register": f"case_{index}", "ignore_errors": True})
    tasks.append({"name": "Read the calls the endpoint served", "ansible.builtin.uri": {"url": f"{fake_aws.url}/_fake_aws/calls"}, "register": "calls"})
    results = {f"case_{index}": f"{{{{ case_{index} }}}}" for index in range(len(cases))}
    results["calls"] = "{{ calls.json }}"
    tasks.append({"name": "Write the results", "ansible.builtin.copy": {"content": "{{ results | to_json }}", "dest": "{{ results_file }}", "mode": "0600"},
                  "vars": {"results": results}})
    defaults = {"access_key": "testing", "secret_key": "testing", "region": fake_aws.region, "endpoint_url": fake_aws.url}
    play = {"name": "Malformed inputs", "hosts": "localhost", "connection": "local", "gather_facts": False,
            "module_defaults": {"group/hybridops.ecs_anywhere.aws": defaults}, "tasks": tasks}
    return yaml.safe_dump([play], sort_keys=False)


def names(message, path):
    """Whether ``message`` names ``path`` as a path of its own (``name:``, ``tags.aws:owner``, ``; count:``), not inside a word."""
    return re.search(r"(^|[;\s(])" + re.escape(path) + r"($|[.:\[\s,])", message) is not None


# Four parts, each on an endpoint of its own, so that `make integration` (pytest -n 2) runs them side by side.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_every_malformed_input_fails_by_name_before_any_write(part, fake_aws, tmp_path):
    cases = CASES[part::PARTS]
    results_file = tmp_path / "results.json"
    (tmp_path / "play.yml").write_text(playbook(fake_aws, cases))
    answer = test_targets.run_playbook(tmp_path / "play.yml", tmp_path, {"results_file": str(results_file)})
    assert answer.returncode == 0, answer.stdout[-20000:] + answer.stderr[-5000:]
    results = json.loads(results_file.read_text())
    problems = []
    writes = call_log.writes(results["calls"])
    if writes:
        problems.append(f"the cases wrote {writes}")
    for index, (case_id, module, _options, path) in enumerate(cases):
        result = results[f"case_{index}"]
        message = result.get("msg", "")
        if not result.get("failed"):
            problems.append(f"{case_id} ({module}): did not fail")
        elif not names(message, path):
            problems.append(f"{case_id} ({module}): message does not name {path}: {message[:300]}")
        # amazon.aws reports an AWS error with the SDK versions; a crash leaves module_stderr.
        if "boto3_version" in result or result.get("module_stderr"):
            problems.append(f"{case_id} ({module}): reached AWS, or crashed: {message[:300]}")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    assert {"service": "ecs", "action": "DescribeClusters"} in results["calls"]  # the log saw this run


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 100
    assert len({case[0] for case in CASES}) == len(CASES)
