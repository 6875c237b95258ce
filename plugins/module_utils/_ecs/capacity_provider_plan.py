# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_capacity_provider, the pure part: the CreateCapacityProvider request from the options, checks
AWS would otherwise make after a write, both sides normalised alike, and one comparison that gives the
calls to make, ``changed`` and the diff.

Only what the user set is compared. An update sends the whole Auto Scaling group provider (what AWS
has, with what the user set laid over it), so nothing the user left out is reset by UpdateCapacityProvider.
The Auto Scaling group itself cannot change: UpdateCapacityProvider has no member for it.
"""

import copy
import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ..compare import differences
from ..plan import Plan
from ..tags import add_tag_changes
from ..compare import strip_empty
from ..errors import Refused

BUILTIN_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
# AWS: up to 255 letters, digits, underscores and hyphens, not starting with "aws", "ecs" or "fargate".
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_RESERVED_PREFIXES = ("aws", "ecs", "fargate")
_ASG_ARN = re.compile(r"^arn:[^:]+:autoscaling:[^:]*:[^:]*:autoScalingGroup:[^:]*:autoScalingGroupName/.+$")
_PROVIDER = "autoScalingGroupProvider"
_ARN = "autoScalingGroupArn"

MANAGED_SCALING = {
    "status": "status",
    "target_capacity": "targetCapacity",
    "minimum_scaling_step_size": "minimumScalingStepSize",
    "maximum_scaling_step_size": "maximumScalingStepSize",
    "instance_warmup_period": "instanceWarmupPeriod",
}
# CreateCapacityProvider's and UpdateCapacityProvider's field paths, named as options (validation errors name the option).
OPTION_NAMES = {
    _PROVIDER + "." + _ARN: "auto_scaling_group_arn",
    _PROVIDER + ".managedScaling": "managed_scaling",
    _PROVIDER + ".managedTerminationProtection": "managed_termination_protection",
    _PROVIDER + ".managedDraining": "managed_draining",
}


def _present(mapping):
    return {key: value for key, value in mapping.items() if value is not None}


def option_errors(params):
    """Mistakes in the options that need no call to find, each naming its option."""
    errors = []
    name = params["name"]
    if name in BUILTIN_PROVIDERS:
        errors.append(
            f"name: {name} is a capacity provider AWS gives every account; it cannot be created, changed or deleted. "
            "Attach it to a cluster with hybridops.ecs_anywhere.ecs_cluster (capacity_providers)."
        )
    elif params["state"] == "present":
        if not _NAME.match(name):
            errors.append(f"name: up to 255 letters, digits, underscores and hyphens, got {name!r}")
        if name.startswith(_RESERVED_PREFIXES):
            errors.append(f"name: cannot start with {', '.join(repr(prefix) for prefix in _RESERVED_PREFIXES)}, got {name!r}")
    arn = params.get("auto_scaling_group_arn")
    if arn is not None and not _ASG_ARN.match(arn):
        errors.append(
            "auto_scaling_group_arn: expected an Auto Scaling group ARN "
            f"(arn:aws:autoscaling:REGION:ACCOUNT:autoScalingGroup:ID:autoScalingGroupName/NAME), got {arn!r}; "
            "give a group's name as auto_scaling_group_name"
        )
    return errors


def create_request(params, group_arn=None):
    """CreateCapacityProvider's request (AWS's names) holding exactly what the options set.

    ``group_arn`` is the Auto Scaling group's ARN (resolved from its name when the user gave a name).
    """
    scaling = params.get("managed_scaling")
    provider = _present(
        {
            _ARN: group_arn,
            "managedScaling": _present({aws: scaling.get(option) for option, aws in MANAGED_SCALING.items()}) if scaling else None,
            "managedTerminationProtection": params.get("managed_termination_protection"),
            "managedDraining": params.get("managed_draining"),
        }
    )
    if not provider.get("managedScaling"):
        provider.pop("managedScaling", None)
    request = {"name": params["name"], _PROVIDER: provider}
    if params.get("tags") is not None:
        request["tags"] = ansible_dict_to_boto3_tag_list(params["tags"], "key", "value")
    return request


def provider_view(provider):
    """A capacity provider as DescribeCapacityProviders returns it, normalised: tags as a mapping, no empty members."""
    return {
        "name": provider["name"],
        _PROVIDER: strip_empty(copy.deepcopy(provider.get(_PROVIDER) or {})),
        "tags": boto3_tag_list_to_ansible_dict(provider.get("tags") or [], "key", "value"),
    }


def request_view(request):
    """The desired state: the request normalised like provider_view, holding what the user set."""
    view = {"name": request["name"], _PROVIDER: strip_empty(copy.deepcopy(request.get(_PROVIDER) or {}))}
    if "tags" in request:
        view["tags"] = boto3_tag_list_to_ansible_dict(request["tags"], "key", "value")
    return view


def _project(current, desired):
    """``current`` cut down to the keys ``desired`` has, at every depth of mappings."""
    if not isinstance(desired, dict) or not isinstance(current, dict):
        return copy.deepcopy(current)
    return {key: _project(current[key], value) for key, value in desired.items() if key in current}


def _overlay(current, desired):
    """``current`` with ``desired`` laid over it, at every depth of mappings."""
    merged = copy.deepcopy(current)
    for key, value in desired.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def settings_errors(settings, group=None, group_option="auto_scaling_group_arn"):
    """What AWS would refuse in the Auto Scaling group provider ``settings`` a write leaves, each naming its option.

    ``settings`` holds what is known after the write (for a new provider: what the user set);
    ``group`` is the Auto Scaling group as DescribeAutoScalingGroups gives it, when it was read.
    """
    errors = []
    scaling = settings.get("managedScaling") or {}
    low, high = scaling.get("minimumScalingStepSize"), scaling.get("maximumScalingStepSize")
    if low is not None and high is not None and low > high:
        errors.append(f"managed_scaling.minimum_scaling_step_size: must not exceed maximum_scaling_step_size ({low} > {high})")
    if settings.get("managedTerminationProtection") == "ENABLED":
        status = scaling.get("status")
        if status is not None and status != "ENABLED":
            errors.append(f"managed_termination_protection: ENABLED needs managed_scaling.status ENABLED, which is {status}")
        if group is not None and not group.get("NewInstancesProtectedFromScaleIn"):
            errors.append(
                f"managed_termination_protection: ENABLED needs Auto Scaling group {group.get('AutoScalingGroupName')} ({group_option}) "
                "to protect new instances from scale-in (NewInstancesProtectedFromScaleIn)"
            )
    return errors


def settings_after(request, provider):
    """The Auto Scaling group provider as it will be after the write (for the checks before it)."""
    wanted = request_view(request)[_PROVIDER]
    if provider is None:
        return copy.deepcopy(wanted)
    return _overlay(provider_view(provider)[_PROVIDER], {key: value for key, value in wanted.items() if key != _ARN})


def plan_present(request, provider, purge_tags=True, group_option="auto_scaling_group_arn"):
    """Create the capacity provider, or change in place what differs of what the user set: a Plan whose calls are
    create_capacity_provider, update_capacity_provider and update_tags.

    ``group_option`` is the option that gave the Auto Scaling group, for error messages.
    """
    name = request["name"]
    desired = request_view(request)
    wanted = desired[_PROVIDER]
    if provider is None:
        if _ARN not in wanted:
            raise Refused(f"auto_scaling_group_arn or auto_scaling_group_name is required to create capacity provider {name}")
        return Plan({}, desired, [("create_capacity_provider", request)])
    current = provider_view(provider)
    have = current[_PROVIDER]
    if _ARN in wanted and wanted[_ARN] != have.get(_ARN):
        raise Refused(
            f"{group_option}: capacity provider {name} uses Auto Scaling group {have.get(_ARN)}, not {wanted[_ARN]}; "
            "UpdateCapacityProvider cannot change the group, so delete the capacity provider (state=absent) and create it again"
        )
    wanted_settings = {key: value for key, value in wanted.items() if key != _ARN}
    have_settings = {key: value for key, value in have.items() if key != _ARN}
    before = {"name": name, _PROVIDER: _project(have, wanted)}
    after = {"name": name, _PROVIDER: _overlay(before[_PROVIDER], wanted)}
    calls = []
    if differences(wanted_settings, have_settings, subset=True):
        calls.append(("update_capacity_provider", {"name": name, _PROVIDER: _overlay(have_settings, wanted_settings)}))
    if "tags" in desired:
        before["tags"] = copy.deepcopy(current["tags"])
        add_tag_changes(after, calls, current["tags"], desired["tags"], purge_tags)
    return Plan(before, after, calls)


def plan_absent(provider):
    if provider is None:
        return Plan()
    return Plan(provider_view(provider), {}, [("delete_capacity_provider", None)])
