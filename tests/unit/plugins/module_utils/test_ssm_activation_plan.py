"""ssm_activation's pure part: expiry parsing and limits, usability, and the plan."""

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import NAME_TAG
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import describe
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import desired_request
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import parse_duration
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import parse_expiration
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import plan_absent
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import plan_present
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import role_name
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.activation_plan import unusable_reasons

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("30m", 1800),
        ("1h", 3600),
        ("2d", 172800),
        ("1d12h", 129600),
        ("1w", 604800),
        ("90s", 90),
        (" 1H 30M ", 5400),
        ("1h30", None),
        ("", None),
        ("h", None),
        ("2030-01-02T00:00:00Z", None),
        ("-1h", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1h", NOW + timedelta(hours=1)),
        ("30d", NOW + timedelta(days=30)),
        ("2030-01-02T00:00:00Z", datetime(2030, 1, 2, tzinfo=timezone.utc)),
        ("2030-01-02T00:00:00+02:00", datetime(2030, 1, 1, 22, tzinfo=timezone.utc)),
        # No zone: UTC, as AWS's own examples read.
        ("2030-01-02T00:00:00", datetime(2030, 1, 2, tzinfo=timezone.utc)),
        ("2030-01-02", datetime(2030, 1, 2, tzinfo=timezone.utc)),
        (datetime(2030, 1, 2, tzinfo=timezone.utc), datetime(2030, 1, 2, tzinfo=timezone.utc)),
    ],
)
def test_parse_expiration(value, expected):
    assert parse_expiration(value, NOW) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("31d", "at most 30 days ahead"),
        ("30d1s", "at most 30 days ahead"),
        ("2030-03-01T00:00:00Z", "at most 30 days ahead"),
        ("0m", "in the future"),
        ("2029-12-31T00:00:00Z", "in the future"),
        ("soon", "expected an ISO 8601 date-time or a duration"),
        ("2030-13-01", "expected an ISO 8601 date-time or a duration"),
    ],
)
def test_parse_expiration_refuses(value, message):
    with pytest.raises(ValueError, match=message) as caught:
        parse_expiration(value, NOW)
    assert str(caught.value).startswith("expiration: ")


@pytest.mark.parametrize(
    "given, expected",
    [
        ("ecsAnywhereRole", "ecsAnywhereRole"),
        ("service-role/ecsAnywhereRole", "service-role/ecsAnywhereRole"),
        ("arn:aws:iam::123456789012:role/ecsAnywhereRole", "ecsAnywhereRole"),
        ("arn:aws-cn:iam::123456789012:role/service-role/ecsAnywhereRole", "service-role/ecsAnywhereRole"),
        (None, None),
    ],
)
def test_role_name(given, expected):
    assert role_name(given) == expected


def activation(**changes):
    value = {
        "ActivationId": "11111111-2222-3333-4444-555555555555",
        "IamRole": "ecsAnywhereRole",
        "RegistrationLimit": 3,
        "RegistrationsCount": 0,
        "ExpirationDate": NOW + timedelta(hours=2),
        "Expired": False,
        "Tags": [{"Key": NAME_TAG, "Value": "edge"}],
    }
    value.update(changes)
    return value


@pytest.mark.parametrize(
    "given, role, reasons",
    [
        (activation(), "ecsAnywhereRole", []),
        (activation(), None, []),
        (activation(RegistrationsCount=2), "ecsAnywhereRole", []),
        (activation(RegistrationsCount=3), "ecsAnywhereRole", ["no registrations left"]),
        (activation(Expired=True), "ecsAnywhereRole", ["expired"]),
        # AWS's Expired flag lags; the date decides too.
        (activation(ExpirationDate=NOW - timedelta(seconds=1)), "ecsAnywhereRole", ["expired"]),
        (activation(ExpirationDate="2029-12-31T00:00:00+00:00"), None, ["expired"]),
        (activation(), "otherRole", ["uses IAM role ecsAnywhereRole"]),
        (activation(), "arn:aws:iam::123456789012:role/ecsAnywhereRole", []),
        (activation(Expired=True, RegistrationsCount=3), "otherRole", ["expired", "no registrations left", "uses IAM role ecsAnywhereRole"]),
    ],
)
def test_unusable_reasons(given, role, reasons):
    assert unusable_reasons(given, role, NOW) == reasons


def test_describe_adds_name_usable_and_registrations_left():
    described = describe(activation(RegistrationsCount=1), NOW)
    assert (described["Name"], described["Usable"], described["RegistrationsLeft"]) == ("edge", True, 2)
    assert describe(activation(Tags=[]), NOW)["Name"] is None
    assert describe(activation(), NOW, "otherRole")["Usable"] is False


PARAMS = {"name": "edge", "iam_role": "ecsAnywhereRole", "registration_limit": 3}


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, {"IamRole": "ecsAnywhereRole", "RegistrationLimit": 3, "Tags": [{"Key": NAME_TAG, "Value": "edge"}]}),
        (
            {"tags": {"team": "edge"}, "description": "d", "default_instance_name": "host", "registration_metadata": [{"key": "k", "value": "v"}]},
            {
                "IamRole": "ecsAnywhereRole",
                "RegistrationLimit": 3,
                "Description": "d",
                "DefaultInstanceName": "host",
                "Tags": [{"Key": "team", "Value": "edge"}, {"Key": NAME_TAG, "Value": "edge"}],
                "RegistrationMetadata": [{"Key": "k", "Value": "v"}],
            },
        ),
        ({"iam_role": "arn:aws:iam::123456789012:role/ecsAnywhereRole"}, {"IamRole": "ecsAnywhereRole"}),
        ({"tags": {NAME_TAG: "edge"}}, {"Tags": [{"Key": NAME_TAG, "Value": "edge"}]}),
    ],
)
def test_desired_request(changes, expected):
    request = desired_request(dict(PARAMS, **changes))
    for key, value in expected.items():
        assert request[key] == value
    if not changes:
        assert request == expected


def test_desired_request_refuses_a_name_tag_that_disagrees():
    with pytest.raises(ValueError, match=r"^tags: hybridops:activation-name"):
        desired_request(dict(PARAMS, tags={NAME_TAG: "other"}))


REQUEST = desired_request(PARAMS)
OLD = "00000000-0000-0000-0000-000000000000"


def ids(items):
    return [item.get("ActivationId") for item in items]


@pytest.mark.parametrize(
    "existing, replace, changed, created, deleted, kept",
    [
        ([], True, True, True, [], None),
        ([activation()], True, False, False, [], activation()["ActivationId"]),
        ([activation(RegistrationsCount=3)], True, True, True, [activation()["ActivationId"]], None),
        ([activation(Expired=True)], True, True, True, [activation()["ActivationId"]], None),
        ([activation(IamRole="otherRole")], True, True, True, [activation()["ActivationId"]], None),
        # Without replace_unusable the old one stays and a new one is made beside it.
        ([activation(Expired=True)], False, True, True, [], None),
        # A usable one is kept; the unusable ones of the name are left alone then.
        ([activation(ActivationId=OLD, Expired=True), activation()], True, False, False, [], activation()["ActivationId"]),
    ],
)
def test_plan_present(existing, replace, changed, created, deleted, kept):
    plan = plan_present(existing, REQUEST, None, replace, NOW)
    assert plan.changed is changed
    assert bool(plan.create) is created
    assert plan.delete == deleted
    assert (plan.keep or {}).get("ActivationId") == kept
    # One comparison: the diff differs exactly when something changes.
    assert (plan.diff["before"] != plan.diff["after"]) is changed
    assert ids(plan.diff["before"]["activations"]) == ids(existing)


def test_plan_present_prefers_the_activation_with_most_left():
    one_left = activation(ActivationId=OLD, RegistrationsCount=2)
    plan = plan_present([one_left, activation()], REQUEST, None, True, NOW)
    assert plan.keep["ActivationId"] == activation()["ActivationId"]


def test_plan_present_diff_of_a_new_activation():
    expiration = NOW + timedelta(hours=1)
    plan = plan_present([], REQUEST, expiration, True, NOW)
    assert plan.create["ExpirationDate"] == expiration
    assert plan.diff == {
        "before": {"activations": []},
        "after": {
            "activations": [
                {
                    "IamRole": "ecsAnywhereRole",
                    "RegistrationLimit": 3,
                    "RegistrationsCount": 0,
                    "ExpirationDate": expiration.isoformat(),
                    "Tags": {NAME_TAG: "edge"},
                }
            ]
        },
    }
    # Without an expiry the request leaves it to AWS; the diff shows AWS's 24 hours.
    default = plan_present([], REQUEST, None, True, NOW)
    assert "ExpirationDate" not in default.create
    assert default.diff["after"]["activations"][0]["ExpirationDate"] == (NOW + timedelta(hours=24)).isoformat()


@pytest.mark.parametrize(
    "changes, mismatched",
    [
        ({}, None),
        ({"RegistrationLimit": 5}, "RegistrationLimit"),
        # Only what the options set is compared.
        ({"Description": "old"}, None),
        ({"Tags": [{"Key": NAME_TAG, "Value": "edge"}, {"Key": "team", "Value": "core"}]}, None),
    ],
)
def test_plan_present_warns_about_what_it_cannot_change(changes, mismatched):
    plan = plan_present([activation(**changes)], REQUEST, None, True, NOW)
    assert not plan.changed
    if mismatched is None:
        assert plan.warnings == []
    else:
        assert len(plan.warnings) == 1 and mismatched in plan.warnings[0]


@pytest.mark.parametrize("option, field", [("tags", "Tags"), ("description", "Description"), ("default_instance_name", "DefaultInstanceName")])
def test_plan_present_warns_about_set_options(option, field):
    request = desired_request(dict(PARAMS, **{option: {"team": "edge"} if option == "tags" else "new"}))
    plan = plan_present([activation()], request, None, True, NOW)
    assert not plan.changed
    assert field in plan.warnings[0]


@pytest.mark.parametrize("existing", [[], [activation()], [activation(ActivationId=OLD), activation()]])
def test_plan_absent(existing):
    plan = plan_absent(existing)
    assert plan.changed is bool(existing)
    assert plan.delete == ids(existing)
    assert plan.diff["after"] == {"activations": []}
