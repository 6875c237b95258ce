"""The endpoint's call log (``GET``/``DELETE /_fake_aws/calls``, tests/fake_aws/private.py), read one way by every suite.

Tests that claim "no writes" fail on any action that is not a read (``writes``), rather than on a list of the writes
they know of: a write nobody thought of is caught too.
"""

import json
import urllib.parse
import urllib.request

READS = ("Describe", "List", "Get")  # the read actions of ECS, SSM, IAM, STS and Auto Scaling


def _url(endpoint):
    return f"{getattr(endpoint, 'url', endpoint)}/_fake_aws/calls"


def calls(endpoint, access_key=None, timeout=30):
    """Every call the endpoint (a FakeAws or its URL) served since the last clear, oldest first; one key's calls if given."""
    query = f"?{urllib.parse.urlencode({'access_key': access_key})}" if access_key else ""
    with urllib.request.urlopen(_url(endpoint) + query, timeout=timeout) as answer:
        return json.load(answer)


def clear(endpoint, timeout=30):
    urllib.request.urlopen(urllib.request.Request(_url(endpoint), method="DELETE"), timeout=timeout).close()


def writes(made):
    """``service:Action`` of every call in MADE that is not a read."""
    return [f"{call['service']}:{call['action']}" for call in made if not call["action"].startswith(READS)]
