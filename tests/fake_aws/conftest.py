"""The endpoint's own suite takes its endpoints from tests/conftest.py, as every other suite does.

``fake_aws`` is the worker's endpoint (started once per worker with ``server.py --host --port``,
ready once ``/moto-api/`` answers), reset before each test; ``fake_aws_short_timeouts`` is a
second one whose instances lose their ping and agent connection one second after the last
heartbeat; ``fake_aws_started_with(environment)`` gives one for any other FAKE_AWS_* settings.

Here both come without the consistency delays (NO_DELAYS): each test looks at one behaviour at a
time, and the delays have tests of their own (test_consistency.py, with the endpoint's defaults).
"""

import pytest

from conftest import NO_DELAYS, SHORT_TIMEOUTS


@pytest.fixture
def fake_aws(fake_aws_started_with):
    """The worker's endpoint without consistency delays, reset."""
    return fake_aws_started_with(NO_DELAYS)


@pytest.fixture
def fake_aws_short_timeouts(fake_aws_started_with):
    """Like fake_aws, heartbeats counting for one second only."""
    return fake_aws_started_with({**SHORT_TIMEOUTS, **NO_DELAYS})
