"""The endpoint's own suite: one endpoint per pytest worker, reset before every test.

``fake_aws`` here has the interface of the fixture in tests/conftest.py (it is the same
FakeAws class, started the same way: ``server.py --host --port``, ready once ``/moto-api/``
answers) but starts once per worker: a start costs seconds (moto imports EC2 for ECS),
a reset milliseconds.  ``fake_aws_short_timeouts`` is a second endpoint whose instances
lose their ping and agent connection after one second.
"""

import importlib.util
import os
import urllib.request
from pathlib import Path

import pytest

ROOT_CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"
SHORT_TIMEOUTS = {"FAKE_AWS_PING_TIMEOUT": "1", "FAKE_AWS_AGENT_TIMEOUT": "1"}


def _fake_aws_class():
    # Load the shared fixture's module under its own name: every conftest.py is "conftest".
    spec = importlib.util.spec_from_file_location("tests_root_conftest", ROOT_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeAws


def _start(environment=None):
    saved = {name: os.environ.get(name) for name in environment or {}}
    os.environ.update(environment or {})
    try:
        return _fake_aws_class()().start()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def reset(endpoint):
    """Forget every resource and every logged call."""
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint.url}/_fake_aws/reset", method="POST"), timeout=10):
        return endpoint


@pytest.fixture(scope="session")
def shared_endpoint():
    endpoint = _start()
    yield endpoint
    endpoint.stop()


@pytest.fixture(scope="session")
def short_timeouts_endpoint():
    endpoint = _start(SHORT_TIMEOUTS)
    yield endpoint
    endpoint.stop()


@pytest.fixture
def fake_aws(shared_endpoint):  # pylint: disable=redefined-outer-name
    """A fresh local AWS endpoint for one test (the worker's endpoint, reset)."""
    return reset(shared_endpoint)


@pytest.fixture
def fake_aws_short_timeouts(short_timeouts_endpoint):  # pylint: disable=redefined-outer-name
    """Like fake_aws, but PingStatus and agentConnected fall after one second without a heartbeat."""
    return reset(short_timeouts_endpoint)
