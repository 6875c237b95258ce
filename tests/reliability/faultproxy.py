"""A fault-injecting HTTP proxy in front of the local AWS endpoint (tests/fake_aws).

Each AWS API request is either forwarded as is or meets one fault, drawn from a seeded random generator:

  throttle  the service's own throttling error (JSON 1.1: 400 ThrottlingException; query/XML: 400 Throttling)
  500       the service's own server fault (ECS ServerException, SSM InternalServerError, IAM ServiceFailure; 500)
  503       503 ServiceUnavailable
  drop      the connection is closed before the request is forwarded (nothing happened at the endpoint)
  lost      the request is forwarded and served, then the connection is closed: the answer is lost
  slow      forwarded, the answer held back for --slow-seconds

With --lose-first-writes, the first request of every writing action (Create*, Delete*, Register*, ...) is `lost` whatever the draw.

The endpoint's private paths (/_fake_aws/, /moto-api/) always pass untouched. Sources of every shape: README.md beside this file.

    python tests/reliability/faultproxy.py --upstream http://10.213.16.1:4586 --port 0 --seed 42 --rates throttle=0.06,500=0.03

The proxy prints "faultproxy listening on http://127.0.0.1:PORT seed=SEED" once ready, then one line on stderr for each fault it
injects ("fault 12 ecs:ListClusters throttle drawn"); GET /_faultproxy/stats answers the counts (``draws``: the requests that met
the seeded draw, ``forced``: the lost first writes, which did not), GET /_faultproxy/faults the log of every fault injected
(``cause`` "drawn" or "forced"), GET /_faultproxy/activation-codes the codes of the activations created through it (the
secrets audit's needles). ``replay(seed, rates, draws)`` tells which faults that many draws of a seed make: a run's random
faults can be checked kind by kind against it.
"""

import argparse
import collections
import http.client
import json
import random
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import urlsplit

KINDS = ("throttle", "500", "503", "drop", "lost", "slow")
DEFAULT_RATES = {"throttle": 0.06, "500": 0.03, "503": 0.03, "drop": 0.03, "lost": 0.02, "slow": 0.03}
# With --lose-first-writes, the first request of each writing action is served and its answer lost (then the draws go on).
WRITES = ("Create", "Delete", "Register", "Deregister", "Update", "Put", "Attach", "Detach", "Tag", "Untag", "Run", "Start", "Stop", "Add")
# Set again by this server when it answers (send_response, Content-Length) or meaningless past one hop.
HOP_HEADERS = ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date")
PASS_THROUGH = ("/_fake_aws/", "/moto-api/", "/_faultproxy/")
# Server faults by service as their botocore models name them (README.md); the rest get a generic InternalFailure.
SERVER_FAULT = {"ecs": "ServerException", "ssm": "InternalServerError", "iam": "ServiceFailure"}
QUERY_NAMESPACE = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/", "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}


def parse_rates(text):
    rates = dict.fromkeys(KINDS, 0.0)
    for item in filter(None, (text or "").split(",")):
        kind, _sep, value = item.partition("=")
        if kind not in KINDS:
            raise SystemExit(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
        rates[kind] = float(value)
    if sum(rates.values()) > 1:
        raise SystemExit("the rates add up to more than 1")
    return rates


def pick(roll, rates):
    """The fault a draw in [0, 1) makes with these rates, or None."""
    edge = 0.0
    for kind in KINDS:
        edge += rates[kind]
        if roll < edge:
            return kind
    return None


def replay(seed, rates, draws):
    """{kind: count} of the faults the first ``draws`` draws of ``seed`` make (what a proxy started so injected at random)."""
    generator = random.Random(seed)
    made = collections.Counter(pick(generator.random(), rates) for _draw in range(draws))
    return {kind: made[kind] for kind in KINDS}


class Faults:
    """The seeded draw, one per AWS request in arrival order, and what was done."""

    def __init__(self, seed, rates, lose_first_writes=False):
        self.seed, self.rates, self.lose_first_writes, self.written = seed, rates, lose_first_writes, set()
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "draws": 0, "forced": 0, **dict.fromkeys(KINDS, 0)}
        self.by_action = {}
        self.log = []  # every fault injected: {"request", "action", "kind", "cause": "drawn" | "forced"}
        self.activation_codes = []

    def draw(self, action):
        with self.lock:
            self.stats["requests"] += 1
            if self.lose_first_writes and action.split(":")[1].startswith(WRITES) and action not in self.written:
                self.written.add(action)
                self.stats["forced"] += 1
                return self._note(action, "lost", "forced")
            self.stats["draws"] += 1
            kind = pick(self.random.random(), self.rates)
            return self._note(action, kind, "drawn") if kind else None

    def _note(self, action, kind, cause):
        self.stats[kind] += 1
        self.by_action.setdefault(action, dict.fromkeys(KINDS, 0))[kind] += 1
        entry = {"request": self.stats["requests"], "action": action, "kind": kind, "cause": cause}
        self.log.append(entry)
        print(f"fault {entry['request']} {action} {kind} {cause}", file=sys.stderr, flush=True)
        return kind


def service_and_action(headers, body):
    """(service, action, protocol) as the endpoint's call log tells them: X-Amz-Target (JSON 1.1) or the query Action."""
    target = headers.get("X-Amz-Target")
    scope = headers.get("Authorization", "").partition("Credential=")[2].split(",")[0].split("/")
    service = scope[3] if len(scope) > 3 else ""
    if target:
        prefix, _sep, action = target.partition(".")
        if not service:
            service = {"AmazonSSM": "ssm", "AmazonEC2ContainerServiceV20141113": "ecs"}.get(prefix, prefix.lower())
        return service, action, "json"
    action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    return service, action, "query"


def error_answer(kind, service, protocol):
    """(status, content type, body) of the fault, in the shape the service's protocol sends errors."""
    status = {"throttle": 400, "500": 500, "503": 503}[kind]
    request_id = str(uuid.uuid4())
    if kind == "throttle":
        code, message = ("ThrottlingException" if protocol == "json" else "Throttling"), "Rate exceeded"
    elif kind == "500":
        code, message = SERVER_FAULT.get(service, "InternalFailure"), "We encountered an internal error. Please try again."
    else:
        code, message = "ServiceUnavailable", "Service Unavailable"
    if protocol == "json":
        return status, "application/x-amz-json-1.1", json.dumps({"__type": code, "message": message}).encode(), request_id
    kind_of = "Sender" if status < 500 else "Receiver"
    namespace = QUERY_NAMESPACE.get(service, "https://iam.amazonaws.com/doc/2010-05-08/")
    body = (f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind_of}</Type><Code>{code}</Code><Message>{message}</Message></Error>'
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return status, "text/xml", body.encode(), request_id


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _forward(self, body):
        upstream = self.server.upstream
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=300)
        headers = {key: value for key, value in self.headers.items() if key.lower() not in ("connection", "keep-alive")}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        connection.close()
        headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_HEADERS]
        return answer.status, headers, data

    def _send(self, status, headers, data):
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self):
        # A reset, not a polite close: the client sees the connection die mid-exchange.
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        except OSError:
            pass
        self.connection.close()

    def _handle(self):
        body = self._body()
        faults = self.server.faults
        if self.path.startswith("/_faultproxy/stats"):
            with faults.lock:
                data = json.dumps({"seed": faults.seed, "rates": faults.rates, "stats": faults.stats, "by_action": faults.by_action}).encode()
            self._send(200, [("Content-Type", "application/json")], data)
            return
        if self.path.startswith("/_faultproxy/faults"):
            with faults.lock:
                data = json.dumps(faults.log).encode()
            self._send(200, [("Content-Type", "application/json")], data)
            return
        if self.path.startswith("/_faultproxy/activation-codes"):
            with faults.lock:
                data = json.dumps(faults.activation_codes).encode()
            self._send(200, [("Content-Type", "application/json")], data)
            return
        if self.path.startswith(PASS_THROUGH):
            self._send(*self._forward(body))
            return
        service, action, protocol = service_and_action(self.headers, body)
        kind = faults.draw(f"{service}:{action}")
        if kind == "drop":
            self._drop()
            return
        if kind in ("throttle", "500", "503"):
            status, content_type, data, request_id = error_answer(kind, service, protocol)
            self._send(status, [("Content-Type", content_type), ("x-amzn-RequestId", request_id)], data)
            return
        answer = self._forward(body)
        if action == "CreateActivation" and answer[0] == 200:
            # Kept for the secrets audit (the needle to look for), served only on the loopback address.
            with faults.lock:
                faults.activation_codes.append(json.loads(answer[2])["ActivationCode"])
        if kind == "lost":
            self._drop()
            return
        if kind == "slow":
            time.sleep(self.server.slow_seconds)
        self._send(*answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the endpoint, http://HOST:PORT")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=None, help="default: a random one (printed)")
    parser.add_argument("--rates", default=",".join(f"{k}={v}" for k, v in DEFAULT_RATES.items()))
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    parser.add_argument("--lose-first-writes", action="store_true", help="the first answer of each writing action is lost")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.upstream = urlsplit(args.upstream)
    server.faults = Faults(seed, parse_rates(args.rates), args.lose_first_writes)
    server.slow_seconds = args.slow_seconds
    print(f"faultproxy listening on http://{args.host}:{server.server_address[1]} seed={seed} rates={args.rates}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
