"""Every change of an ECS task's ``lastStatus`` goes through one place, which logs it.

``install()`` makes moto's ``Task.last_status`` a property whose setter is ``_set_last_status``: whoever changes a
task's status (lifecycle.py's steps over time, the scheduler's arrivals at RUNNING and STOPPED, moto's own code)
assigns ``task.last_status``, and each change is noted in ``LOG`` with the task, its cluster, group (``service:NAME``
for a service's tasks), ``startedBy``, container instance, ``from`` (None when the task was just placed) and ``to``
``lastStatus``, its ``desiredStatus`` then, and the endpoint's time (clock.py, epoch seconds). The getter reads the
stored status as it is: moto's ManagedState would otherwise be free to step a task's status on a read.

Served at ``GET /_fake_aws/task_transitions`` (oldest first), emptied by ``DELETE`` and by ``POST /_fake_aws/reset``
(private.py); tests replay it with transition_log.py.
"""

import threading

from moto.ecs import models as ecs_models

from . import clock

_SEEN = "_transition_logged"  # set on a task once its first status was logged: later changes have a ``from``


class TransitionLog:
    """A thread-safe list of task state transitions, in the order they happened."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []

    def add(self, entry):
        with self._lock:
            self._entries.append(entry)

    def snapshot(self):
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self):
        with self._lock:
            self._entries.clear()


LOG = TransitionLog()


def _get_last_status(task):
    return task.__dict__.get("_status")


def _set_last_status(task, status):
    """The one place a task's lastStatus changes: stored, and logged when it differs from what it was."""
    first = not task.__dict__.get(_SEEN)
    before = None if first else task.__dict__.get("_status")
    task.__dict__["_status"] = status
    if not first and before == status:
        return
    task.__dict__[_SEEN] = True
    LOG.add(
        {
            "task": task.task_arn,
            "cluster": task.cluster_name,
            "group": task.group,
            "startedBy": task.started_by or None,
            "containerInstance": task.container_instance_arn,
            "from": before,
            "to": status,
            "desiredStatus": task.desired_status,
            "at": clock.now().timestamp(),
        }
    )


def install():
    ecs_models.Task.last_status = property(_get_last_status, _set_last_status)
