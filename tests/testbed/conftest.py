"""The test bed for one pytest session: hosts up at the start, down at the end.

Needs root and the Debian packages of `make testbed-deps`. The first run builds
the cached rootfs (~100 s); `up` itself is timed from the cache.
"""

import json
import os
import time

import pytest
from bed import HERE, HOSTS, OUT, Testbed, machine_state, run


@pytest.fixture(scope="session")
def clean_state():
    """The controller's state before the test bed exists (after a `down` of
    anything an earlier run left)."""
    run([str(HERE / "down.sh")])
    return machine_state()


# The third host lacks gpg, curl and python3-apt (test_testbed.py relies on it).
os.environ.setdefault("TESTBED_HOST_VARIANTS", "3:nogpg,nocurl")
# The bed's own tests restart the agents a dozen times: shorter stand-in delays than the
# realistic defaults (test_standins.py checks those), through the documented knob.
os.environ.setdefault("TESTBED_STANDIN_TIMING", "SSM_REGISTER_SECONDS=1 SSM_START_SECONDS=1 ECS_START_SECONDS=2")


@pytest.fixture(scope="session")
def testbed(clean_state):
    # The rootfs is built outside the timed part: the budget is for a warm cache.
    run([str(HERE / "rootfs.sh")], capture_output=False)
    start = time.monotonic()
    up = run([str(HERE / "up.sh"), str(HOSTS)], check=False)
    elapsed = time.monotonic() - start
    try:
        if up.returncode != 0:
            raise AssertionError(f"up.sh failed:\n{up.stdout}\n{up.stderr}")
        (OUT / "timings.json").write_text(json.dumps({"up_seconds": round(elapsed, 1), "hosts": HOSTS}))
        yield Testbed(elapsed)
    finally:
        run([str(HERE / "down.sh")], check=False)
