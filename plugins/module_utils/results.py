# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What modules return: AWS objects whole, with AWS's keys, and their tags in one shape, a dict, in every module."""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# ECS spells tags key/value, SSM Key/Value; boto3_tag_list_to_ansible_dict reads either.
_TAG_FIELDS = ("tags", "Tags")


def tags_as_dict(aws_object):
    """A copy of an AWS object (a cluster, a service, an activation ...) whose ``tags``/``Tags`` list is a dict."""
    if not isinstance(aws_object, dict):
        return aws_object
    converted = dict(aws_object)
    for field in _TAG_FIELDS:
        if isinstance(converted.get(field), list):
            converted[field] = boto3_tag_list_to_ansible_dict(converted[field])
    return converted


def all_tags_as_dict(aws_objects):
    return [tags_as_dict(aws_object) for aws_object in aws_objects]
