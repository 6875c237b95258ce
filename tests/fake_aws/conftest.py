"""The endpoint's own suite takes its endpoints from tests/conftest.py, as every other suite does.

``fake_aws`` is the worker's endpoint (started once per worker with ``server.py --host --port``,
ready once ``/moto-api/`` answers), reset before each test; ``fake_aws_short_timeouts`` is a
second one whose instances lose their ping and agent connection one second after the last
heartbeat; ``fake_aws_started_with(environment)`` gives one for any other FAKE_AWS_* settings.
Nothing is defined here: one way to get an endpoint, for every suite.
"""
