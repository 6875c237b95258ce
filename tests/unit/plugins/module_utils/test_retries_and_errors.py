"""Throttling is retried with jittered backoff; other errors name the action that failed, and never the activation code."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs import cluster as ecs_cluster
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import CLIENTS as ECS_CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import RETRY as ECS_RETRY
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm import activation as ssm_activation
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import CLIENTS as SSM_CLIENTS
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import RETRY as SSM_RETRY
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import AnsibleSSMError

CODE = "SecretActivationCode1"
# The clients the modules make for the calls that follow a new role (CLIENTS tables).
ECS_NEW_ROLE_RETRY = ECS_CLIENTS["ecs_new_role"][1]
SSM_NEW_ROLE_RETRY = SSM_CLIENTS["ssm_new_role"][1]


def error(code, operation):
    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"}}, operation)


class FakeClient:
    """Answers each method from a script: exceptions are raised, anything else returned."""

    def __init__(self, **scripts):
        self.scripts = {name: list(answers) for name, answers in scripts.items()}
        self.calls = []

    def __getattr__(self, name):
        def method(**kwargs):
            self.calls.append((name, kwargs))
            answer = self.scripts[name].pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return method


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.mark.parametrize("code", ["ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyUpdates"])
def test_ssm_calls_retry_throttling(code, no_sleep):
    raw = FakeClient(create_activation=[error(code, "CreateActivation"), {"ActivationId": "id-1", "ActivationCode": CODE}])
    client = RetryingBotoClientWrapper(raw, SSM_RETRY)
    assert ssm_activation.create_activation(client, "edge", {"IamRole": "r"}) == ("id-1", CODE)
    assert [call[0] for call in raw.calls] == ["create_activation", "create_activation"]
    assert len(no_sleep) == 1


@pytest.mark.parametrize("code", ["ThrottlingException", "ServerException"])
def test_ecs_calls_retry_throttling(code, no_sleep):
    raw = FakeClient(update_cluster_settings=[error(code, "UpdateClusterSettings"), {"cluster": {"clusterName": "edge"}}])
    client = RetryingBotoClientWrapper(raw, ECS_RETRY)
    assert ecs_cluster.update_cluster_settings(client, "edge", []) == {"clusterName": "edge"}
    assert len(raw.calls) == 2 and len(no_sleep) == 1


def test_errors_name_the_action_and_not_the_code():
    raw = FakeClient(create_activation=[error("ValidationException", "CreateActivation")])
    with pytest.raises(AnsibleSSMError) as caught:
        ssm_activation.create_activation(RetryingBotoClientWrapper(raw, SSM_RETRY), "edge", {"IamRole": "r"})
    assert caught.value.message == "Failed to create activation edge"
    assert len(raw.calls) == 1  # not a throttling error: no retry


def test_ecs_errors_name_the_action():
    raw = FakeClient(delete_cluster=[error("ClusterContainsServicesException", "DeleteCluster")])
    with pytest.raises(AnsibleECSError) as caught:
        ecs_cluster.delete_cluster(RetryingBotoClientWrapper(raw, ECS_RETRY), "edge")
    assert caught.value.message == "Failed to delete cluster edge"


def test_deleting_a_missing_activation_is_no_error():
    raw = FakeClient(delete_activation=[error("InvalidActivation", "DeleteActivation")])
    assert ssm_activation.delete_activation(RetryingBotoClientWrapper(raw, SSM_RETRY), "id-1") is False


def test_cluster_creation_waits_for_a_new_service_linked_role(no_sleep):
    message = "Unable to assume the service linked role. Please verify that the ECS service linked role exists."
    not_ready = ClientError({"Error": {"Code": "InvalidParameterException", "Message": message}}, "CreateCluster")
    raw = FakeClient(create_cluster=[not_ready, not_ready, {"cluster": {"clusterName": "edge"}}])
    client = RetryingBotoClientWrapper(raw, ECS_NEW_ROLE_RETRY)
    assert ecs_cluster.create_cluster(client, "edge", {"clusterName": "edge"}) == {"clusterName": "edge"}
    assert len(raw.calls) == 3
    # Without a role made moments ago, the error is the user's to see.
    raw = FakeClient(create_cluster=[not_ready])
    with pytest.raises(AnsibleECSError, match="create cluster edge"):
        ecs_cluster.create_cluster(RetryingBotoClientWrapper(raw, ECS_RETRY), "edge", {"clusterName": "edge"})


NEW_ROLE = "Nonexistent role or missing ssm service principal in trust policy: arn:aws:iam::123456789012:role/r"


def validation(message):
    return ClientError({"Error": {"Code": "ValidationException", "Message": message}}, "CreateActivation")


def test_activation_waits_for_a_new_role_to_reach_ssm(no_sleep):
    raw = FakeClient(create_activation=[validation(NEW_ROLE), validation(NEW_ROLE), {"ActivationId": "id-1", "ActivationCode": CODE}])
    client = RetryingBotoClientWrapper(raw, SSM_NEW_ROLE_RETRY)
    assert ssm_activation.create_activation(client, "edge", {"IamRole": "r"}) == ("id-1", CODE)
    assert len(raw.calls) == 3 and len(no_sleep) == 2


def test_activation_gives_up_on_a_role_that_never_becomes_usable(no_sleep):
    raw = FakeClient(create_activation=[validation(NEW_ROLE)] * 10)
    client = RetryingBotoClientWrapper(raw, SSM_NEW_ROLE_RETRY)
    with pytest.raises(AnsibleSSMError, match="Nonexistent role"):
        ssm_activation.create_activation(client, "edge", {"IamRole": "r"})
    assert len(raw.calls) == 10 and sum(no_sleep) <= 60


def test_activation_does_not_retry_other_validation_errors(no_sleep):
    raw = FakeClient(create_activation=[validation("ExpirationDate must be in the future.")])
    client = RetryingBotoClientWrapper(raw, SSM_NEW_ROLE_RETRY)
    with pytest.raises(AnsibleSSMError, match="ExpirationDate"):
        ssm_activation.create_activation(client, "edge", {"IamRole": "r"})
    assert len(raw.calls) == 1 and no_sleep == []
