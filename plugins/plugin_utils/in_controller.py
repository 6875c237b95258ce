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
(``why_not_here`` says when), and ``ECS_ANYWHERE_IN_CONTROLLER=false`` forces that for every task.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import signal
import sys
import traceback

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

try:
    # ansible-core 2.19 and later: module arguments and results travel in serialization profiles.
    from ansible.module_utils import _internal
    from ansible.module_utils import basic
    from ansible.module_utils.common.json import Direction
    from ansible.module_utils.common.json import get_module_encoder

    HAS_PROFILES = hasattr(basic, "_ANSIBLE_PROFILE")
except ImportError:
    HAS_PROFILES = False

try:
    # What every module of ours imports first, imported here once for all the workers forked after it.
    import boto3  # noqa: F401  pylint: disable=unused-import
    import botocore  # noqa: F401  pylint: disable=unused-import
    from ansible_collections.amazon.aws.plugins.module_utils import modules  # noqa: F401  pylint: disable=unused-import

    HAS_BOTO3 = True
except ImportError:
    HAS_BOTO3 = False

display = Display()

SWITCH = "ECS_ANYWHERE_IN_CONTROLLER"
PROFILE = "legacy"  # the serialization profile of a Python module that declares none, as ours
COLLECTION = "hybridops.ecs_anywhere"


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
        reason = self.why_not_here(task_vars)
        if reason:
            display.vvv(f"{self._task.action}: runs in a module process ({reason})")
            result.update(self._execute_module(task_vars=task_vars, wrap_async=self._task.async_val))
            if not self._task.async_val:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        display.vvv(f"{self._task.action}: runs in the controller's worker process")
        result.update(self.run_here(task_vars))
        return result

    def why_not_here(self, task_vars):
        """Why this task's module cannot run in this process, or None when it can."""
        if not boolean(os.environ.get(SWITCH, "true"), strict=False):
            return f"{SWITCH} is false"
        if not HAS_PROFILES:
            return "ansible-core before 2.19"
        if not HAS_BOTO3:
            return "the controller's Python has no boto3"
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
        parsed = self._parse_returned_data(run_forked(module, arguments, environment), PROFILE)
        parsed.remove_internal_keys()
        return parsed.as_result_dict(for_round_trip=True)


def run_forked(module, arguments, environment):
    """Run MODULE's main() in a fork of this process, as its own process would: {rc, stdout, stderr, *_lines}.

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
    """The forked module process: what AnsiballZ would set up, main(), and its output written to WRITER as one JSON."""
    stdout, stderr, rc = io.StringIO(), io.StringIO(), 0
    try:
        _internal.is_controller = False  # module_utils behave as in a module: warnings go into the result, module-side JSON
        os.environ.update({name: str(value) for name, value in environment.items()})
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = arguments, PROFILE
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                importlib.import_module(module).main()
            except SystemExit as done:
                rc = done.code if isinstance(done.code, int) else 1
            except BaseException:  # pylint: disable=broad-exception-caught
                rc = 1  # as a module process's crash: a traceback on stderr, no result on stdout
                traceback.print_exc()
    finally:
        with os.fdopen(writer, "wb") as out:
            out.write(json.dumps({"rc": rc, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}).encode())
    return 0
