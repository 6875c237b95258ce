"""Our AWS modules run in the controller's worker process (plugins/plugin_utils/in_controller.py) and answer exactly as in
a module process: the same playbook, once each way against a fresh endpoint, registers the same results. Every case says
which way its tasks ran, and why.

`make matrix` runs this file once per ansible-core version (tests/matrix/entries.py), with that version's
ansible-playbook (ECS_ANYWHERE_TEST_ANSIBLE_BIN) and ECS_ANYWHERE_TEST_EXPECT: `worker` on a version the path is tested
on (the default: this venv's), `module-process` on any other, where every task must run as a module process, saying so.
"""

import json
import os
import re
import subprocess
import sys

import yaml

from test_targets import ANSIBLE_BIN
from test_targets import ANSIBLE_COLLECTIONS
from test_targets import playbook_environment
from test_targets import run_playbook

HERE_LINE = "runs in the controller's worker process"
PROCESS_LINE = "runs in a module process"
FAST_PATH = os.environ.get("ECS_ANYWHERE_TEST_EXPECT", "worker") == "worker"
UNLISTED = "is not a version this path is tested on"


def ran_as_module_process(stdout, reason, count=1):
    """COUNT tasks of ours ran as module processes for REASON (on an unlisted ansible-core: for that), none in the worker."""
    expected = reason if FAST_PATH else UNLISTED
    lines = [line for line in stdout.splitlines() if PROCESS_LINE in line]
    assert len(lines) == count and all(expected in line for line in lines), (expected, lines)
    assert HERE_LINE not in stdout


VOLATILE = ("registered_at", "created_at", "updated_at")  # timestamps differ between two runs; nothing else may


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


# Where a module process's files were (in tracebacks): each run has its own temporary directories.
TEMPORARY_PATHS = ((re.compile(r"ansible-tmp-[0-9.-]+"), "ansible-tmp-N"), (re.compile(r"(ansible_[\w.]+_payload)_\w+"), r"\1_N"))


def without_volatile(value):
    if isinstance(value, dict):
        return {key: without_volatile(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    if isinstance(value, str):
        for pattern, replacement in TEMPORARY_PATHS:
            value = pattern.sub(replacement, value)
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
    if FAST_PATH:
        assert here.stdout.count(HERE_LINE) == ours
    else:
        ran_as_module_process(here.stdout, UNLISTED, ours)

    expected = json.loads(in_process_results.read_text())
    got = json.loads(here_results.read_text())
    assert without_volatile(got) == without_volatile(expected)
    # What makes the comparison worth making: each of these took place in both runs.
    assert got["planned"]["changed"] and got["planned"]["diff"]
    assert got["created"]["changed"] and not got["unchanged"]["changed"]
    assert [cluster["cluster_name"] for cluster in got["facts"]["clusters"]] == ["inctl"]
    assert got["refused"]["failed"] and "name" in got["refused"]["msg"]
    # One item's warnings stay its own, though both ran in one worker: shown once, and in its result where ansible-core
    # keeps warnings in registered results (2.21 and later).
    warning = "definition: ignored the fields only AWS sets: revision, status"
    for done in (in_process, here):
        shown = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("[WARNING]") and warning in line]
        assert len(shown) == 1, done.stdout[-5000:] + done.stderr[-5000:]
    warned, quiet = got["definitions"]["results"]
    assert warned.get("warnings", [warning]) == [warning]
    assert "warnings" not in quiet


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
    ran_as_module_process(done.stdout, f"ansible_python_interpreter {interpreter} is not the controller's Python")
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
    if FAST_PATH:
        assert done.stdout.count(HERE_LINE) == 1
    else:
        ran_as_module_process(done.stdout, UNLISTED)
    assert json.loads(results.read_text())["changed"] is True


def one_task(task, **play):
    """A play of one task of ours (registered as `ran`) whose result is saved, as PLAY runs them."""
    task = dict({"name": "ours", "register": "ran"}, **task)
    saved = {"name": "saved", "ansible.builtin.copy": {"dest": "{{ results_file }}", "content": "{{ ran | to_json }}"}}
    return dict(PLAY, tasks=[task, saved], **play)


CLUSTER = {"hybridops.ecs_anywhere.ecs_cluster": {"name": "inctl"}}


def test_become_runs_as_a_module_process(fake_aws_started_with, tmp_path):
    """become changes the user a module runs as: only a module process can do that (su to root, as root, needs no password)."""
    play = one_task(dict(CLUSTER, become=True, become_method="su", become_user="root"))
    done, results = run(tmp_path, fake_aws_started_with({}), "become", play=play)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ran_as_module_process(done.stdout, "(become)")
    assert json.loads(results.read_text())["changed"] is True


def test_async_runs_as_a_module_process(fake_aws_started_with, tmp_path):
    play = one_task(dict(CLUSTER, **{"async": 60, "poll": 1}))
    done, results = run(tmp_path, fake_aws_started_with({}), "async", play=play)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ran_as_module_process(done.stdout, "(async)")
    ran = json.loads(results.read_text())
    assert ran["changed"] is True and ran["finished"] == 1


def test_a_task_on_an_ssh_host_runs_there(fake_aws_started_with, tmp_path):
    """An ssh host whose interpreter path is the controller's own: only its connection keeps the module off this process.

    The host is unreachable (nothing listens on port 9), so the task ends unreachable: it went to the host, not here.
    """
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"remote": {
        "ansible_host": "127.0.0.1", "ansible_port": 9, "ansible_connection": "ssh", "ansible_python_interpreter": sys.executable,
        "ansible_ssh_common_args": "-o ConnectTimeout=5 -o StrictHostKeyChecking=no"}}}}))
    play = dict(PLAY, hosts="remote", tasks=[dict(CLUSTER, name="over ssh", ignore_unreachable=True, register="ran")])
    done, _results = run(tmp_path, fake_aws_started_with({}), "ssh", play=play, inventory=inventory)
    assert "fatal: [remote]: UNREACHABLE!" in done.stdout, done.stdout[-20000:] + done.stderr[-5000:]
    ran_as_module_process(done.stdout, "(connection ssh runs modules elsewhere)")


def test_the_variable_sends_its_tasks_to_a_module_process(fake_aws_started_with, tmp_path):
    """ecs_anywhere_in_controller: false (here a play variable; inventory, extra vars and AWX set it the same way)."""
    play = one_task(CLUSTER, vars={"ecs_anywhere_in_controller": False})
    done, results = run(tmp_path, fake_aws_started_with({}), "variable", play=play)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ran_as_module_process(done.stdout, "(ecs_anywhere_in_controller is false)")
    assert json.loads(results.read_text())["changed"] is True


def test_a_variable_that_is_not_a_boolean_is_refused_by_name(fake_aws_started_with, tmp_path):
    play = one_task(dict(CLUSTER, ignore_errors=True), vars={"ecs_anywhere_in_controller": "sometimes"})
    done, results = run(tmp_path, fake_aws_started_with({}), "bad-variable", play=play)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ran = json.loads(results.read_text())
    if FAST_PATH:
        assert ran["failed"] and ran["msg"].startswith("ecs_anywhere_in_controller: expected a boolean, got 'sometimes'")
    else:  # an unlisted ansible-core never reads it: every task is a module process already
        ran_as_module_process(done.stdout, UNLISTED)
        assert ran["changed"] is True


def test_keep_remote_files_runs_a_module_process_and_keeps_its_files(fake_aws_started_with, tmp_path):
    """ANSIBLE_KEEP_REMOTE_FILES=1, the usual way to debug a module: AnsiballZ's file is there to run again by hand."""
    remote_tmp = tmp_path / "remote-tmp"
    done, results = run(tmp_path, fake_aws_started_with({}), "keep", play=one_task(CLUSTER),
                        ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=str(remote_tmp))
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ran_as_module_process(done.stdout, "(ANSIBLE_KEEP_REMOTE_FILES keeps the module's files to debug)")
    assert list(remote_tmp.glob("ansible-tmp-*/AnsiballZ_ecs_cluster.py"))
    assert json.loads(results.read_text())["changed"] is True


def test_an_unlisted_ansible_core_runs_module_processes(fake_aws_started_with, tmp_path):
    """This ansible-core, numbered as a release the table does not hold (a newer one, say): module processes, said at -v."""
    playbook = tmp_path / "unlisted.yml"
    playbook.write_text(yaml.safe_dump([one_task(CLUSTER)], sort_keys=False))
    renumbered = ("import sys, ansible.release; ansible.release.__version__ = '2.99.0'; sys.argv[0] = 'ansible-playbook'; "
                  "from ansible.cli.playbook import main; sys.exit(main())")
    variables = {"endpoint": fake_aws_started_with({}).url, "results_file": str(tmp_path / "results.json")}
    done = subprocess.run([str(ANSIBLE_BIN / "python"), "-c", renumbered, str(playbook), "-v", "-e", json.dumps(variables)],
                          env=playbook_environment(), capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert f"{PROCESS_LINE} (ansible-core 2.99.0 {UNLISTED}" in done.stdout
    assert json.loads((tmp_path / "results.json").read_text())["changed"] is True


def test_switched_off_keeps_boto3_out_of_the_controller(fake_aws_started_with, tmp_path):
    """ECS_ANYWHERE_IN_CONTROLLER=false: the controller's processes never import boto3 (module processes do, on their own).

    `python -X importtime` lists the imports of ansible-playbook's process and its forked workers, not of module processes.
    """
    playbook = tmp_path / "imports.yml"
    playbook.write_text(yaml.safe_dump([one_task(CLUSTER)], sort_keys=False))
    endpoint = fake_aws_started_with({})

    def boto3_imported(**environment):
        variables = {"endpoint": endpoint.url, "results_file": str(tmp_path / "results.json")}
        done = subprocess.run([str(ANSIBLE_BIN / "python"), "-X", "importtime", str(ANSIBLE_BIN / "ansible-playbook"), str(playbook),
                               "-e", json.dumps(variables)], env=dict(playbook_environment(), **environment),
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
        return any(line.split("|")[-1].strip() == "boto3" for line in done.stderr.splitlines() if line.startswith("import time:"))

    assert not boto3_imported(ECS_ANYWHERE_IN_CONTROLLER="false")
    assert boto3_imported() is FAST_PATH  # an unlisted ansible-core does not import it either


CRASHING_MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    AnsibleModule(argument_spec={})
    raise KeyError("no such key in the module")


if __name__ == "__main__":
    main()
'''


def collection_with_a_crashing_module(where):
    """This collection (its files linked) plus a module that raises and its action plugin, on a collections path of its own."""
    repo = ANSIBLE_COLLECTIONS / "hybridops" / "ecs_anywhere"
    copy = where / "ansible_collections" / "hybridops" / "ecs_anywhere"
    for part in ("plugins/modules", "plugins/action"):
        (copy / part).mkdir(parents=True)
        for source in (repo / part).iterdir():
            (copy / part / source.name).symlink_to(source)
    for source in repo.iterdir():
        if source.name != "plugins":
            (copy / source.name).symlink_to(source)
    for source in (repo / "plugins").iterdir():
        if source.name not in ("modules", "action"):
            (copy / "plugins" / source.name).symlink_to(source)
    (copy / "plugins" / "modules" / "crashes.py").write_text(CRASHING_MODULE)
    (copy / "plugins" / "action" / "crashes.py").symlink_to(repo / "plugins" / "action" / "ecs_cluster.py")
    return where


def test_a_crash_reads_the_same_both_ways(fake_aws_started_with, tmp_path):
    """A module that raises: ansible's report of a module crash, word for word, whichever way it ran."""
    collections = collection_with_a_crashing_module(tmp_path / "collections")
    play = one_task({"hybridops.ecs_anywhere.crashes": {}, "ignore_errors": True})
    endpoint = fake_aws_started_with({})
    crashed = {}
    for way, environment in (("module-process", {"ECS_ANYWHERE_IN_CONTROLLER": "false"}), ("worker", {})):
        done, results = run(tmp_path, endpoint, way, play=play, ANSIBLE_COLLECTIONS_PATH=str(collections), **environment)
        assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
        assert (HERE_LINE in done.stdout) is (way == "worker" and FAST_PATH)
        crashed[way] = json.loads(results.read_text())
    assert crashed["worker"]["failed"] is True
    assert "no such key in the module" in crashed["worker"]["msg"] + crashed["worker"].get("module_stderr", "")
    assert crashed["worker"]["msg"] == crashed["module-process"]["msg"]
    assert without_volatile(crashed["worker"].get("module_stderr")) == without_volatile(crashed["module-process"].get("module_stderr"))


def test_a_controller_without_amazon_aws_is_told_so(fake_aws_started_with, tmp_path):
    """amazon.aws out of sight (collections only from ANSIBLE_COLLECTIONS_PATH, which holds ours alone): named as missing."""
    play = one_task(dict(CLUSTER, ignore_errors=True))
    done, results = run(tmp_path, fake_aws_started_with({}), "no-amazon-aws", play=play, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    ran_as_module_process(done.stdout, "(amazon.aws is not installed where this controller finds collections")
    ran = json.loads(results.read_text())
    assert ran["failed"] and "amazon.aws" in ran["msg"]
