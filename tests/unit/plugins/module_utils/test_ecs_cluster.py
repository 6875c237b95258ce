"""Pure helpers of module_utils._ecs: batching and telling external instances apart."""

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance_plan import is_external
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import chunks


@pytest.mark.parametrize(
    "items, size, expected",
    [
        ([], 100, []),
        (list(range(3)), 100, [[0, 1, 2]]),
        (list(range(5)), 2, [[0, 1], [2, 3], [4]]),
        (list(range(200)), 100, [list(range(100)), list(range(100, 200))]),
    ],
)
def test_chunks(items, size, expected):
    assert chunks(items, size) == expected


@pytest.mark.parametrize(
    "instance, expected",
    [
        ({"ec2InstanceId": "mi-0123456789abcdef0"}, True),
        ({"ec2InstanceId": "i-0123456789abcdef0"}, False),
        ({}, False),
    ],
)
def test_is_external(instance, expected):
    assert is_external(instance) is expected
