"""The call log: a WSGI layer in front of moto that notes every AWS API call it serves.

``GET /_fake_aws/calls`` answers ``[{"service": "ecs", "action": "DescribeTaskDefinition"}, ...]``
in the order the calls arrived, since start or since ``DELETE /_fake_aws/calls``.  Tests
count calls with it (idempotent modules must not write; describe calls should not multiply).
"""

import io
import json
import re
import threading
from urllib.parse import parse_qs

import botocore.session

PRIVATE_PREFIX = "/_fake_aws/"
CALLS_PATH = "/_fake_aws/calls"
# Paths that are not AWS API calls: moto's own API and browsers' icon requests.
NOT_API = ("/moto-api", "/favicon.ico", PRIVATE_PREFIX)
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/[^/]+/([^/]+)/aws4_request")
# JSON-protocol services whose X-Amz-Target prefix names the service of an unsigned call.
TARGET_SERVICES = ("ssm", "ecs", "ecr", "logs", "servicediscovery", "secretsmanager", "kms")


class CallLog:
    """A thread-safe list of (service, action) calls."""

    def __init__(self):
        self._lock = threading.Lock()
        self._calls = []

    def add(self, service, action):
        with self._lock:
            self._calls.append({"service": service, "action": action})

    def snapshot(self):
        with self._lock:
            return list(self._calls)

    def clear(self):
        with self._lock:
            self._calls.clear()


def _target_prefixes():
    session = botocore.session.get_session()
    prefixes = {}
    for service in TARGET_SERVICES:
        model = session.get_service_model(service)
        prefixes[model.metadata["targetPrefix"]] = model.metadata.get("signingName", model.metadata["endpointPrefix"])
    return prefixes


class CallLogMiddleware:
    """Notes each AWS call, then hands the request to moto; serves the private /_fake_aws/ paths."""

    def __init__(self, app, call_log=None):
        self.app = app
        self.call_log = call_log or CallLog()
        self._prefixes = _target_prefixes()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(PRIVATE_PREFIX):
            return self._private(environ, start_response)
        if not path.startswith(NOT_API):
            self.call_log.add(*self.identify(environ))
        return self.app(environ, start_response)

    def identify(self, environ):
        """(service, action) of a request: SigV4 scope or target prefix, then target or Action."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        prefix, _, target_action = target.rpartition(".")
        scope = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope.group(1) if scope else self._prefixes.get(prefix, prefix.lower() or "unknown")
        action = target_action or _query_action(environ) or f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        return service, action

    def _private(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ.get("REQUEST_METHOD")
        if path.rstrip("/") != CALLS_PATH:
            return _respond(start_response, "404 Not Found", {"message": f"no such path {path}"})
        if method == "GET":
            return _respond(start_response, "200 OK", self.call_log.snapshot())
        if method == "DELETE":
            self.call_log.clear()
            start_response("204 No Content", [("Content-Length", "0")])
            return [b""]
        return _respond(start_response, "405 Method Not Allowed", {"message": f"{method} not allowed on {path}"})


def _query_action(environ):
    """The Action of a query-protocol call (IAM, STS), from the query string or the form body."""
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if action:
        return action[0]
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
    action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return action[0] if action else None


def _respond(start_response, status, payload):
    body = json.dumps(payload).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
