"""Callback for tests/bench: which task made which AWS calls, from the local endpoint's call log.

At each task start (and at the end) it reads ``GET /_fake_aws/calls?access_key=KEY`` (BENCH_CALLS_URL, BENCH_CALLS_KEY) and
gives the calls that arrived since the previous read to the previous task; the linear strategy runs one task at a time, so
each call has its task. Writes {"task": name, "calls": ["service:Action", ...]} lines to BENCH_CALLS_OUT.
"""

import json
import os
import urllib.request

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_calls
type: aggregate
short_description: AWS calls of the local endpoint attributed to tasks (tests/bench only)
description: Reads the local endpoint's call log at each task start and writes the calls of each task to a file.
options: {}
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_calls"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.url = os.environ.get("BENCH_CALLS_URL", "")
        self.key = os.environ.get("BENCH_CALLS_KEY", "")
        self.out = os.environ.get("BENCH_CALLS_OUT", "")
        self.seen = None
        self.task = None

    def _read(self):
        query = f"?access_key={self.key}" if self.key else ""
        with urllib.request.urlopen(f"{self.url.rstrip('/')}/_fake_aws/calls{query}", timeout=30) as answer:
            return json.load(answer)

    def _attribute(self, next_task):
        if not (self.url and self.out):
            return
        calls = self._read()
        if self.seen is not None and self.task is not None and len(calls) > self.seen:
            with open(self.out, "a", encoding="utf-8") as handle:
                names = [f"{call['service']}:{call['action']}" for call in calls[self.seen:]]
                handle.write(json.dumps({"task": self.task, "calls": names}) + "\n")
        self.seen, self.task = len(calls), next_task

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._attribute(task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self._attribute(task.get_name())

    def v2_playbook_on_stats(self, stats):
        self._attribute(None)
