"""The harness reads ansible-playbook's own output: PLAY RECAP and profile_tasks' summary, from a real run here."""

import sys

import yaml

from common import BUILD, ansible_env, by_action, changed, recap, run_playbook
from onboard import slowest

TASKS = ["A ping", "A pause of one second", "A fact is set"]


def test_recap_and_profile_of_a_real_run(tmp_path):
    tasks = [
        {"name": TASKS[0], "ansible.builtin.ping": {}},
        {"name": TASKS[1], "ansible.builtin.pause": {"seconds": 1}},
        {"name": TASKS[2], "ansible.builtin.set_fact": {"bench_fact": 1}},
        {"name": "A change", "ansible.builtin.debug": {"msg": "x"}, "changed_when": True},
    ]
    play = {"hosts": "localhost", "connection": "local", "gather_facts": False, "vars": {"ansible_python_interpreter": sys.executable},
            "tasks": tasks}
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump([play]))
    BUILD.mkdir(parents=True, exist_ok=True)
    _seconds, output = run_playbook(["-i", "localhost,", path], env=ansible_env(ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks"))
    assert recap(output) == {"localhost": {"ok": 4, "changed": 1, "unreachable": 0, "failed": 0, "skipped": 0, "rescued": 0, "ignored": 0}}
    assert changed(output) == 1
    timed = dict(slowest(output, count=10))
    assert sorted(timed) == sorted(TASKS + ["A change"])
    assert timed[TASKS[1]] >= 1.0  # a lower bound only: pause waits at least its second


def test_calls_are_counted_by_service_and_action():
    calls = [{"service": "ecs", "action": "DescribeClusters"}, {"service": "iam", "action": "ListRoles"},
             {"service": "ecs", "action": "DescribeClusters"}]
    assert by_action(calls) == {"ecs:DescribeClusters": 2, "iam:ListRoles": 1}
    assert list(by_action(calls)) == ["ecs:DescribeClusters", "iam:ListRoles"]  # most frequent first
