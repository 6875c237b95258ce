"""IAM where ECS Anywhere meets it: trust policies, role policies, and roles that take time to be seen.

* CreateActivation's role must exist, its trust policy must let ``ssm.amazonaws.com`` assume it,
  and it must have existed for FAKE_AWS_IAM_PROPAGATION seconds (IAM is eventually consistent):
  otherwise ``ValidationException: Nonexistent role or missing ssm service principal in trust
  policy: <role ARN>``, as AWS answers all three.
* A request signed with an STS session (a managed instance's role credentials) may do only what
  the role's policies allow: an Allow statement whose Action matches (``*`` and ``?`` wildcards,
  case-insensitive), no Deny statement that matches (an explicit Deny wins). Anything else is
  ``AccessDeniedException`` (JSON protocols) or ``AccessDenied`` (query protocols).
  Not a general IAM engine: Resource is not compared (a statement counts whatever resource it
  names), conditions are understood for ``String*`` operators on the context keys we pass
  (``ecs:CreateAction``); any other condition makes an Allow grant nothing and a Deny deny.

Requests with long-term keys (``testing``/``testing``) act as the account's root, as before.
"""

import fnmatch
import json
import os
from urllib.parse import unquote

from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.core.responses import BaseResponse
from moto.iam import models as iam_models
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from . import clock

SSM_PRINCIPAL = "ssm.amazonaws.com"
# Actions whose request can carry tags: tagging on create is authorised as ecs:TagResource too (AWS: "Tagging your resources").
TAG_ON_CREATE = {"ecs:RegisterContainerInstance": "tags", "ecs:CreateCluster": "tags"}
NO_POLICY_CHECK = ("sts:GetCallerIdentity",)  # always allowed, even under an explicit Deny (AWS: GetCallerIdentity)


def propagation_delay():
    """Seconds a new or changed IAM role stays invisible to other services (0: at once)."""
    return float(os.environ.get("FAKE_AWS_IAM_PROPAGATION", "2"))


# -- roles as SSM sees them -----------------------------------------------------------------


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _matches(patterns, value):
    return any(fnmatch.fnmatchcase(value.lower(), str(pattern).lower()) for pattern in _as_list(patterns))


def trusts_service(document, service):
    """Whether a trust policy lets ``service`` call sts:AssumeRole (an explicit Deny wins)."""
    if isinstance(document, str):
        document = json.loads(unquote(document) if document.lstrip().startswith("%7B") else document)
    allowed = False
    for statement in _as_list(document.get("Statement", [])):
        principal = statement.get("Principal") or {}
        services = _as_list(principal.get("Service", [])) if isinstance(principal, dict) else []
        if service not in services and principal != "*":
            continue
        if "Action" not in statement or not _matches(statement["Action"], "sts:AssumeRole"):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


def find_role(account_id, partition, reference):
    """The role named ``path/name``, ``name`` or its ARN, or None."""
    iam = iam_backends[account_id][partition]
    name_and_path = reference.split(":role/", 1)[-1]
    path, _slash, name = name_and_path.rpartition("/")
    role = next((role for role in iam.roles.values() if role.name == name), None)
    if role is None or (path and role.path.strip("/") != path.strip("/")):
        return None
    return role


def require_ssm_role(account_id, partition, reference):
    """CreateActivation's check of IamRole: the role ARN to report, or ValidationException."""
    from moto.ssm.exceptions import ValidationException  # pylint: disable=import-outside-toplevel

    role = find_role(account_id, partition, reference)
    arn = reference if reference.startswith("arn:") else f"arn:{partition}:iam::{account_id}:role/{reference}"
    visible = role is not None and clock.monotonic() >= role.__dict__.get("usable_at", 0)
    if not visible or not trusts_service(role.assume_role_policy_document, SSM_PRINCIPAL):
        raise ValidationException(f"Nonexistent role or missing ssm service principal in trust policy: {arn}")
    return role


def _mark_changed(role):
    role.__dict__["usable_at"] = clock.monotonic() + propagation_delay()


# -- what a role's credentials may do -----------------------------------------------------------


def _condition_met(condition, context):
    for operator, tests in (condition or {}).items():
        if not operator.startswith("String"):
            return None  # not understood
        for key, expected in tests.items():
            if key not in context:
                return None
            actual = context[key]
            if operator in ("StringEquals", "StringEqualsIgnoreCase"):
                ok = any(str(actual).lower() == str(value).lower() if "Ignore" in operator else actual == value for value in _as_list(expected))
            elif operator == "StringLike":
                ok = any(fnmatch.fnmatchcase(str(actual), str(value)) for value in _as_list(expected))
            elif operator == "StringNotEquals":
                ok = all(actual != value for value in _as_list(expected))
            else:
                return None
            if not ok:
                return False
    return True


def evaluate(documents, action, context=None):
    """'Allow', 'Deny' (explicit) or 'ImplicitDeny' for ``action`` under the policy ``documents``."""
    allowed = False
    for document in documents:
        for statement in _as_list(document.get("Statement", [])):
            if "Action" in statement:
                concerned = _matches(statement["Action"], action)
            else:
                concerned = "NotAction" in statement and not _matches(statement["NotAction"], action)
            if not concerned:
                continue
            met = _condition_met(statement.get("Condition"), context or {}) if statement.get("Condition") else True
            if statement.get("Effect") == "Deny" and met is not False:
                return "Deny"  # an explicit Deny wins; one whose condition we cannot read is taken as met
            if statement.get("Effect") == "Allow" and met is True:
                allowed = True
    return "Allow" if allowed else "ImplicitDeny"


def role_documents(role):
    """The policy documents of a role: inline ones and the default version of each attached policy."""
    documents = [json.loads(unquote(text)) if isinstance(text, str) else text for text in role.policies.values()]
    for policy in role.managed_policies.values():
        version = next((version for version in policy.versions if version.is_default), None)
        if version is not None:
            text = version.document
            documents.append(json.loads(text) if isinstance(text, str) else text)
    return documents


def session_of(access_key):
    """(assumed role, account, partition) of STS session credentials, or None for any other key."""
    for account_id, partitions in list(sts_backends.items()):
        for partition, backend in list(partitions.items()):
            role = backend.get_assumed_role_from_access_key(access_key)
            if role is not None:
                return role, account_id, partition
    return None


def authorize(response):
    """Refuse a request signed by an STS session that its role's policies do not allow."""
    action = f"{response.service_name}:{response._get_action()}"  # pylint: disable=protected-access
    if action in NO_POLICY_CHECK or "Authorization" not in response.headers:
        return
    session = session_of(response.get_access_key())
    if session is None:
        return
    assumed, account_id, partition = session
    role = find_role(account_id, partition, assumed.role_arn)
    documents = role_documents(role) if role is not None else []
    decision = evaluate(documents, action)
    tag_member = TAG_ON_CREATE.get(action)
    if decision == "Allow" and tag_member and _request_has(response, tag_member):
        decision = evaluate(documents, "ecs:TagResource", {"ecs:CreateAction": action.split(":")[1]})
        action = "ecs:TagResource" if decision != "Allow" else action
    if decision == "Allow":
        return
    caller = f"arn:{partition}:sts::{account_id}:assumed-role/{assumed.role_arn.split('/')[-1]}/{assumed.session_name}"
    kind = "explicit deny in an identity-based policy" if decision == "Deny" else f"no identity-based policy allows the {action} action"
    message = f"User: {caller} is not authorized to perform: {action} because {kind}"
    if response.headers.get("X-Amz-Target"):
        raise JsonRESTError("AccessDeniedException", message)
    raise AccessDeniedError(caller, action)


def _request_has(response, member):
    try:
        return bool(json.loads(response.body or "{}").get(member))
    except ValueError:
        return False


def install():
    """Check callers before every action; note when roles change."""
    original = BaseResponse._authenticate_and_authorize_normal_action  # pylint: disable=protected-access

    def authenticate_and_authorize(self, resource="*"):
        original(self, resource)
        authorize(self)

    BaseResponse._authenticate_and_authorize_normal_action = authenticate_and_authorize  # pylint: disable=protected-access

    create_role = iam_models.IAMBackend.create_role
    update_trust = iam_models.IAMBackend.update_assume_role_policy

    def create_role_later_visible(backend, *args, **kwargs):
        role = create_role(backend, *args, **kwargs)
        _mark_changed(role)
        return role

    def update_trust_later_visible(backend, role_name, policy_document):
        update_trust(backend, role_name, policy_document)
        _mark_changed(backend.get_role(role_name))

    iam_models.IAMBackend.create_role = create_role_later_visible
    iam_models.IAMBackend.update_assume_role_policy = update_trust_later_visible
