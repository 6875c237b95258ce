# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_task_definition, the pure part: option checks, the request from the options, and one Plan.

The plan's two sides are ``{"definition", "tags"[, "active_revisions"]}`` normalised alike (``normalise``), so
one walk of ``compare.differences`` gives ``changed``, the diff and the paths that make a new revision.
Calls: ``register`` (the request with the tags the revision ends up with), ``update_tags`` (to_set, to_unset)
on the latest revision, ``deregister`` (ARNs, newest first).
"""

from ..errors import Refused
from ..plan import Plan
from ..tags import add_tag_changes
from ..validate import RequestValidationError
from ..validate import prepare_request
from .task_definition import REGISTER
from .task_definition import merge_tags
from .task_definition import normalise
from .task_definition import parse_reference
from .task_definition import request_from_definition
from .task_definition import revisions_to_deregister
from .task_definition import tag_list

DEFINITION = "definition."


def check_options(params):
    """Option combinations argument_spec cannot express."""
    if params["state"] == "present":
        if params["definition"] is None:
            raise Refused("definition: is required with state=present")
        for name in ("revision", "arn"):
            if params[name] is not None:
                raise Refused(f"{name}: only used with state=absent")
        if params["keep_last"] is not None and params["keep_last"] < 1:
            raise Refused(f"keep_last: must be at least 1, got {params['keep_last']}")
    elif params["keep_last"] is not None:
        raise Refused("keep_last: only used with state=present")


def option_tags(tags):
    """The tags option with numbers as strings, as AWS keeps them."""
    if tags is None:
        return None
    result = {}
    for key, value in tags.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Refused(f"tags.{key}: expected a string, got {value!r}")
        result[key] = value
    return result


def desired_present(client, params):
    """(request, tags dict or None, ignored fields) from the options, validated against the ECS model; no AWS call."""
    request, ignored = request_from_definition(params["definition"], params["family"])
    try:
        request = prepare_request(client, REGISTER, request, prefix="definition")
    except RequestValidationError as e:
        raise Refused(f"Invalid task definition: {e}", errors=e.errors) from None
    tags = merge_tags(request.pop("tags", None), option_tags(params["tags"]))
    return request, tags, ignored


def absent_reference(params):
    """What state=absent names: (ARN or ``family:revision``, None), or (None, family) for every ACTIVE revision."""
    if params["arn"]:
        return params["arn"], None
    definition_family = (params["definition"] or {}).get("family")
    family = params["family"] or definition_family
    if params["family"] and definition_family and params["family"] != definition_family:
        raise Refused(f"family: the option says {params['family']!r} but definition.family says {definition_family!r}")
    if not family:
        raise Refused("family: is required with state=absent, unless arn is given")
    if params["revision"] is None:
        return None, family
    return f"{family}:{params['revision']}", None


def _revisions(arns):
    return [parse_reference(arn)[1] for arn in arns]


def plan_present(shape, request, desired_tags, params, current, current_tags, active):
    """Register, retag and deregister as needed, from one comparison of the normalised definitions; no AWS call.

    ``current`` is the latest ACTIVE revision (or None), ``active`` every ACTIVE revision's ARN (read for keep_last only).
    """
    before = {"definition": normalise(current, shape), "tags": dict(current_tags)}
    after = {"definition": normalise(request, shape)}
    calls = []
    add_tag_changes(after, calls, current_tags, desired_tags, params["purge_tags"])
    register = current is None or before["definition"] != after["definition"]
    if register:
        # A new revision carries the tags it should end up with, so no tag call follows it.
        calls = [("register", dict(request, tags=tag_list(after["tags"])) if after["tags"] else request)]
    if params["keep_last"] is not None:
        deregister = revisions_to_deregister(active, params["keep_last"], new_revision_pending=register)
        before["active_revisions"] = _revisions(active)
        after["active_revisions"] = (["(new)"] if register else []) + _revisions([arn for arn in active if arn not in deregister])
        if deregister:
            calls.append(("deregister", deregister))
    return Plan(before, after, calls)


def differences_of_definition(plan):
    """The paths at which the definition differs from the latest ACTIVE revision (none when there was none)."""
    if not plan.before["definition"]:
        return []
    return [path[len(DEFINITION):] for path in plan.changes if path.startswith(DEFINITION)]


def plan_absent(active):
    """Deregister the ACTIVE revisions named (ARNs, newest first)."""
    return Plan({"active_revisions": _revisions(active)}, {"active_revisions": []}, [("deregister", list(active))] if active else [])
