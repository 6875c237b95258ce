"""Our AWS modules run in the controller's worker process (plugins/plugin_utils/in_controller.py) and answer exactly as in
a module process: the same playbook, once each way against a fresh endpoint, registers the same results."""

import json
import subprocess
import sys

import yaml

from test_targets import run_playbook

HERE_LINE = "runs in the controller's worker process"
PROCESS_LINE = "runs in a module process"
VOLATILE = ("registeredAt", "createdAt", "updatedAt")  # timestamps differ between two runs; nothing else may


def container(image):
    return {"name": "web", "image": image, "memory": 128, "essential": True}


DEFINITIONS = [
    {"family": "warned", "definition": {"containerDefinitions": [container("nginx:1")], "revision": 7, "status": "ACTIVE"}},
    {"family": "quiet", "definition": {"containerDefinitions": [container("nginx:2")]}},
]

# Check mode and diff, a create, a no-change run, facts, a refused option, the task's `environment` (the only place the
# credentials are), module_defaults through the action group, warnings, and a loop whose items run in one worker.
PLAY = {
    "hosts": "localhost",
    "gather_facts": False,
    "environment": {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
    "module_defaults": {"group/hybridops.ecs_anywhere.aws": {"endpoint_url": "{{ endpoint }}", "region": "us-east-1"}},
    "tasks": [
        {"name": "planned", "hybridops.ecs_anywhere.ecs_cluster": {"name": "inctl", "tags": {"team": "edge"}},
         "check_mode": True, "diff": True, "register": "planned"},
        {"name": "created", "hybridops.ecs_anywhere.ecs_cluster": {"name": "inctl", "tags": {"team": "edge"}},
         "diff": True, "register": "created"},
        {"name": "unchanged", "hybridops.ecs_anywhere.ecs_cluster": {"name": "inctl", "tags": {"team": "edge"}}, "register": "unchanged"},
        {"name": "facts", "hybridops.ecs_anywhere.ecs_cluster_info": {"names": ["inctl", "nope"]}, "register": "facts"},
        {"name": "refused", "hybridops.ecs_anywhere.ecs_cluster": {"name": "not a name!"}, "register": "refused", "ignore_errors": True},
        {"name": "definitions", "loop": DEFINITIONS, "register": "definitions",
         "hybridops.ecs_anywhere.ecs_task_definition": {"family": "{{ item.family }}", "definition": "{{ item.definition }}"}},
        {"name": "saved", "ansible.builtin.copy": {"dest": "{{ results_file }}", "content": "{{ {'planned': planned, 'created': created, "
                                                   "'unchanged': unchanged, 'facts': facts, 'refused': refused, "
                                                   "'definitions': definitions} | to_json }}"}},
    ],
}


def without_volatile(value):
    if isinstance(value, dict):
        return {key: without_volatile(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    return value


def run(tmp_path, endpoint, name, play=None, inventory=None, **environment):
    where = tmp_path / name
    where.mkdir()
    playbook = where / "play.yml"
    playbook.write_text(yaml.safe_dump([play or PLAY], sort_keys=False))
    variables = {"endpoint": endpoint.url, "results_file": str(where / "results.json")}
    options = ["-vvv"] + (["-i", str(inventory)] if inventory else [])
    done = run_playbook(playbook, where, variables, options=options, environment=environment)
    return done, where / "results.json"


def test_the_same_results_in_the_worker_as_in_a_module_process(fake_aws_started_with, tmp_path):
    in_process, in_process_results = run(tmp_path, fake_aws_started_with({}), "module-process", ECS_ANYWHERE_IN_CONTROLLER="false")
    here, here_results = run(tmp_path, fake_aws_started_with({}), "worker")
    for done in (in_process, here):
        assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ours = 7  # tasks of our modules, loop items counted
    assert in_process.stdout.count(f"{PROCESS_LINE} (ECS_ANYWHERE_IN_CONTROLLER is false)") == ours
    assert in_process.stdout.count(HERE_LINE) == 0
    assert here.stdout.count(HERE_LINE) == ours

    expected = json.loads(in_process_results.read_text())
    got = json.loads(here_results.read_text())
    assert without_volatile(got) == without_volatile(expected)
    # What makes the comparison worth making: each of these took place in both runs.
    assert got["planned"]["changed"] and got["planned"]["diff"]
    assert got["created"]["changed"] and not got["unchanged"]["changed"]
    assert [cluster["clusterName"] for cluster in got["facts"]["clusters"]] == ["inctl"]
    assert got["refused"]["failed"] and "name" in got["refused"]["msg"]
    warned, quiet = got["definitions"]["results"]
    assert warned["warnings"] == ["definition: ignored the fields only AWS sets: revision, status"]
    assert "warnings" not in quiet  # one item's warnings stay in its own result, though both ran in one worker


def test_another_interpreter_gets_a_module_process_of_its_own(fake_aws_started_with, tmp_path):
    """A virtualenv without boto3 (its python a symlink to the controller's binary): the module runs there, and says so."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    interpreter = str(bare / "bin" / "python")
    play = dict(PLAY, vars={"ansible_python_interpreter": interpreter}, tasks=[
        {"name": "elsewhere", "hybridops.ecs_anywhere.ecs_cluster": {"name": "inctl"}, "register": "elsewhere", "ignore_errors": True},
        {"name": "saved", "ansible.builtin.copy": {"dest": "{{ results_file }}", "content": "{{ elsewhere | to_json }}"}},
    ])
    done, results = run(tmp_path, fake_aws_started_with({}), "elsewhere", play=play)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert f"{PROCESS_LINE} (ansible_python_interpreter {interpreter} is not the controller's Python" in done.stdout
    elsewhere = json.loads(results.read_text())
    assert elsewhere["failed"] and "boto3" in elsewhere["msg"]


def test_a_delegated_task_runs_where_it_is_delegated(fake_aws_started_with, tmp_path):
    """delegate_to: the delegated host's connection and interpreter decide (here the controller's, so in the worker)."""
    play = dict(PLAY, hosts="remote", tasks=[
        {"name": "delegated", "hybridops.ecs_anywhere.ecs_cluster": {"name": "inctl"}, "delegate_to": "localhost", "register": "delegated"},
        {"name": "saved", "ansible.builtin.copy": {"dest": "{{ results_file }}", "content": "{{ delegated | to_json }}"},
         "delegate_to": "localhost"},
    ])
    inventory = tmp_path / "inventory.yml"
    # An unreachable host: only delegated tasks may run for it.
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {
        "remote": {"ansible_host": "127.0.0.1", "ansible_port": 9, "ansible_connection": "ssh"},
        "localhost": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}))
    done, results = run(tmp_path, fake_aws_started_with({}), "delegated", play=play, inventory=inventory)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert done.stdout.count(HERE_LINE) == 1
    assert json.loads(results.read_text())["changed"] is True
