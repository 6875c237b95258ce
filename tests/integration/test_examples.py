"""The EXAMPLES of modules run as written against the local AWS endpoint.

Each module's EXAMPLES become the tasks of a throwaway role, run by test_targets.run_target
(a role given by path), after the setup they assume (an IAM role for registered hosts).
"""

import ast

import pytest
import yaml

import test_targets  # the module, not its names: pytest would collect test_target twice

MODULES = ["ecs_cluster", "ecs_cluster_info", "ssm_activation", "ssm_activation_info"]
SETUP = [
    {
        "name": "Make the IAM role the examples give registered hosts",
        "amazon.aws.iam_role": {
            "name": "ecsAnywhereRole",
            "assume_role_policy_document": (
                '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
            ),
            "create_instance_profile": False,
        },
    }
]
DEFAULTS = {
    "access_key": "{{ aws_access_key }}",
    "secret_key": "{{ aws_secret_key }}",
    "region": "{{ aws_region }}",
    "endpoint_url": "{{ aws_endpoint_url }}",
}


def examples(module):
    """The EXAMPLES of a module, read without importing it."""
    source = (test_targets.REPO / "plugins" / "modules" / f"{module}.py").read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "EXAMPLES" for target in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError(f"{module} has no EXAMPLES")


@pytest.mark.parametrize("module", MODULES)
def test_examples_run(module, fake_aws, tmp_path):
    tasks = examples(module)
    assert tasks, f"{module}: EXAMPLES is empty"
    role = tmp_path / "examples"
    (role / "tasks").mkdir(parents=True)
    block = {"name": f"EXAMPLES of {module}", "module_defaults": {"group/hybridops.ecs_anywhere.aws": DEFAULTS}, "block": SETUP + tasks}
    (role / "tasks" / "main.yml").write_text(yaml.safe_dump([block], sort_keys=False))
    result = test_targets.run_target(str(role), fake_aws, tmp_path)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "failed=0" in result.stdout
