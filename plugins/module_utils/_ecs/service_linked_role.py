# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ECS service-linked role: without it ECS fails with "Unable to assume the service linked role"."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_message
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_roles

from .common import ECSErrorHandler

ROLE_NAME = "AWSServiceRoleForECS"
ROLE_PATH = "/aws-service-role/ecs.amazonaws.com/"
SERVICE_NAME = "ecs.amazonaws.com"
# What IAM answers (error InvalidInput) when the role exists already.
ALREADY_TAKEN = "has been taken in this account"


def service_linked_role_exists(client):
    """True when the account has the ECS service-linked role (raises AnsibleIAMError when IAM will not say).

    Looked up by its path, which only ECS's service-linked role has; IAM role names are case-insensitive.
    """
    return any(role["RoleName"].lower() == ROLE_NAME.lower() for role in list_iam_roles(client, path=ROLE_PATH))


@ECSErrorHandler.common_error_handler("create the ECS service-linked role " + ROLE_NAME)
def create_service_linked_role(client):
    """Create the role; False when it turned out to exist already."""
    try:
        client.create_service_linked_role(AWSServiceName=SERVICE_NAME, aws_retry=True)
    except is_boto3_error_message(ALREADY_TAKEN):
        return False
    except is_boto3_error_code("EntityAlreadyExists"):
        return False
    return True
