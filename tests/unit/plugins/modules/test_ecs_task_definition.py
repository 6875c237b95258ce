"""ecs_task_definition's pure parts: option checks and the plan (register or not, tags, keep_last, diff)."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import check_options
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import differences_of_definition
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import option_tags
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task_definition_plan import plan_present

SHAPE = botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:{}"
REQUEST = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128}]}
CURRENT = {
    "taskDefinitionArn": ARN.format(3),
    "family": "web",
    "revision": 3,
    "status": "ACTIVE",
    "networkMode": "bridge",
    "compatibilities": ["EXTERNAL", "EC2"],
    "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128, "cpu": 0, "essential": True, "environment": []}],
    "volumes": [],
}
OTHER_IMAGE = dict(REQUEST, containerDefinitions=[{"name": "web", "image": "nginx:1.28", "memory": 128}])


def params(**given):
    return dict({"state": "present", "definition": REQUEST, "revision": None, "arn": None, "keep_last": None, "purge_tags": True}, **given)


@pytest.mark.parametrize(
    "given, message",
    [
        (params(definition=None), "definition: is required with state=present"),
        (params(revision=2), "revision: only used with state=absent"),
        (params(arn=ARN.format(2)), "arn: only used with state=absent"),
        (params(keep_last=0), "keep_last: must be at least 1, got 0"),
        (params(state="absent", keep_last=2), "keep_last: only used with state=present"),
    ],
)
def test_check_options_refuses(given, message):
    with pytest.raises(Refused, match=message):
        check_options(given)


@pytest.mark.parametrize("given", [params(), params(keep_last=1), params(state="absent", definition=None, revision=3)])
def test_check_options_accepts(given):
    check_options(given)


@pytest.mark.parametrize(
    "given, expected",
    [(None, None), ({}, {}), ({"team": "web", "release": 3, "ratio": 0.5}, {"team": "web", "release": "3", "ratio": "0.5"})],
)
def test_option_tags(given, expected):
    assert option_tags(given) == expected


@pytest.mark.parametrize("given", [{"on": True}, {"nested": {"a": "b"}}, {"none": None}])
def test_option_tags_refuses(given):
    with pytest.raises(Refused, match=f"tags.{next(iter(given))}: expected a string"):
        option_tags(given)


@pytest.mark.parametrize(
    "request_, desired_tags, given, current, current_tags, active, expected",
    [
        # nothing yet: register, with the tags asked for
        (REQUEST, {"team": "web"}, params(), None, {}, [], dict(register=True, tags={"team": "web"}, changed=True)),
        # the same: nothing to do, tags left alone when not asked for
        (REQUEST, None, params(), CURRENT, {"team": "web"}, [], dict(register=False, tags={"team": "web"}, changed=False)),
        # the same, tags differ: no new revision, tags set and purged
        (REQUEST, {"owner": "x"}, params(), CURRENT, {"team": "web"}, [],
         dict(register=False, tags={"owner": "x"}, tags_to_set={"owner": "x"}, tags_to_unset=["team"], changed=True)),
        # without purge the old tag stays
        (REQUEST, {"owner": "x"}, params(purge_tags=False), CURRENT, {"team": "web"}, [],
         dict(register=False, tags={"owner": "x", "team": "web"}, tags_to_unset=[], changed=True)),
        # changed: a new revision, which carries the family's tags over
        (OTHER_IMAGE, None, params(), CURRENT, {"team": "web"}, [],
         dict(register=True, differences=["containerDefinitions[0].image"], tags={"team": "web"}, changed=True)),
        # keep_last counts the revision about to be registered
        (OTHER_IMAGE, None, params(keep_last=2), CURRENT, {}, [ARN.format(n) for n in (3, 1, 2)],
         dict(register=True, deregister=[ARN.format(2), ARN.format(1)], changed=True)),
        # keep_last alone changes something
        (REQUEST, None, params(keep_last=2), CURRENT, {}, [ARN.format(n) for n in (3, 1, 2)],
         dict(register=False, deregister=[ARN.format(1)], changed=True)),
        (REQUEST, None, params(keep_last=3), CURRENT, {}, [ARN.format(n) for n in (3, 1, 2)], dict(register=False, deregister=[], changed=False)),
    ],
)
def test_plan_present(request_, desired_tags, given, current, current_tags, active, expected):
    plan = plan_present(SHAPE, request_, desired_tags, given, current, current_tags, active)
    to_set, to_unset = plan.call("update_tags") or ({}, [])
    summary = dict(
        register=plan.planned("register"),
        differences=differences_of_definition(plan),
        tags=plan.after["tags"],
        tags_to_set=to_set,
        tags_to_unset=to_unset,
        deregister=plan.call("deregister") or [],
        changed=plan.changed,
    )
    assert {key: summary[key] for key in expected} == expected


def test_plan_diff_shows_normalised_sides_and_revisions():
    plan = plan_present(SHAPE, OTHER_IMAGE, {"team": "web"}, params(keep_last=1), CURRENT, {}, [ARN.format(3)])
    before, after = plan.diff["before"], plan.diff["after"]
    assert before["definition"]["containerDefinitions"] == [{"name": "web", "image": "nginx:1.27", "memory": 128, "cpu": 0, "essential": True}]
    assert after["definition"]["containerDefinitions"][0]["image"] == "nginx:1.28"
    assert (before["tags"], after["tags"]) == ({}, {"team": "web"})
    assert (before["active_revisions"], after["active_revisions"]) == ([3], ["(new)"])
