"""ecs_capacity_provider against the local endpoint, beyond its target: the EXAMPLES of both modules run
as written, and refused requests write nothing (the endpoint's call log shows reads only)."""


import pytest
import yaml

from fake_aws.call_log import calls
from fake_aws.call_log import clear
from fake_aws.call_log import writes

import test_examples  # the modules, not their names: pytest would collect their tests twice
import test_targets

GROUP = "edge-workers"


def make_groups(fake_aws, protected):
    """Auto Scaling groups (no instances) from one launch template; returns their ARNs by name."""
    ec2, autoscaling = fake_aws.client("ec2"), fake_aws.client("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.create_launch_template(LaunchTemplateName="workers", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})
    for name, protect in protected.items():
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": "workers"},
            MinSize=0,
            MaxSize=1,
            AvailabilityZones=[f"{fake_aws.region}a"],
            NewInstancesProtectedFromScaleIn=protect,
        )
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=list(protected))["AutoScalingGroups"]
    return {group["AutoScalingGroupName"]: group["AutoScalingGroupARN"] for group in groups}


def run_tasks(tasks, fake_aws, tmp_path):
    role = tmp_path / "capacity"
    (role / "tasks").mkdir(parents=True)
    block = {"name": "Capacity providers", "module_defaults": {"group/hybridops.ecs_anywhere.aws": test_examples.DEFAULTS}, "block": tasks}
    (role / "tasks" / "main.yml").write_text(yaml.safe_dump([block], sort_keys=False))
    return test_targets.run_target(str(role), fake_aws, tmp_path)


@pytest.mark.parametrize("module", ["ecs_capacity_provider", "ecs_capacity_provider_info"])
def test_capacity_provider_examples_run(module, fake_aws, tmp_path):
    make_groups(fake_aws, {GROUP: False})
    tasks = test_examples.examples(module)
    if module == "ecs_capacity_provider_info":
        # The examples describe a provider the other module's examples make.
        tasks = [
            {"name": "A capacity provider to describe", "hybridops.ecs_anywhere.ecs_capacity_provider": {"name": GROUP, "auto_scaling_group_name": GROUP}}
        ] + tasks
    result = run_tasks(tasks, fake_aws, tmp_path)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "failed=0" in result.stdout


def refused(name, options, pattern):
    """A task that must fail with a message matching ``pattern``, and an assertion that it did."""
    register = name.lower().replace(" ", "_")
    return [
        {"name": name, "hybridops.ecs_anywhere.ecs_capacity_provider": options, "register": register, "ignore_errors": True},
        {"name": f"Check: {name}", "ansible.builtin.assert": {"that": [f"{register} is failed", f"{register}.msg is search({pattern!r})"]}},
    ]


def test_capacity_provider_refusals_write_nothing(fake_aws, tmp_path):
    arns = make_groups(fake_aws, {GROUP: True, "unprotected": False})
    ecs = fake_aws.client("ecs")
    scaling = {"status": "ENABLED", "maximumScalingStepSize": 4}
    ecs.create_capacity_provider(
        name="edge", autoScalingGroupProvider={"autoScalingGroupArn": arns[GROUP], "managedScaling": scaling, "managedTerminationProtection": "ENABLED"}
    )
    ecs.create_capacity_provider(name="plain", autoScalingGroupProvider={"autoScalingGroupArn": arns["unprotected"], "managedScaling": {"status": "DISABLED"}})
    ecs.create_cluster(clusterName="edge", capacityProviders=["edge"])
    clear(fake_aws)
    tasks = (
        refused("Bad numbers", {"name": "edge", "managed_scaling": {"target_capacity": 0}}, "managed_scaling.target_capacity: must be at least 1")
        + refused(
            "Steps crossed", {"name": "edge", "managed_scaling": {"minimum_scaling_step_size": 5}}, r"must not exceed maximum_scaling_step_size \(5 > 4\)"
        )
        + refused("Another group", {"name": "edge", "auto_scaling_group_arn": arns["unprotected"]}, "auto_scaling_group_arn: capacity provider edge uses")
        + refused("No scaling under protection", {"name": "edge", "managed_scaling": {"status": "DISABLED"}}, "needs managed_scaling.status ENABLED")
        + refused(
            "Protection on an unprotected group",
            {"name": "plain", "managed_scaling": {"status": "ENABLED"}, "managed_termination_protection": "ENABLED"},
            "needs Auto Scaling group unprotected",
        )
        + refused("Attached", {"name": "edge", "state": "absent"}, r"attached to cluster\(s\) edge;")
    )
    result = run_tasks(tasks, fake_aws, tmp_path)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "failed=0" in result.stdout
    made = calls(fake_aws)
    assert writes(made) == []
    actions = {(call["service"], call["action"]) for call in made}
    assert {("ecs", "DescribeCapacityProviders"), ("autoscaling", "DescribeAutoScalingGroups"), ("ecs", "ListClusters"), ("ecs", "DescribeClusters")} <= actions
    providers = ecs.describe_capacity_providers(capacityProviders=["edge", "plain"])["capacityProviders"]
    assert [provider["autoScalingGroupProvider"]["managedScaling"]["status"] for provider in providers] == ["ENABLED", "DISABLED"]
