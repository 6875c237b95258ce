"""Minimal AWS JSON-1.1 client for the stand-in agents (stdlib only).

Why not botocore: the hosts are a plain Debian rootfs, and the real agents
(Go binaries) bring their own SDK rather than a distro package; a 100-line
signer keeps the rootfs free of anything the real agents would not need.
Requests are signed with SigV4 exactly as the AWS SDKs do (checked against
botocore by tests/testbed/test_standins.py), or sent unsigned where the real
agent uses anonymous credentials (SSM RegisterManagedInstance).
"""

import configparser
import datetime
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request

JSON_11 = "application/x-amz-json-1.1"


class AwsError(Exception):
    """An error answer from the endpoint, or no answer at all (code 'RequestError')."""

    def __init__(self, code, message, status=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sigv4_headers(method, url, headers, body, creds, region, service, now=None):
    """Return headers plus x-amz-date, security token and Authorization (SigV4)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date_stamp = amz_date[:8]
    parts = urllib.parse.urlsplit(url)
    out = dict(headers)
    out["Host"] = parts.netloc
    out["X-Amz-Date"] = amz_date
    if creds.get("token"):
        out["X-Amz-Security-Token"] = creds["token"]
    canon = {k.lower(): " ".join(str(v).strip().split()) for k, v in out.items()}
    signed = ";".join(sorted(canon))
    query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
        for k, v in sorted(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    )
    canonical_request = "\n".join(
        [
            method,
            urllib.parse.quote(parts.path or "/", safe="/-_.~"),
            query,
            "".join(f"{k}:{canon[k]}\n" for k in sorted(canon)),
            signed,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date_stamp}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = ("AWS4" + creds["key"]).encode()
    for part in (date_stamp, region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={creds['id']}/{scope}, SignedHeaders={signed}, Signature={signature}"
    )
    return out


def call(endpoint, target, payload, region, service, creds=None, user_agent="standin", timeout=10):
    """POST one JSON-1.1 action; return the decoded answer or raise AwsError.

    target is the X-Amz-Target, e.g. 'AmazonSSM.RegisterManagedInstance'.
    creds=None sends the request unsigned (anonymous), as the real SSM agent
    does for RegisterManagedInstance.
    """
    url = endpoint.rstrip("/") + "/"
    body = json.dumps(payload).encode()
    headers = {"Content-Type": JSON_11, "X-Amz-Target": target, "User-Agent": user_agent}
    if creds:
        headers = sigv4_headers("POST", url, headers, body, creds, region, service)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    return _send(request, timeout)


def get(url, region, service, creds, user_agent="standin", timeout=10):
    """A SigV4-signed GET (the ACS session's opening request); the decoded JSON answer or AwsError."""
    headers = sigv4_headers("GET", url, {"User-Agent": user_agent}, b"", creds, region, service)
    request = urllib.request.Request(url, headers=headers, method="GET")
    return _send(request, timeout)


def _send(request, timeout):
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            text = answer.read()
    except urllib.error.HTTPError as err:
        text = err.read()
        try:
            doc = json.loads(text or b"{}")
        except ValueError:
            doc = {}
        code = str(doc.get("__type") or doc.get("code") or f"HTTP{err.code}").rsplit("#", 1)[-1]
        message = doc.get("message") or doc.get("Message") or text.decode("utf-8", "replace")[:300]
        raise AwsError(code, message, err.code) from None
    except OSError as err:
        raise AwsError("RequestError", f"send request failed: {err}") from None
    try:
        return json.loads(text or b"{}")
    except ValueError:
        raise AwsError("SerializationError", f"not a JSON answer: {text[:120]!r}") from None


def endpoint_url(value, default_host):
    """An endpoint as the Go SDK takes it: a bare host means https://host."""
    value = (value or "").strip() or default_host
    return value if "://" in value else "https://" + value


def read_shared_credentials(path=None, profile=None):
    """Credentials from an AWS shared credentials file, or None."""
    path = path or os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.expanduser("~/.aws/credentials")
    profile = profile or os.environ.get("AWS_PROFILE") or "default"
    parser = configparser.ConfigParser()
    if not parser.read(path) or not parser.has_section(profile):
        return None
    section = parser[profile]
    if not section.get("aws_access_key_id") or not section.get("aws_secret_access_key"):
        return None
    return {
        "id": section["aws_access_key_id"],
        "key": section["aws_secret_access_key"],
        "token": section.get("aws_session_token", ""),
    }
