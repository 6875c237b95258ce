"""The endpoint's log of task state transitions (``GET``/``DELETE /_fake_aws/task_transitions``, tests/fake_aws/transitions.py),
replayed one way by every suite that claims a service keeps its tasks.

``Replay`` goes through the transitions of one service's tasks in the endpoint's order and counts the service's tasks
whose ``lastStatus`` is RUNNING after each one: every transition, not samples, so a task that stops a moment before
its replacement runs is seen. ``watch`` marks where the log stands when a block starts and replays it when the block
ends; ``minimum()`` is then the lowest count from the start of the block to its end.
"""

import contextlib
import json
import urllib.request
from datetime import datetime, timezone


def _url(endpoint):
    return f"{getattr(endpoint, 'url', endpoint)}/_fake_aws/task_transitions"


def transitions(endpoint, timeout=30):
    """Every task transition the endpoint (a FakeAws or its URL) made since it started or was last cleared, oldest first."""
    with urllib.request.urlopen(_url(endpoint), timeout=timeout) as answer:
        return json.load(answer)


def clear(endpoint, timeout=30):
    urllib.request.urlopen(urllib.request.Request(_url(endpoint), method="DELETE"), timeout=timeout).close()


class Replay:
    """The RUNNING tasks of service ``service`` of ``cluster`` after each transition of its tasks in ``log``.

    ``log`` must hold the service's history from before its tasks in question were placed (the endpoint's log since it
    started): a task whose first transition has a ``from`` would be counted wrong, so it is refused. ``start``: index in
    ``log`` where the window begins (the count in force there is part of the window).
    """

    def __init__(self, log, cluster, service, start=0):
        self.cluster, self.service = cluster, service
        group = f"service:{service}"
        status, running = {}, 0
        self.at_start, self.steps = None, []  # steps: (transition, RUNNING tasks after it) in the window
        for index, entry in enumerate(log):
            if index == start:
                self.at_start = running
            if entry["group"] != group or _cluster_name(entry["cluster"]) != cluster:
                continue
            if status.get(entry["task"]) != entry["from"]:
                raise ValueError(f"the log does not hold {entry['task']}'s history: it was {status.get(entry['task'])}, "
                                 f"the log says {entry['from']} -> {entry['to']} (was it cleared during the service's life?)")
            status[entry["task"]] = entry["to"]
            running += (entry["to"] == "RUNNING") - (entry["from"] == "RUNNING")
            if index >= start:
                self.steps.append((entry, running))
        if self.at_start is None:
            self.at_start = running  # the window starts at the end of the log

    @property
    def counts(self):
        """The count at the start of the window, then after each transition in it."""
        return [self.at_start] + [count for _entry, count in self.steps]

    @property
    def transitions(self):
        return [entry for entry, _count in self.steps]

    def minimum(self):
        """The lowest count of RUNNING tasks over the window."""
        return min(self.counts)

    def report(self):
        """The window, one line a transition, for a failure message."""
        lines = [f"service {self.service} of cluster {self.cluster}: {self.at_start} RUNNING at the start"]
        for entry, count in self.steps:
            at = datetime.fromtimestamp(entry["at"], timezone.utc).strftime("%H:%M:%S.%f")[:-3]
            instance = (entry["containerInstance"] or "-").split("/")[-1]
            lines.append(f"{at} task {entry['task'].split('/')[-1]} on {instance}: {entry['from']} -> {entry['to']} "
                         f"(desired {entry['desiredStatus']}): {count} RUNNING")
        return "\n".join(lines)


def _cluster_name(cluster):
    return cluster.split("/")[-1]


class Watch:
    """What ``watch`` hands its block: the replay of the block's window, once the block has ended."""

    def __init__(self, endpoint, cluster, service):
        self.endpoint, self.cluster, self.service = endpoint, cluster, service
        self.start = len(transitions(endpoint))
        self.replay = None

    def finish(self):
        log = transitions(self.endpoint)
        if len(log) < self.start:
            raise AssertionError("the endpoint's task transitions were cleared or reset while they were watched")
        self.replay = Replay(log, self.cluster, self.service, start=self.start)
        return self.replay


@contextlib.contextmanager
def watch(endpoint, cluster, service):
    """Within the block, the service's tasks are watched through the endpoint's log: ``.replay`` once the block ended."""
    watched = Watch(endpoint, cluster, service)
    yield watched
    watched.finish()  # not when the block failed: its own error is the one to see
