"""The endpoint's clock: real time plus an offset that tests move forward.

Activation expiry, PingStatus and agentConnected are read from here, so a test checks a
24-hour expiry or a 60-second heartbeat timeout by ``POST /_fake_aws/clock`` instead of
sleeping.  ``POST /_fake_aws/reset`` puts the clock back.
"""

import threading
import time
from datetime import datetime, timedelta, timezone

_LOCK = threading.Lock()
_STATE = {"offset": 0.0}


def advance(seconds):
    """Move the clock forward (never back: expired things stay expired); the total offset."""
    with _LOCK:
        _STATE["offset"] += max(0.0, float(seconds))
        return _STATE["offset"]


def reset():
    with _LOCK:
        _STATE["offset"] = 0.0


def offset():
    return _STATE["offset"]


def now():
    """The current time, aware UTC."""
    return datetime.now(timezone.utc) + timedelta(seconds=_STATE["offset"])


def monotonic():
    """Seconds for measuring intervals (heartbeats)."""
    return time.monotonic() + _STATE["offset"]
