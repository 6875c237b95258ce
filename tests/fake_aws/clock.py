"""The endpoint's clock: real time plus an offset that tests move forward.

Activation expiry, PingStatus and agentConnected are read from here, so a test checks a
24-hour expiry or a 60-second heartbeat timeout by ``POST /_fake_aws/clock`` instead of
sleeping.  ``POST /_fake_aws/reset`` puts the clock back.
"""

import threading
import time
from datetime import datetime, timedelta, timezone

_lock = threading.Lock()
_offset = 0.0


def advance(seconds):
    """Move the clock forward (never back: expired things stay expired); the total offset."""
    global _offset  # pylint: disable=global-statement
    with _lock:
        _offset += max(0.0, float(seconds))
        return _offset


def reset():
    global _offset  # pylint: disable=global-statement
    with _lock:
        _offset = 0.0


def offset():
    return _offset


def now():
    """The current time, aware UTC."""
    return datetime.now(timezone.utc) + timedelta(seconds=_offset)


def monotonic():
    """Seconds for measuring intervals (heartbeats)."""
    return time.monotonic() + _offset
