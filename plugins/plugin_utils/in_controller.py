# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run this collection's AWS modules in the controller's worker process when they would run on the controller anyway.

Why: a module that runs as its own process pays, on every task, a fresh interpreter, ``import boto3`` and building its
clients (measured in docs/performance.md: together more than a whole ``ping`` task). The strategy, in the controller's
main process, loads a task's action plugin before it forks the worker for that task (``action_loader.get(...,
class_only=True)`` in the linear and free strategies). So this file's ``import boto3`` happens once per playbook run,
every worker forked afterwards starts with boto3 in memory, and the module's own code runs in that worker: one
process per task and host, as ansible runs any action plugin, and thrown away after it.

What a module sees is what it would see in its own process on the controller: the same arguments (module_defaults are
already merged into the task's args), check mode, diff mode, no_log, verbosity, the task's ``environment`` and the
controller's environment (AWX injects credentials there). Anything else runs the module as ansible always does
(``why_not_here`` says when, and ``-v`` prints it): on an ansible-core version outside the tested table below, with
``ECS_ANYWHERE_IN_CONTROLLER=false`` in the environment (boto3 then stays out of the controller), the variable
``ecs_anywhere_in_controller: false``, ``ANSIBLE_KEEP_REMOTE_FILES=1``, async, become, another connection or interpreter.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import traceback

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as CORE_VERSION
from ansible.utils.display import Display

display = Display()

SWITCH = "ECS_ANYWHERE_IN_CONTROLLER"  # environment: false sends every task to a module process, boto3 stays out
VARIABLE = "ecs_anywhere_in_controller"  # a variable (inventory, extra vars, AWX): false sends its tasks to a module process
PROFILE = "legacy"  # the serialization profile of a Python module that declares none, as ours
COLLECTION = "hybridops.ecs_anywhere"

# The ansible-core minor versions on which `make matrix` proves this path (tests/matrix/entries.py lists the same), and
# how each hands a module's output back: the private interfaces used here change between releases. Any other version,
# older or newer, runs every task as a module process.
RESULT_SHAPES = {"2.19": "dict", "2.20": "dict", "2.21": "unified"}
CORE = ".".join(CORE_VERSION.split(".")[:2])
SWITCHED_OFF = not boolean(os.environ.get(SWITCH, "true"), strict=False)

UNAVAILABLE = None  # why this controller cannot run our modules in its worker, whatever the task
# ansible-core's private interfaces, imported below only on a version of the table.
_internal = _loader = Direction = get_module_encoder = remove_internal_keys = None
if SWITCHED_OFF:
    UNAVAILABLE = f"{SWITCH} is false"
elif CORE not in RESULT_SHAPES:
    UNAVAILABLE = f"ansible-core {CORE_VERSION} is not a version this path is tested on ({', '.join(RESULT_SHAPES)})"
else:
    try:
        from ansible.module_utils import _internal
        from ansible.module_utils._internal._ansiballz import _loader
        from ansible.module_utils.common.json import Direction
        from ansible.module_utils.common.json import get_module_encoder

        if RESULT_SHAPES[CORE] == "dict":
            from ansible.vars.clean import remove_internal_keys
    except ImportError as missing:
        UNAVAILABLE = f"ansible-core {CORE_VERSION} lacks {missing.name}"
if UNAVAILABLE is None:
    try:
        # What every module of ours imports first, imported here once for all the workers forked after it.
        import boto3  # noqa: F401  pylint: disable=unused-import
        import botocore  # noqa: F401  pylint: disable=unused-import
    except ImportError as missing:
        UNAVAILABLE = f"the controller's Python {sys.executable} has no {missing.name}"
if UNAVAILABLE is None:
    try:
        from ansible_collections.amazon.aws.plugins.module_utils import modules  # noqa: F401  pylint: disable=unused-import
    except ImportError as missing:
        UNAVAILABLE = f"amazon.aws is not installed where this controller finds collections ({missing})"


def same_interpreter(one, other):
    """Whether two interpreter paths are one Python environment.

    Directories are resolved (a virtualenv reached through a symlinked directory is still that virtualenv), the file
    itself is not: a virtualenv's python is a symlink to its base interpreter's binary, with other packages.
    """

    def environment(path):
        return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))

    return isinstance(one, str) and environment(one) == environment(other)


class InControllerAction(ActionBase):
    """The action plugin of each of this collection's AWS modules (plugins/action/<module>.py)."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        reason = self.why_not_here(task_vars)  # decided before anything runs: never a second try after a module ran
        if reason:
            display.v(f"{self._task.action}: runs in a module process ({reason})")
            result.update(self._execute_module(task_vars=task_vars, wrap_async=self._task.async_val))
            if not self._task.async_val:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        display.vvv(f"{self._task.action}: runs in the controller's worker process")
        result.update(self.run_here(task_vars))
        return result

    def why_not_here(self, task_vars):
        """Why this task's module cannot run in this process, or None when it can."""
        if UNAVAILABLE:
            return UNAVAILABLE
        wanted = self._templar.template(task_vars.get(VARIABLE, True))
        try:
            if not boolean(wanted, strict=True):
                return f"{VARIABLE} is false"
        except TypeError as bad:
            raise AnsibleActionFail(f"{VARIABLE}: expected a boolean, got {wanted!r}") from bad
        if C.DEFAULT_KEEP_REMOTE_FILES:
            return "ANSIBLE_KEEP_REMOTE_FILES keeps the module's files to debug"
        if self._task.async_val:
            return "async"
        if self._connection.transport != "local":
            return f"connection {self._connection.transport} runs modules elsewhere"
        if self._play_context.become:
            return "become"
        host_vars = task_vars
        if self._task.delegate_to:
            host_vars = task_vars.get("ansible_delegated_vars", {}).get(self._task.delegate_to, task_vars)
        interpreter = self._templar.template(host_vars.get("ansible_python_interpreter"))
        if not same_interpreter(interpreter, sys.executable):
            return f"ansible_python_interpreter {interpreter} is not the controller's Python {sys.executable}"
        return None

    def run_here(self, task_vars):
        found = self._shared_loader_obj.module_loader.find_plugin_with_context(self._task.action, collection_list=self._task.collections)
        if not found.resolved or found.plugin_resolved_collection != COLLECTION:
            raise AnsibleActionFail(f"{self._task.action} is not a module of {COLLECTION}")
        module_args = dict(self._task.args)
        self._update_module_args(found.resolved_fqcn, module_args, task_vars)
        environment = {}
        self._compute_environment_string(environment)
        encoder = get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
        arguments = json.dumps({"ANSIBLE_MODULE_ARGS": module_args}, cls=encoder).encode()
        module = f"ansible_collections.{COLLECTION}.plugins.modules.{found.resolved_fqcn.rsplit('.', 1)[-1]}"
        output = run_forked(module, arguments, environment)
        return RESULT_FINISHERS[RESULT_SHAPES[CORE]](self, output)


def dict_result(action, output):
    """ansible-core 2.19 and 2.20: what their ``_execute_module`` does with a module's output."""
    data = action._parse_returned_data(output, PROFILE)
    data.pop("_ansible_suppress_tmpdir_delete", None)  # there is no temporary directory here
    remove_internal_keys(data)
    for stream in ("stdout", "stderr"):
        if stream in data and f"{stream}_lines" not in data:
            data[f"{stream}_lines"] = (data[stream] or "").splitlines()
    return data


def unified_result(action, output):
    """ansible-core 2.21: ``_parse_returned_data`` gives a UnifiedTaskResult."""
    parsed = action._parse_returned_data(output, PROFILE)
    parsed.remove_internal_keys()
    return parsed.as_result_dict(for_round_trip=True)


RESULT_FINISHERS = {"dict": dict_result, "unified": unified_result}


def run_forked(module, arguments, environment):
    """Run MODULE in a fork of this process, as its own process would: {rc, stdout, stderr, *_lines}.

    A fork, not this process: the module may exit, change the environment and module globals, and collects its warnings
    in module_utils' globals; a loop runs many items in one worker. The fork shares boto3 already in memory.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(reader)
            code = module_process(writer, module, arguments, environment)
        finally:
            os._exit(code)  # never back into the worker's code: this process is the module's
    os.close(writer)
    finished = False
    try:
        with os.fdopen(reader, "rb") as answer:
            envelope = json.loads(answer.read() or b'{"rc": 1, "stdout": "", "stderr": "the module process wrote nothing"}')
        os.waitpid(pid, 0)
        finished = True
    finally:
        if not finished:  # the task's timeout or an interrupt: the module process goes with it
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    for stream in ("stdout", "stderr"):
        envelope[f"{stream}_lines"] = envelope[stream].splitlines()
    return envelope


def module_process(writer, module, arguments, environment):
    """The forked module process: ansible's own module loader (what AnsiballZ calls), output written to WRITER as one JSON.

    The loader runs the module as ``__main__`` and turns an exception into the same failed result a module process
    gives, so a crash reads the same both ways.
    """
    stdout, stderr, rc = io.StringIO(), io.StringIO(), 0
    try:
        _internal.is_controller = False  # module_utils behave as in a module: warnings go into the result, module-side JSON
        os.environ.update({name: str(value) for name, value in environment.items()})
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                _loader.run_module(json_params=arguments, profile=PROFILE, module_fqn=module, modlib_path=MODULE_LIBRARY, extensions={})
            except SystemExit as done:
                rc = done.code if isinstance(done.code, int) else 1
            except BaseException:  # pylint: disable=broad-exception-caught
                rc = 1  # what the loader leaves to the interpreter (an interrupt, say): a traceback on stderr
                traceback.print_exc()
    finally:
        with os.fdopen(writer, "wb") as out:
            out.write(json.dumps({"rc": rc, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}).encode())
    return 0


# Where the module's libraries come from (AnsiballZ gives its zip; here ansible's own directory): only a module that
# respawns itself under another interpreter would use it, and ours do not.
MODULE_LIBRARY = os.path.dirname(os.path.dirname(C.__file__))
