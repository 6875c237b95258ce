# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retries for errors AWS gives while something it just made is not visible yet (eventual consistency).

Such errors share their code with real mistakes (ValidationException, InvalidParameterException) and differ
only by message, so amazon.aws's ``AWSRetry`` is taught to tell them apart by message; the backoff is its own.
"""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def retry_on_message(code, message, catch_extra_error_codes=(), **backoff):
    """An AWSRetry.jittered_backoff decorator that also retries error ``code`` when its message holds ``message``."""
    transient = f"{code}: {message}"

    class MessageRetry(AWSRetry):
        @staticmethod
        def status_code_from_exception(error):
            found = AWSRetry.status_code_from_exception(error)
            if found == code and message in error.response["Error"].get("Message", ""):
                return transient
            return found

    return MessageRetry.jittered_backoff(catch_extra_error_codes=list(catch_extra_error_codes) + [transient], **backoff)
