"""The runner: check mode, diff mode, waits and the concurrent creator, from tables of scripted resources; the Plan; poll."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Progress
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import TimedOut
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.plan import Plan
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.polling import poll
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Clients
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import Resource
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.runner import converge

NOT_IDEMPOTENT = AnsibleAWSError(
    message="Failed to create service web",
    exception=ClientError({"Error": {"Code": "InvalidParameterException", "Message": "Creation of service was not idempotent."}}, "CreateService"),
)
OTHER_ERROR = AnsibleAWSError(message="Failed to create service web")


class FakeModule:
    def __init__(self, **params):
        self.params = dict({"wait": False, "wait_timeout": 30}, **params)
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


class Scripted(Resource):
    """A resource whose reads answer from a script (one answer per read) and whose applies follow a script too."""

    def __init__(self, module, reads, applies=()):
        super().__init__(module)
        self.reads = list(reads)
        self.applies = list(applies)
        self.log = []

    def desired(self):
        return {"count": self.params["count"]}

    def current(self, desired):
        self.log.append("read")
        return self.reads.pop(0)

    def plan(self, desired, current):
        if current is None:
            return Plan({}, desired, [("create", desired)])
        calls = [("update", desired)] if current != desired else []
        return Plan(current, desired if calls else current, calls)

    def apply(self, plan, current):
        self.log.append(plan.calls[0][0])
        outcome = self.applies.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def wait(self, plan, resource, timeout):
        self.log.append(f"wait {timeout}")
        return dict(resource, settled=True)

    def result(self, plan, resource):
        return {"thing": resource or {}}


@pytest.mark.parametrize(
    "reads, applies, check_mode, wait, log, changed, thing",
    [
        # No change: one read, nothing applied, in check mode or not.
        ([{"count": 2}], [], False, False, ["read"], False, {"count": 2}),
        ([{"count": 2}], [], True, False, ["read"], False, {"count": 2}),
        # Check mode predicts and applies nothing, and never waits.
        ([None], [], True, True, ["read"], True, {}),
        ([{"count": 1}], [], True, True, ["read"], True, {"count": 1}),
        # A create, an update; the wait follows the apply.
        ([None], [{"count": 2}], False, False, ["read", "create"], True, {"count": 2}),
        ([{"count": 1}], [{"count": 2}], False, True, ["read", "update", "wait 30"], True, {"count": 2, "settled": True}),
        # Another process created it meanwhile: read again, plan again once, take the update path.
        ([None, {"count": 1}], [NOT_IDEMPOTENT, {"count": 2}], False, False, ["read", "create", "read", "update"], True, {"count": 2}),
        # ... or it is already as wanted: nothing more to do, and this run changed nothing.
        ([None, {"count": 2}], [NOT_IDEMPOTENT], False, False, ["read", "create", "read"], False, {"count": 2}),
    ],
)
def test_converge(reads, applies, check_mode, wait, log, changed, thing):
    resource = Scripted(FakeModule(count=2, wait=wait), reads, applies)
    result = converge(resource, check_mode=check_mode, diff_mode=False)
    assert resource.log == log
    assert result["changed"] is changed
    assert result["thing"] == thing
    assert "diff" not in result


@pytest.mark.parametrize(
    "reads, applies, raised",
    [
        # The create failed and the resource is still missing: the error stands.
        ([None, None], [NOT_IDEMPOTENT], NOT_IDEMPOTENT),
        # An update that fails is never retried.
        ([{"count": 1}], [OTHER_ERROR], OTHER_ERROR),
    ],
)
def test_failures_stand(reads, applies, raised):
    resource = Scripted(FakeModule(count=2), reads, applies)
    with pytest.raises(AnsibleAWSError) as caught:
        converge(resource)
    assert caught.value is raised
    assert resource.log.count("read") == len(reads)


@pytest.mark.parametrize("current, diff", [(None, {"before": {}, "after": {"count": 2}}), ({"count": 2}, {"before": {"count": 2}, "after": {"count": 2}})])
def test_diff_only_in_diff_mode(current, diff):
    assert converge(Scripted(FakeModule(count=2), [current]), check_mode=True, diff_mode=True)["diff"] == diff


def test_refusals_fail_before_any_call():
    class Refusing(Scripted):
        def plan(self, desired, current):
            return Plan(current, desired, [("update", desired)], refusals=["count: cannot be changed"])

    resource = Refusing(FakeModule(count=2), [{"count": 1}], [{"count": 2}])
    with pytest.raises(Refused, match="count: cannot be changed"):
        converge(resource)
    assert resource.log == ["read"]


@pytest.mark.parametrize(
    "diff_mode, reported",
    [
        (False, {"thing": {"count": 1}}),
        (True, {"thing": {"count": 1}, "diff": {"before": {"count": 1}, "after": {"count": 2}}}),
    ],
)
def test_the_result_before_the_calls_is_reported(diff_mode, reported):
    progress = Progress()
    converge(Scripted(FakeModule(count=2), [{"count": 1}], [{"count": 2}]), diff_mode=diff_mode, progress=progress)
    assert progress.result == reported


@pytest.mark.parametrize(
    "before, after, calls, changes",
    [
        ({}, {}, [], []),
        ({"a": 1}, {"a": 1}, [], []),
        ({}, {"name": "x"}, [("create", None)], ["name"]),
        ({"name": "x", "tags": {"a": "1"}}, {"name": "x", "tags": {"a": "2"}}, [("update_tags", None)], ["tags.a"]),
        ({"name": "x"}, {}, [("delete", None)], ["name"]),
        (None, None, [], []),
    ],
)
def test_plan_changes_come_from_the_diff(before, after, calls, changes):
    plan = Plan(before, after, calls)
    assert plan.changes == changes
    assert plan.changed is bool(changes)
    assert plan.diff == {"before": before or {}, "after": after or {}}


def test_a_call_without_a_change_is_a_bug():
    with pytest.raises(ValueError, match="update"):
        Plan({"a": 1}, {"a": 1}, [("update", {})])


def test_clients_are_made_on_first_use_and_once():
    made = []

    class Module:
        def client(self, service, retry_decorator=None):
            made.append(service)
            return object()

    clients = Clients(Module(), {"ecs": ("ecs", None), "iam": ("iam", None)})
    assert made == []
    assert clients.ecs is clients.ecs
    assert made == ["ecs"]
    with pytest.raises(AttributeError):
        clients.ssm  # pylint: disable=pointless-statement


class Clock:
    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds):
        self.now += seconds

    def __call__(self):
        return self.now


@pytest.mark.parametrize(
    "answers, timeout, outcome",
    [
        ([[]], 10, []),
        ([["a"], ["a"], []], 60, []),
        ([["host1: not registered"]] * 100, 10, "timed out after 10 s waiting for hosts: last seen host1: not registered"),
    ],
)
def test_poll(answers, timeout, outcome):
    clock, answers = Clock(), list(answers)
    if isinstance(outcome, str):
        with pytest.raises(TimedOut) as caught:
            poll(lambda: answers.pop(0), timeout, "hosts", sleep=clock.sleep, clock=clock)
        assert str(caught.value) == outcome
        assert caught.value.details == {"waiting_for": ["host1: not registered"]}
        assert clock.now >= timeout
    else:
        assert poll(lambda: answers.pop(0), timeout, "hosts", sleep=clock.sleep, clock=clock) == outcome
        assert clock.now < timeout
