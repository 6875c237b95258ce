"""The endpoint's private paths, in a WSGI layer in front of moto.

* ``GET /_fake_aws/calls``: ``[{"service": "ecs", "action": "DescribeTaskDefinition"}, ...]``,
  every AWS API call served (errors included) in arrival order, since start or since
  ``DELETE /_fake_aws/calls``.  Tests count calls with it (an idempotent module must not
  write; describe calls should not multiply).  ``?access_key=KEY``: only the calls signed
  with that access key id (the controller's, apart from the agents' instance credentials).
* ``POST /_fake_aws/reset``: forget every resource, every call and every task transition, put the clock back.
* ``POST /_fake_aws/races``: ``{"actions": ["CreateService", ...]}``; the next call of each action
  is served twice: first on behalf of another creator (an AWX slice running the same playbook;
  its answer is dropped, its call logged with the access key ``concurrent-creator``), then
  the caller's own, which meets what the other made as AWS would answer it.
* ``GET /_fake_aws/task_transitions``: every change of an ECS task's lastStatus, oldest first (transitions.py);
  ``DELETE`` empties it.
* ``GET|POST /_fake_aws/clock``: ``{"offset": seconds}``; POST ``{"advance": seconds}`` moves
  the clock of expiry and heartbeats forward (see clock.py).
"""

import io
import json
import re
import threading
from urllib.parse import parse_qs

import botocore.session

from . import clock, transitions

PRIVATE_PREFIX = "/_fake_aws/"
# Paths that are not AWS API calls: moto's own API and browsers' icon requests.
NOT_API = ("/moto-api", "/favicon.ico", PRIVATE_PREFIX)
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/[^/]+/([^/]+)/aws4_request")
ACCESS_KEY = re.compile(r"Credential=([^/,]+)/")
# JSON-protocol services whose X-Amz-Target prefix names the service of an unsigned call.
TARGET_SERVICES = ("ssm", "ecs", "ecr", "logs", "servicediscovery", "secretsmanager", "kms")


class CallLog:
    """A thread-safe list of {"service", "action"} calls, each noted with the access key id that signed it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._calls = []

    def add(self, service, action, access_key=None):
        with self._lock:
            self._calls.append(({"service": service, "action": action}, access_key))

    def snapshot(self, access_key=None):
        with self._lock:
            return [dict(call) for call, key in self._calls if access_key is None or key == access_key]

    def clear(self):
        with self._lock:
            self._calls.clear()


class PrivateApi:
    """Notes each AWS call, then hands the request to moto; serves the /_fake_aws/ paths."""

    def __init__(self, app, call_log=None):
        self.app = app
        self.call_log = call_log or CallLog()
        self._prefixes = None
        self._races = set()
        self._races_lock = threading.Lock()
        self._routes = {
            ("/_fake_aws/races", "POST"): lambda environ: (200, {"armed": self.arm_races(_json_body(environ).get("actions", []))}),
            ("/_fake_aws/calls", "GET"): lambda environ: (200, self.call_log.snapshot(_query(environ, "access_key"))),
            ("/_fake_aws/calls", "DELETE"): lambda environ: (204, self.call_log.clear()),
            ("/_fake_aws/task_transitions", "GET"): lambda environ: (200, transitions.LOG.snapshot()),
            ("/_fake_aws/task_transitions", "DELETE"): lambda environ: (204, transitions.LOG.clear()),
            ("/_fake_aws/reset", "POST"): lambda environ: (204, self.reset()),
            ("/_fake_aws/clock", "GET"): lambda environ: (200, {"offset": clock.offset()}),
            ("/_fake_aws/clock", "POST"): lambda environ: (200, {"offset": clock.advance(_json_body(environ).get("advance", 0))}),
        }

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(PRIVATE_PREFIX):
            return self._private(environ, start_response)
        if not path.startswith(NOT_API):
            signer = ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
            service, action = self.identify(environ)
            if self.race_due(action):
                self.serve_concurrent_creator(environ, service, action)
            self.call_log.add(service, action, signer.group(1) if signer else None)
        return self.app(environ, start_response)

    def arm_races(self, actions):
        if not isinstance(actions, list) or not all(isinstance(action, str) for action in actions):
            raise ValueError("actions: expected a list of API action names")
        with self._races_lock:
            self._races.update(actions)
            return sorted(self._races)

    def race_due(self, action):
        with self._races_lock:
            if action in self._races:
                self._races.discard(action)
                return True
            return False

    def serve_concurrent_creator(self, environ, service, action):
        """Serve the same request once, as if another client had sent it just before; its answer is dropped."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        self.call_log.add(service, action, "concurrent-creator")
        answer = self.app(dict(environ, **{"wsgi.input": io.BytesIO(body)}), lambda status, headers, exc_info=None: None)
        for _chunk in answer:
            pass
        if hasattr(answer, "close"):
            answer.close()

    def identify(self, environ):
        """(service, action) of a request: SigV4 scope or target prefix, then target or Action."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        prefix, _dot, target_action = target.rpartition(".")
        scope = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope.group(1) if scope else self.target_prefixes().get(prefix, prefix.lower() or "unknown")
        action = target_action or _query_action(environ) or f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        return service, action

    def target_prefixes(self):
        """X-Amz-Target prefix -> service, read from botocore's models when first needed."""
        if self._prefixes is None:
            session = botocore.session.get_session()
            models = [session.get_service_model(service) for service in TARGET_SERVICES]
            self._prefixes = {model.metadata["targetPrefix"]: model.metadata.get("signingName", model.metadata["endpointPrefix"]) for model in models}
        return self._prefixes

    def reset(self):
        forget_everything()
        self.call_log.clear()
        transitions.LOG.clear()
        with self._races_lock:
            self._races.clear()
        clock.reset()

    def _private(self, environ, start_response):
        path, method = environ["PATH_INFO"].rstrip("/"), environ.get("REQUEST_METHOD")
        route = self._routes.get((path, method))
        if route is not None:
            try:
                status, payload = route(environ)
            except ValueError as exc:
                status, payload = 400, {"message": str(exc)}
        elif any(known == path for known, _method in self._routes):
            status, payload = 405, {"message": f"{method} not allowed on {path}"}
        else:
            status, payload = 404, {"message": f"no such path {path}"}
        return _respond(start_response, status, payload)


def forget_everything():
    """What /moto-api/reset ends with, without rebuilding every backend first only to drop it.

    moto's reset re-runs each backend's __init__ (IAM loads ~1,500 AWS-managed policies,
    half a second) and then discards the result; backends are created again on first use.
    """
    # pylint: disable=import-outside-toplevel,protected-access
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data

    with backend_lock:
        for backend_dict in BackendDict._instances:
            backend_dict.clear()
        BackendDict._instances.clear()
    reset_model_data()


def _query(environ, name):
    """One value of the query string, or None."""
    return (parse_qs(environ.get("QUERY_STRING", "")).get(name) or [None])[0]


def _json_body(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


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
    reasons = {200: "OK", 204: "No Content", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    if status == 204:
        start_response("204 No Content", [("Content-Length", "0")])
        return [b""]
    body = json.dumps(payload).encode("utf-8")
    start_response(f"{status} {reasons[status]}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
