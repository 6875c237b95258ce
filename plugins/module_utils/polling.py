# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one wait that is not a botocore waiter: a check that reads several operations (ECS and SSM) until it finds no problem.

Waits on one ECS operation use the waiter factory of ``_ecs/waiters.py``; both fail with ``errors.TimedOut``.
"""

import time

from .errors import TimedOut

# Seconds between two looks, as the waiters pause; short waits look more often.
PAUSE = 5


def pause_for(timeout):
    """Seconds between polls: PAUSE, less for short waits (at least three looks)."""
    return max(1, min(PAUSE, int(timeout) // 3))


def poll(check, timeout, waiting_for, sleep=time.sleep, clock=time.monotonic):
    """Call ``check`` until it returns no problems (a list of messages); returns its last answer.

    When ``timeout`` seconds have passed with problems left, raises TimedOut naming ``waiting_for``
    and the problems last seen (also in the failure's ``waiting_for`` detail).
    """
    deadline = clock() + timeout
    delay = pause_for(timeout)
    while True:
        left = check()
        if not left:
            return left
        if clock() >= deadline:
            raise TimedOut(timeout, waiting_for, "; ".join(left), waiting_for=list(left))
        sleep(max(0, min(delay, deadline - clock())))
