"""Error handler messages are filled in by us, whatever amazon.aws release galaxy.yml lets a user have.

amazon.aws fills ``{name}`` placeholders of a description only from 11.3.0; galaxy.yml accepts 9.0.0.
``Amazon9Handler`` behaves as amazon.aws 9.0's ``AWSErrorHandler`` does (plugins/module_utils/errors.py
of amazon.aws 9.0.0: the description is used as given; list and deletion handlers build on
``cls.common_error_handler``), so our handler is tested on the oldest base we accept as well as on the installed one.
"""

import functools
import re
from pathlib import Path

import botocore.exceptions
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import ECSErrorHandler
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ssm.common import SSMErrorHandler
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import FormattedErrorHandler

PLUGINS = Path(__file__).resolve().parents[4] / "plugins"


class Amazon9Handler:
    """amazon.aws 9.0.0's AWSErrorHandler in behaviour: no placeholder is filled in."""

    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFound")

    @classmethod
    def common_error_handler(cls, description):
        def wrapper(func):
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except botocore.exceptions.WaiterError as e:
                    raise cls._CUSTOM_EXCEPTION(message=f"Timeout trying to {description}", exception=e) from e
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    raise cls._CUSTOM_EXCEPTION(message=f"Failed to {description}", exception=e) from e

            return handler

        return wrapper

    @classmethod
    def list_error_handler(cls, description, default_value=None):
        def wrapper(func):
            @cls.common_error_handler(description)
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except cls._is_missing():
                    return default_value

            return handler

        return wrapper

    @classmethod
    def deletion_error_handler(cls, description):
        def wrapper(func):
            @cls.common_error_handler(description)
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except cls._is_missing():
                    return False

            return handler

        return wrapper


class OursOn9(Amazon9Handler):
    """Our handler as it runs on amazon.aws 9.0: our common handler over 9.0's list and deletion handlers."""

    common_error_handler = FormattedErrorHandler.__dict__["common_error_handler"]


class OursInstalled(FormattedErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFound")


def client_error(code="AccessDenied"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "no"}}, "CreateCluster")


def waiter_error():
    return botocore.exceptions.WaiterError(name="ServicesStable", reason="Max attempts exceeded", last_response={})


def raising(error):
    def call(client, name, cluster="default", request=None):
        raise error

    return call


@pytest.mark.parametrize("handler", [OursOn9, OursInstalled], ids=["amazon.aws-9.0", "installed"])
@pytest.mark.parametrize(
    "kind, description, error, args, kwargs, message",
    [
        ("common", "create cluster {name}", client_error(), ("client", "edge"), {}, "Failed to create cluster edge"),
        ("common", "create service {name} in cluster {cluster}", client_error(), ("client", "web"), {}, "Failed to create service web in cluster default"),
        ("common", "create service {name} in cluster {cluster}", client_error(), ("client",), {"name": "web", "cluster": "edge"},
         "Failed to create service web in cluster edge"),
        ("common", "create capacity provider {request[name]}", client_error(), ("client", "x"), {"request": {"name": "cp"}},
         "Failed to create capacity provider cp"),
        ("common", "wait for service {name}", waiter_error(), ("client", "web"), {}, "Timeout trying to wait for service web"),
        ("common", "list clusters", client_error(), ("client", "edge"), {}, "Failed to list clusters"),
        ("list", "describe task definition {name}", client_error(), ("client", "nope"), {}, "Failed to describe task definition nope"),
        ("deletion", "delete activation {name}", client_error(), ("client", "id-1"), {}, "Failed to delete activation id-1"),
    ],
)
def test_messages_are_filled_in(handler, kind, description, error, args, kwargs, message):
    decorate = getattr(handler, f"{kind}_error_handler")
    with pytest.raises(AnsibleAWSError) as caught:
        decorate(description)(raising(error))(*args, **kwargs)
    assert caught.value.message == message


@pytest.mark.parametrize("handler", [OursOn9, OursInstalled], ids=["amazon.aws-9.0", "installed"])
@pytest.mark.parametrize("kind, expected", [("list", None), ("deletion", False)])
def test_missing_is_still_no_error(handler, kind, expected):
    decorate = getattr(handler, f"{kind}_error_handler")
    assert decorate("read {name}")(raising(client_error("NotFound")))("client", "x") is expected


def test_a_placeholder_that_cannot_be_filled_leaves_the_description():
    with pytest.raises(AnsibleAWSError) as caught:
        OursOn9.common_error_handler("create {nothing}")(raising(client_error()))("client", "x")
    assert caught.value.message == "Failed to create {nothing}"


HANDLER_USE = re.compile(r"@(\w+)\.(?:common|list|deletion)_error_handler\(")


def test_every_handler_the_plugins_use_fills_in_its_placeholders():
    used = {match for path in PLUGINS.rglob("*.py") for match in HANDLER_USE.findall(path.read_text())}
    known = {"ECSErrorHandler": ECSErrorHandler, "SSMErrorHandler": SSMErrorHandler}
    assert used and used <= set(known), f"handlers not built on FormattedErrorHandler: {sorted(used - set(known))}"
    for name in used:
        assert issubclass(known[name], FormattedErrorHandler)
        assert known[name].common_error_handler.__func__ is FormattedErrorHandler.common_error_handler.__func__
