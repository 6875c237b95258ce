# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tags on ECS resources: ECS spells them ``key``/``value`` and updates them in place by ARN."""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .common import ECSErrorHandler


def tags_to_dict(tag_list):
    return boto3_tag_list_to_ansible_dict(tag_list or [], "key", "value")


def dict_to_tags(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, "key", "value")


@ECSErrorHandler.common_error_handler("update tags of {arn}")
def apply_tags(client, arn, to_set, to_unset):
    if to_unset:
        client.untag_resource(resourceArn=arn, tagKeys=list(to_unset), aws_retry=True)
    if to_set:
        client.tag_resource(resourceArn=arn, tags=dict_to_tags(to_set), aws_retry=True)
