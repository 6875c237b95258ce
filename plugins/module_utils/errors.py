# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a module fails: one exception for what it will not do, the one handler every main() uses, and error handlers for AWS calls.

A module's body raises ``Refused`` for input it cannot act on or a state that forbids what was asked,
``TimedOut`` for a wait that ran out; the message names the option (or the
resource) and says why, and ``details`` go into the failure result. AWS errors arrive as amazon.aws's
``AnsibleAWSError`` from the error handlers of the calls. ``failures_reported`` turns both into the
module's failure, and a failure after a write never hides it: the failure says ``changed: true`` and
carries the result the module reported before its writes::

    with failures_reported(module) as progress:
        client = module.client("ecs")        # clients made inside the block count their writes
        result = plan(...)
        progress.report(result)              # what a failure after a write returns with it
        apply(client, ...)
    module.exit_json(**result)
"""

import functools
import inspect
from contextlib import contextmanager

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this (AnsibleAWSModule checks botocore).

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .results import snake_case_result


class Failure(Exception):
    """What fails a module besides an AWS error: the message, and ``details`` that go into the failure result."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


class Refused(Failure):
    """The module will not do what was asked (input it cannot act on, a state that forbids it); the message names the option."""


class TimedOut(Failure):
    """A wait ran out: one message for every wait, "timed out after N s waiting for X: last seen Y"."""

    def __init__(self, seconds, what, last_seen, **details):
        super().__init__(f"timed out after {seconds} s waiting for {what}: last seen {last_seen}", **details)


def describe_call(description, func, args, kwargs):
    """``description`` with its ``{placeholders}`` filled from the call's arguments (``{request[name]}`` works too)."""
    try:
        bound = inspect.signature(inspect.unwrap(func)).bind(*args, **kwargs)
        bound.apply_defaults()
        return description.format(**bound.arguments)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return description


class FormattedErrorHandler(AWSErrorHandler):
    """amazon.aws's error handlers, with the description's placeholders filled in by us.

    amazon.aws fills in ``{name}`` placeholders only from 11.3.0 and galaxy.yml accepts 9.0.0, so the
    handler that every other one builds on (``list_error_handler`` and ``deletion_error_handler`` call
    ``cls.common_error_handler``) is ours; the messages stay amazon.aws's ("Failed to ...", "Timeout trying to ...").
    A service's handler names its exception type (``_CUSTOM_EXCEPTION``) and the error codes that mean "not there"
    (``MISSING_CODES``, for the list and deletion handlers).
    """

    MISSING_CODES = ()

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(cls.MISSING_CODES))

    @classmethod
    def common_error_handler(cls, description):
        def wrapper(func):
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except botocore.exceptions.WaiterError as e:
                    raise cls._CUSTOM_EXCEPTION(message=f"Timeout trying to {describe_call(description, func, args, kwargs)}", exception=e) from e
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    raise cls._CUSTOM_EXCEPTION(message=f"Failed to {describe_call(description, func, args, kwargs)}", exception=e) from e

            return handler

        return wrapper

    # amazon.aws 9.0's list and deletion handlers hand common_error_handler an inner function without functools.wraps,
    # so the placeholders could not be filled from the call's arguments; ours keep the decorated function's signature.
    @classmethod
    def list_error_handler(cls, description, default_value=None):
        return cls._missing_handler(description, default_value)

    @classmethod
    def deletion_error_handler(cls, description):
        return cls._missing_handler(description, False)

    @classmethod
    def _missing_handler(cls, description, value_when_missing):
        def wrapper(func):
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except cls._is_missing():
                    return value_when_missing

            return cls.common_error_handler(description)(handler)

        return wrapper


# Operations that read; every other operation of a client writes. BatchGet reads too.
_READS = ("Describe", "List", "Get", "BatchGet")
# Operations that may answer without having written anything: their answer says whether they did.
_WROTE = {
    "RunTask": lambda answer: bool(answer.get("tasks")),
    "StartTask": lambda answer: bool(answer.get("tasks")),
    "UpdateContainerInstancesState": lambda answer: bool(answer.get("containerInstances")),
}


class _CountingClient:
    """A client that tells ``progress`` when a call wrote (returned without an error from an operation that writes)."""

    def __init__(self, client, progress):
        self._client = client
        self._progress = progress
        self._operations = client.meta.method_to_api_mapping

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        operation = self._operations.get(name)
        if operation is None or operation.startswith(_READS):
            return attribute

        @functools.wraps(attribute)
        def call(*args, **kwargs):
            answer = attribute(*args, **kwargs)
            if _WROTE.get(operation, lambda answer: True)(answer):
                self._progress.writes.append(operation)
            return answer

        return call


class Progress:
    """What a module has written so far, and the result it reported before writing."""

    def __init__(self):
        self.writes = []
        self.result = {}

    def report(self, result):
        """The result a failure after a write returns (a dict the module may go on filling in)."""
        self.result = result

    def counting(self, client):
        return _CountingClient(client, self)


def _counting_clients(module, progress):
    """Make every client the module creates from now on count its writes into ``progress``."""
    make = getattr(module, "client", None)
    if make is None:
        return None

    @functools.wraps(make)
    def client(*args, **kwargs):
        return progress.counting(make(*args, **kwargs))

    module.client = client
    return make


@contextmanager
def failures_reported(module):
    """Run a module's body: an AWS error fails the module as amazon.aws reports it, a refusal with its message and details.

    What a failure returns besides its message is in the casing of every result (``results.snake_case_result``).

    Clients made inside the block count their writes; a failure after a write says ``changed: true`` with the reported result.
    """
    progress = Progress()
    make = _counting_clients(module, progress)
    try:
        yield progress
    except AnsibleAWSError as e:
        partial = _partial(progress)
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **snake_case_result(dict(partial, **e.kwargs)))
        module.fail_json(msg=e.message or str(e), **snake_case_result(dict(partial, **e.kwargs)))
    except Failure as e:
        module.fail_json(msg=str(e), **snake_case_result(dict(_partial(progress), **e.details)))
    finally:
        if make is not None:
            module.client = make


def _partial(progress):
    """What a failure returns besides its message: after a write, ``changed: true`` and the reported result."""
    if not progress.writes:
        return {}
    partial = {key: value for key, value in progress.result.items() if key not in ("msg", "failed", "exception")}
    return dict(normalize_boto3_result(partial), changed=True)
