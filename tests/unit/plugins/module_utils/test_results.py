"""Every module returns tags in one shape, a dict, whether the AWS object spells them key/value (ECS) or Key/Value (SSM)."""

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import all_tags_as_dict
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.results import tags_as_dict


@pytest.mark.parametrize(
    "aws_object, expected",
    [
        ({"clusterName": "edge", "tags": [{"key": "team", "value": "edge"}]}, {"clusterName": "edge", "tags": {"team": "edge"}}),
        ({"ActivationId": "a", "Tags": [{"Key": "team", "Value": "edge"}]}, {"ActivationId": "a", "Tags": {"team": "edge"}}),
        ({"clusterName": "edge", "tags": []}, {"clusterName": "edge", "tags": {}}),
        ({"clusterName": "edge"}, {"clusterName": "edge"}),  # no tags asked for: none made up
        ({"tags": {"team": "edge"}}, {"tags": {"team": "edge"}}),  # already a dict
        ({}, {}),
        (None, None),
    ],
)
def test_tags_as_dict(aws_object, expected):
    assert tags_as_dict(aws_object) == expected


def test_the_object_given_is_left_alone():
    cluster = {"tags": [{"key": "team", "value": "edge"}]}
    tags_as_dict(cluster)
    assert cluster == {"tags": [{"key": "team", "value": "edge"}]}


def test_all_tags_as_dict():
    assert all_tags_as_dict([{"tags": [{"key": "a", "value": "1"}]}, {"Tags": []}]) == [{"tags": {"a": "1"}}, {"Tags": {}}]
