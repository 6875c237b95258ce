# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSM hybrid activations, the pure part: expiry, usability, and the plan of ssm_activation.

AWS cannot change an activation (not even its tags), nor give its code back after
CreateActivation. So an activation is identified by a name kept in a tag; an existing one
is kept while it is usable, and replaced (deleted, then a new one created) when it is not.
The activation code never passes through here.
"""

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.arn import validate_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ..plan import Plan
from ..results import tags_as_dict

NAME_TAG = "hybridops:activation-name"
# What AWS allows: an expiry up to 30 days ahead; without one, 24 hours.
MAX_EXPIRY = timedelta(days=30)
DEFAULT_EXPIRY = timedelta(hours=24)
_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_DURATION_UNITS = (7 * 86400, 86400, 3600, 60, 1)


def utcnow():
    return datetime.now(timezone.utc)


def parse_duration(text):
    """Seconds in ``1h``, ``30m``, ``2d``, ``1d12h``, ``1w``; None when ``text`` is not such a duration."""
    match = _DURATION.match(re.sub(r"\s+", "", str(text)).lower())
    if not match or not any(match.groups()):
        return None
    return sum(int(part) * unit for part, unit in zip(match.groups(), _DURATION_UNITS) if part)


def parse_timestamp(text):
    """An aware datetime from ISO 8601 text; naive times are UTC. Python 3.9's parser lacks ``Z``."""
    if isinstance(text, datetime):
        value = text
    else:
        value = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", str(text).strip()))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_expiration(value, now):
    """The expiry date of ``value`` (ISO 8601 date-time or duration), checked against AWS's limits."""
    seconds = parse_duration(value)
    if seconds is not None:
        expiration = now + timedelta(seconds=seconds)
    else:
        try:
            expiration = parse_timestamp(value)
        except (TypeError, ValueError):
            raise ValueError(f"expiration: expected an ISO 8601 date-time or a duration such as 1h, 30m or 2d, got {value!r}") from None
    if expiration <= now:
        raise ValueError(f"expiration: must be in the future, got {value!r}")
    if expiration > now + MAX_EXPIRY:
        raise ValueError(f"expiration: must be at most 30 days ahead, got {value!r}")
    return expiration


def role_name(role):
    """The form CreateActivation takes (name, or path/name) of a role given by name, path/name or ARN."""
    if not role:
        return role
    if validate_aws_arn(role, service="iam", resource_type="role"):
        role = parse_aws_arn(role)["resource_id"]
    return role.strip("/")


def tags_of(activation):
    return boto3_tag_list_to_ansible_dict(activation.get("Tags") or [])


def name_of(activation):
    return tags_of(activation).get(NAME_TAG)


def desired_request(params):
    """CreateActivation's request (but ExpirationDate, set when sent) from the module's options; raises ValueError."""
    tags = dict(params.get("tags") or {})
    if tags.get(NAME_TAG, params["name"]) != params["name"]:
        raise ValueError(f"tags: {NAME_TAG} holds the activation's name; set it through name, not tags")
    tags[NAME_TAG] = params["name"]
    request = {
        "IamRole": role_name(params["iam_role"]),
        "RegistrationLimit": params["registration_limit"],
        "Description": params.get("description"),
        "DefaultInstanceName": params.get("default_instance_name"),
        "Tags": ansible_dict_to_boto3_tag_list(tags),
        "RegistrationMetadata": [{"Key": item["key"], "Value": item["value"]} for item in params.get("registration_metadata") or []],
    }
    return {key: value for key, value in request.items() if value not in (None, [])}


def unusable_reasons(activation, iam_role, now):
    """Why an activation can register no (more) hosts for ``iam_role``; empty when it can."""
    reasons = []
    expiration = activation.get("ExpirationDate")
    if activation.get("Expired") or (expiration is not None and parse_timestamp(expiration) <= now):
        reasons.append("expired")
    if activation.get("RegistrationsCount", 0) >= activation.get("RegistrationLimit", 0):
        reasons.append("no registrations left")
    if iam_role is not None and role_name(activation.get("IamRole")) != role_name(iam_role):
        reasons.append(f"uses IAM role {activation.get('IamRole')}")
    return reasons


def registrations_left(activation):
    return max(0, activation.get("RegistrationLimit", 0) - activation.get("RegistrationsCount", 0))


def describe(activation, now, iam_role=None):
    """An activation as DescribeActivations returns it (Tags as a dict), plus its name, Usable and RegistrationsLeft (the runner snake_cases it)."""
    result = tags_as_dict(activation)
    result["Name"] = name_of(activation)
    result["Usable"] = not unusable_reasons(activation, iam_role, now)
    result["RegistrationsLeft"] = registrations_left(activation)
    return result


def _iso(value):
    return parse_timestamp(value).isoformat() if value is not None else None


def view(activation):
    """What the diff shows of an activation (never a code: AWS does not return it)."""
    shown = {
        "ActivationId": activation.get("ActivationId"),
        "IamRole": activation.get("IamRole"),
        "RegistrationLimit": activation.get("RegistrationLimit"),
        "RegistrationsCount": activation.get("RegistrationsCount", 0),
        "ExpirationDate": _iso(activation.get("ExpirationDate")),
        "DefaultInstanceName": activation.get("DefaultInstanceName") or None,
        "Description": activation.get("Description") or None,
        "Tags": tags_of(activation),
        "RegistrationMetadata": boto3_tag_list_to_ansible_dict(activation.get("RegistrationMetadata") or []) or None,
    }
    return {key: value for key, value in shown.items() if value is not None}


def _mismatches(activation, request):
    """Settings of a kept activation that differ from the request: AWS cannot change them in place."""
    found = []
    for key in ("RegistrationLimit", "Description", "DefaultInstanceName"):
        if key in request and request[key] != activation.get(key):
            found.append(key)
    wanted, have = boto3_tag_list_to_ansible_dict(request.get("Tags") or []), tags_of(activation)
    if any(have.get(key) != value for key, value in wanted.items()):
        found.append("Tags")
    return found


def _pick(usable):
    # Most registrations left first, then the latest expiry.
    return sorted(usable, key=lambda item: (registrations_left(item), _iso(item.get("ExpirationDate")) or ""), reverse=True)[0]


@dataclass
class ActivationPlan(Plan):
    """The one Plan, plus the activation kept (``keep``) and warnings about what AWS cannot change in it.

    ``calls``: ``create_activation`` (the request) first, then one ``delete_activation`` (an id) per activation to delete.
    """

    keep: dict = None
    warnings: list = field(default_factory=list)

    @property
    def create(self):
        return self.call("create_activation")

    @property
    def delete(self):
        return [args for name, args in self.calls if name == "delete_activation"]


def _plan(before, keep=None, create=None, delete=(), warnings=(), now=None):
    deleted = set(delete)
    after = [view(item) for item in before if item["ActivationId"] not in deleted]
    if create:
        # Without ExpirationDate AWS sets 24 hours from now; the diff shows about that.
        after.append(view(dict(create, ExpirationDate=create.get("ExpirationDate") or now + DEFAULT_EXPIRY)))
    calls = ([("create_activation", create)] if create else []) + [("delete_activation", activation_id) for activation_id in delete]
    return ActivationPlan(
        before={"activations": [view(item) for item in before]}, after={"activations": after}, calls=calls, keep=keep, warnings=list(warnings)
    )


def plan_present(existing, request, expiration, replace_unusable, now):
    """Keep a usable activation of the name, or create one (first deleting unusable ones when asked)."""
    usable = [item for item in existing if not unusable_reasons(item, request["IamRole"], now)]
    if usable:
        keep = _pick(usable)
        mismatched = _mismatches(keep, request)
        warnings = []
        if mismatched:
            warnings.append(
                f"Activation {keep['ActivationId']} is kept, but its {', '.join(mismatched)} differ from the options: AWS cannot change an "
                f"existing activation. Delete it (state=absent) to get a new one."
            )
        return _plan(existing, keep=keep, warnings=warnings)
    create = dict(request, ExpirationDate=expiration) if expiration else dict(request)
    delete = [item["ActivationId"] for item in existing] if replace_unusable else []
    return _plan(existing, create=create, delete=delete, now=now)


def plan_absent(existing):
    return _plan(existing, delete=[item["ActivationId"] for item in existing])
