"""ecs_task_definition through ansible-playbook, counting the AWS calls it makes (the endpoint's call log).

A run with nothing to change must cost one read however long the family's history is;
bad input must fail before any call, so nothing is written.
"""

import json

import test_targets
from fake_aws.call_log import calls
from fake_aws.call_log import clear

FAMILY = "edge-web"
# A one-task role, written per test: run the module once and save what it returned.
ROLE_TASKS = """\
---
- name: Run ecs_task_definition once
  hybridops.ecs_anywhere.ecs_task_definition:
    access_key: "{{ aws_access_key }}"
    secret_key: "{{ aws_secret_key }}"
    region: "{{ aws_region }}"
    endpoint_url: "{{ aws_endpoint_url }}"
    definition: "{{ definition }}"
  register: result
  ignore_errors: true

- name: Save the result
  ansible.builtin.copy:
    content: "{{ result | to_json }}"
    dest: "{{ result_file }}"
    mode: "0600"
"""


def definition(workers):
    return {
        "family": FAMILY,
        "networkMode": "bridge",
        "requiresCompatibilities": ["EXTERNAL"],
        "containerDefinitions": [
            {
                "name": "web",
                "image": "public.ecr.aws/nginx/nginx:1.27",
                "memory": 256,
                "portMappings": [{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}],
                "environment": [{"name": "SITE", "value": "edge"}, {"name": "WORKERS", "value": str(workers)}],
            }
        ],
    }


def call_log(fake_aws, method="GET"):
    if method == "DELETE":
        return clear(fake_aws)
    return calls(fake_aws)


def run_module(fake_aws, tmp_path, task_definition):
    role = tmp_path / "roles" / "ecs_task_definition_once"
    (role / "tasks").mkdir(parents=True)
    (role / "tasks" / "main.yml").write_text(ROLE_TASKS)
    result_file = tmp_path / "result.json"
    # A role given by path is found wherever it is; the suite's own targets stay as they are.
    run = test_targets.run_target(str(role), fake_aws, tmp_path, {"definition": task_definition, "result_file": str(result_file)})
    assert run.returncode == 0, run.stdout[-10000:] + run.stderr[-5000:]
    return json.loads(result_file.read_text())


def register_revisions(fake_aws, count):
    ecs = fake_aws.client("ecs")
    for workers in range(1, count + 1):
        # AWS's own form of the last one: what a CLI user registered before using the module.
        ecs.register_task_definition(**definition(workers))
    return definition(count)


def test_no_change_costs_one_read_with_a_hundred_revisions(fake_aws, tmp_path):
    """What docs/performance.md claims: one call, DescribeTaskDefinition of the family (its latest ACTIVE revision)."""
    latest = register_revisions(fake_aws, 100)
    call_log(fake_aws, "DELETE")
    # The user's form: protocol and essential left to AWS's defaults, numbers as strings.
    desired = json.loads(json.dumps(latest))
    container = desired["containerDefinitions"][0]
    container["memory"] = "256"
    del container["portMappings"][0]["protocol"]
    container["environment"].reverse()

    result = run_module(fake_aws, tmp_path, desired)

    calls = call_log(fake_aws)
    assert not result.get("failed"), result
    assert result["changed"] is False
    assert result["revision"] == 100
    assert [(call["service"], call["action"]) for call in calls] == [("ecs", "DescribeTaskDefinition")]


def test_one_changed_value_registers_one_revision(fake_aws, tmp_path):
    register_revisions(fake_aws, 3)
    call_log(fake_aws, "DELETE")

    result = run_module(fake_aws, tmp_path, definition(4))

    assert result["changed"] is True
    assert result["revision"] == 4
    assert result["differences"] == ["containerDefinitions[0].environment[1].value"]
    assert [call["action"] for call in call_log(fake_aws)] == ["DescribeTaskDefinition", "RegisterTaskDefinition"]


def test_bad_input_fails_naming_the_path_before_any_call(fake_aws, tmp_path):
    register_revisions(fake_aws, 1)
    call_log(fake_aws, "DELETE")
    bad = definition(2)
    bad["containerDefinitions"][0]["portMappings"][0]["containerPort"] = "http"

    result = run_module(fake_aws, tmp_path, bad)

    calls = call_log(fake_aws)
    assert result["failed"] is True
    assert "definition.containerDefinitions[0].portMappings[0].containerPort" in result["msg"]
    assert "RegisterTaskDefinition" not in [call["action"] for call in calls]
    assert calls == []
