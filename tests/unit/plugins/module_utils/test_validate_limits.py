"""validate: the model's maximums (botocore checks minimums only), and errors named as options."""

import botocore.session
import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import option_path
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import validate

SSM = botocore.session.get_session().get_service_model("ssm")
CREATE_ACTIVATION = SSM.operation_model("CreateActivation").input_shape
ECS = botocore.session.get_session().get_service_model("ecs")
PUT_CAPACITY = ECS.operation_model("PutClusterCapacityProviders").input_shape


def activation(**changes):
    return dict({"IamRole": "ecsAnywhereRole", "RegistrationLimit": 1}, **changes)


@pytest.mark.parametrize(
    "request_, shape, expected",
    [
        (activation(RegistrationLimit=1000), CREATE_ACTIVATION, []),
        (activation(RegistrationLimit=1001), CREATE_ACTIVATION, ["RegistrationLimit: must be at most 1000, got 1001"]),
        (activation(RegistrationLimit=0), CREATE_ACTIVATION, ["RegistrationLimit: must be at least 1, got 0"]),
        (activation(Description="x" * 257), CREATE_ACTIVATION, ["Description: must have at most 256 character(s), got 257"]),
        (activation(IamRole="r" * 65), CREATE_ACTIVATION, ["IamRole: must have at most 64 character(s), got 65"]),
        (activation(Tags=[{"Key": "k" * 129, "Value": "v"}]), CREATE_ACTIVATION, ["Tags[0].Key: must have at most 128 character(s), got 129"]),
        (
            {"cluster": "edge", "capacityProviders": [], "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1001, "base": 100001}]},
            PUT_CAPACITY,
            [
                "defaultCapacityProviderStrategy[0].weight: must be at most 1000, got 1001",
                "defaultCapacityProviderStrategy[0].base: must be at most 100000, got 100001",
            ],
        ),
    ],
)
def test_limits(request_, shape, expected):
    if not expected:
        validate(request_, shape)
        return
    with pytest.raises(RequestValidationError) as caught:
        validate(request_, shape)
    assert sorted(caught.value.errors) == sorted(expected)


@pytest.mark.parametrize(
    "message, renames, expected",
    [
        ("RegistrationLimit: must be at most 1000, got 1001", None, "registration_limit: must be at most 1000, got 1001"),
        ("RegistrationMetadata[1].Value: is required", None, "registration_metadata[1].value: is required"),
        ("IamRole: must have at most 64 character(s), got 65", None, "iam_role: must have at most 64 character(s), got 65"),
        ("clusterName: is required", {"clusterName": "name"}, "name: is required"),
        # A rename applies to a whole segment, not to a longer name that starts alike.
        ("clusterNames: is required", {"clusterName": "name"}, "cluster_names: is required"),
    ],
)
def test_option_path(message, renames, expected):
    assert option_path(message, renames) == expected
