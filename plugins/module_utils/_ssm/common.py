# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling and client glue shared by every SSM module (the sibling of _ecs/common.py)."""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ..errors import FormattedErrorHandler

# AWSRetry knows Throttling but not ThrottlingException, the code SSM throttles with;
# SSM also answers a busy control plane with the other two.
RETRY = AWSRetry.jittered_backoff(retries=10, catch_extra_error_codes=["ThrottlingException", "InternalServerError", "TooManyUpdates"])


# IAM is eventually consistent: a role made a moment ago is refused by CreateActivation with this
# ValidationException (the same words as for a role that does not exist or does not trust SSM), so it
# is retried for about half a minute, as AWS advises and Terraform's aws_ssm_activation does.
NEW_ROLE_MESSAGE = "Nonexistent role or missing ssm service principal in trust policy"
NEW_ROLE_CODE = "ValidationException: role not yet visible to SSM"


class NewRoleRetry(AWSRetry):
    """AWSRetry that also tells a role SSM does not see yet apart from other ValidationExceptions."""

    @staticmethod
    def status_code_from_exception(error):
        code = AWSRetry.status_code_from_exception(error)
        if code == "ValidationException" and NEW_ROLE_MESSAGE in error.response["Error"].get("Message", ""):
            return NEW_ROLE_CODE
        return code


NEW_ROLE_RETRY = NewRoleRetry.jittered_backoff(
    retries=10, delay=2, max_delay=10, catch_extra_error_codes=["ThrottlingException", "InternalServerError", "TooManyUpdates", NEW_ROLE_CODE]
)


class AnsibleSSMError(AnsibleAWSError):
    pass


class SSMErrorHandler(FormattedErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSSMError
    MISSING_CODES = ("InvalidActivation", "InvalidInstanceId")  # InvalidActivation: deleted, or never was


# The clients SSM modules make (runner.Clients); calls made with aws_retry=True retry throttling with jittered backoff.
CLIENTS = {"ssm": ("ssm", RETRY), "ssm_new_role": ("ssm", NEW_ROLE_RETRY)}
