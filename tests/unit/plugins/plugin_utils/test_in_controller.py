"""The forked module process of plugin_utils/in_controller.py: what a module process would give back, nothing leaking out."""

import json
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.plugin_utils.in_controller import RESULT_SHAPES
from ansible_collections.hybridops.ecs_anywhere.plugins.plugin_utils.in_controller import run_forked
from ansible_collections.hybridops.ecs_anywhere.plugins.plugin_utils.in_controller import same_interpreter

MODULES = {
    "answers": """
        from ansible.module_utils.basic import AnsibleModule
        def main():
            module = AnsibleModule(argument_spec=dict(name=dict(type="str", required=True)))
            module.warn("a warning for " + module.params["name"])
            module.exit_json(changed=True, name=module.params["name"], region=os.environ.get("IN_CONTROLLER_TEST_REGION"))
    """,
    "refuses": """
        from ansible.module_utils.basic import AnsibleModule
        def main():
            module = AnsibleModule(argument_spec=dict(name=dict(type="str", required=True)))
            module.fail_json(msg="name " + module.params["name"] + " is refused")
    """,
    "crashes": """
        def main():
            raise KeyError("no such key in the module")
    """,
    "interrupted": """
        def main():
            raise KeyboardInterrupt()
    """,
    "returns": """
        def main():
            pass
    """,
    "exits": """
        def main():
            sys.exit(3)
    """,
    "meddles": """
        def main():
            os.environ["MEDDLED"] = "yes"
            os.chdir("/")
            print("{}")
            sys.exit(0)
    """,
    "sleeps": """
        def main():
            open(os.environ["PID_FILE"], "w").write(str(os.getpid()))
            time.sleep(600)
    """,
}


AS_SCRIPT = """
if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module", autouse=True)
def fake_modules(tmp_path_factory):
    where = tmp_path_factory.mktemp("modules")
    for name, body in MODULES.items():
        (where / f"fake_{name}.py").write_text("import os, sys, time\n" + textwrap.dedent(body) + AS_SCRIPT)
    sys.path.insert(0, str(where))
    yield
    sys.path.remove(str(where))


def arguments(**args):
    return json.dumps({"ANSIBLE_MODULE_ARGS": {"_ansible_no_log": False, **args}}).encode()


def result(answer):
    return json.loads(answer["stdout"])


def warnings(answer):
    """The warnings in the module's result, as the module side of the JSON profile writes them for the controller."""
    return [warning["event"]["msg"] for warning in result(answer)["warnings"]]


def test_a_module_answers_with_its_result_its_warnings_and_the_task_environment():
    answer = run_forked("fake_answers", arguments(name="web"), {"IN_CONTROLLER_TEST_REGION": "eu-west-1"})
    assert answer["rc"] == 0
    assert result(answer)["changed"] is True
    assert result(answer)["region"] == "eu-west-1"
    assert warnings(answer) == ["a warning for web"]  # in the result, as from a module process
    assert "IN_CONTROLLER_TEST_REGION" not in os.environ  # the task environment stays in the module process


def test_warnings_of_one_run_do_not_reach_the_next():
    run_forked("fake_answers", arguments(name="first"), {})
    assert warnings(run_forked("fake_answers", arguments(name="second"), {})) == ["a warning for second"]


def test_a_refusal_is_a_failed_result_and_rc_1():
    answer = run_forked("fake_refuses", arguments(name="web"), {})
    assert answer["rc"] == 1
    assert result(answer) | {"invocation": None} == {"failed": True, "msg": "name web is refused", "invocation": None}


def test_required_options_are_checked_by_the_module():
    answer = run_forked("fake_answers", arguments(), {})
    assert answer["rc"] == 1
    assert "missing required arguments: name" in result(answer)["msg"]


def test_a_crash_is_the_failed_result_ansibles_module_loader_gives():
    answer = run_forked("fake_crashes", arguments(), {})
    assert answer["rc"] == 1
    assert answer["stderr"] == ""
    crash = result(answer)
    assert crash["failed"] is True
    assert crash["exception"]["event"]["msg"] == "'no such key in the module'"


def test_an_interrupt_gives_a_traceback_on_stderr_and_no_result():
    """What the loader leaves to the interpreter (BaseException but not SystemExit): as a module process dies of it."""
    answer = run_forked("fake_interrupted", arguments(), {})
    assert answer["rc"] == 1
    assert answer["stdout"] == ""
    assert answer["stderr_lines"][0].startswith("Traceback") and answer["stderr_lines"][-1] == "KeyboardInterrupt"


def test_a_module_that_returns_without_exiting_fails_as_ansible_says():
    answer = run_forked("fake_returns", arguments(), {})
    assert answer["rc"] == 1
    assert result(answer)["exception"]["event"]["msg"] == "New-style module did not handle its own exit."


def test_an_exit_code_is_kept():
    assert run_forked("fake_exits", arguments(), {})["rc"] == 3


def test_what_a_module_changes_stays_in_its_process():
    here = os.getcwd()
    answer = run_forked("fake_meddles", arguments(), {})
    assert answer["stdout"].strip() == "{}"
    assert "MEDDLED" not in os.environ
    assert os.getcwd() == here


def test_a_task_timeout_takes_the_module_process_with_it(tmp_path):
    pid_file = tmp_path / "pid"

    def timed_out(_signal, _frame):
        raise TimeoutError("the task's timeout")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(2)  # as TaskExecutor does for a task's `timeout:`
    try:
        with pytest.raises(TimeoutError):
            run_forked("fake_sleeps", arguments(), {"PID_FILE": str(pid_file)})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_one_environment_is_known_by_its_resolved_directory_not_by_its_binary(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)  # as `python -m venv` makes it
    (tmp_path / "link").symlink_to(venv)
    assert same_interpreter(str(tmp_path / "link" / "bin" / "python"), str(venv / "bin" / "python"))
    assert same_interpreter(str(venv / "bin" / ".." / "bin" / "python"), str(venv / "bin" / "python"))
    assert not same_interpreter(str(venv / "bin" / "python"), sys.executable)  # the same binary, another environment
    assert not same_interpreter(None, sys.executable)


def test_the_fast_path_is_taken_on_exactly_the_versions_the_matrix_proves_it_on():
    """RESULT_SHAPES (the plugin's table) and tests/matrix/entries.py (what `make matrix` runs) list the same versions."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "matrix"))
    try:
        from entries import ENTRIES  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    assert set(RESULT_SHAPES) == {entry.minor for entry in ENTRIES if entry.fast_path}
    assert not {entry.minor for entry in ENTRIES if entry.fast_path} & {entry.minor for entry in ENTRIES if not entry.fast_path}
