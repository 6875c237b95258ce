"""A task's lifecycle over time, as AWS runs it: not between two requests, over seconds.

* Started: PROVISIONING (awsvpc tasks: the ENI is attached) then PENDING for FAKE_AWS_TASK_START
  seconds in all, then RUNNING (``pullStartedAt``, ``startedAt``, ``connectivityAt`` set then).
* Stopped: ``desiredStatus`` STOPPED at once; ``lastStatus`` STOPPING (awsvpc: then
  DEPROVISIONING) for FAKE_AWS_TASK_STOP seconds, then STOPPED with ``stoppedAt`` and the
  containers' exit codes. A task stopped before it ran goes the same way.
* A task RunTask or a service just started is not yet in DescribeTasks: for FAKE_AWS_TASK_VISIBILITY
  seconds it is ``failures: [{"reason": "MISSING"}]`` (ListTasks already names it).

Each delay 0 switches that step off (the task changes state between two requests). The scheduler
calls ``advance`` on every task before every ECS request; times come from the endpoint's clock,
so ``POST /_fake_aws/clock`` moves tasks along too.
"""

import os

from . import clock


def _seconds(name, default):
    return float(os.environ.get(name, default))


def start_delay():
    return _seconds("FAKE_AWS_TASK_START", "1.5")


def stop_delay():
    return _seconds("FAKE_AWS_TASK_STOP", "1")


def visibility_delay():
    return _seconds("FAKE_AWS_TASK_VISIBILITY", "0.5")


def _awsvpc(task):
    return task.__dict__.get("network_mode") == "awsvpc"


def begin(task, network_mode):
    """A task just placed: its first state (RUNNING at once when the start delay is 0); True if RUNNING."""
    task.__dict__.update(network_mode=network_mode, placed_at=clock.monotonic(), stop_requested_at=None)
    if start_delay() <= 0:
        return True
    task.last_status = "PROVISIONING" if _awsvpc(task) else "PENDING"
    task.started_at = task.pull_started_at = task.pull_stopped_at = task.connectivity_at = None
    task.connectivity = None
    _containers(task, "PENDING")
    return False


def request_stop(task):
    """desiredStatus STOPPED; True when the task is STOPPED at once (stop delay 0)."""
    task.__dict__["stop_requested_at"] = clock.monotonic()
    task.desired_status = "STOPPED"
    if stop_delay() <= 0:
        return True
    task.last_status = "DEPROVISIONING" if _awsvpc(task) and task.last_status in ("PROVISIONING",) else "STOPPING"
    return False


def advance(task, on_running, on_stopped):
    """Move a task to where its age puts it; calls ``on_running(task)`` / ``on_stopped(task)`` on arrival."""
    now = clock.monotonic()
    if task.last_status == "STOPPED":
        return
    stop_requested = task.__dict__.get("stop_requested_at")
    if stop_requested is not None:
        elapsed = now - stop_requested
        if elapsed >= stop_delay():
            on_stopped(task)
        elif _awsvpc(task) and elapsed >= stop_delay() / 2:
            task.last_status = "DEPROVISIONING"
        return
    placed = task.__dict__.get("placed_at")
    if placed is None or task.last_status == "RUNNING":
        return
    elapsed = now - placed
    if elapsed >= start_delay():
        on_running(task)
    elif _awsvpc(task) and elapsed >= start_delay() / 2:
        task.last_status = "PENDING"


def visible(task):
    """Whether DescribeTasks shows the task yet."""
    placed = task.__dict__.get("placed_at")
    return placed is None or clock.monotonic() - placed >= visibility_delay()


def _containers(task, status):
    for container in task.containers if isinstance(task.containers, list) else []:
        if isinstance(container, dict):
            container["lastStatus"] = status
