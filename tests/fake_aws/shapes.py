"""botocore's service models, as the local AWS endpoint and its clients use them.

Three jobs:

* The SSM agent calls actions that botocore's public model leaves out
  (RegisterManagedInstance, RequestManagedInstanceRoleToken, UpdateInstanceInformation).
  ``models/ssm/2014-11-06/service-2.fakeaws-extras.json`` describes them in botocore's own
  format, copied from the agent's vendored SDK; it is merged into the model moto parses
  requests and serialises responses with (``install``) and into the model of clients that
  want to speak like the agent (``botocore_session``).
* Input validation against the model's constraints, with the messages AWS's JSON services
  send (``check_input``).
* Timestamps as botocore's JSON protocol sends them (``parse_timestamp``).
"""

import re
from datetime import timezone
from pathlib import Path

import botocore.session
from botocore.utils import parse_timestamp as botocore_parse_timestamp

MODELS_DIR = Path(__file__).resolve().parent / "models"
EXTRAS_TYPE = "fakeaws"

# Java's Unicode classes in AWS patterns, approximated for Python's re module (inside [...] too).
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s"}


def configure_loader(loader):
    """Make a botocore loader merge our extras files into the models it loads."""
    if str(MODELS_DIR) not in loader.search_paths:
        loader.search_paths.append(str(MODELS_DIR))
    if EXTRAS_TYPE not in loader.extras_types:
        loader.extras_types.append(EXTRAS_TYPE)
    return loader


def install():
    """Make moto parse and serialise with the extended models (call before any request)."""
    from moto.core import utils as moto_utils  # pylint: disable=import-outside-toplevel

    if getattr(moto_utils.create_loader, "fake_aws", False):
        return
    original = moto_utils.create_loader

    def create_loader():
        return configure_loader(original())

    create_loader.fake_aws = True
    moto_utils.create_loader = create_loader
    # Models are cached per service; drop anything loaded before the extension was in place.
    moto_utils.get_service_model.cache_clear()
    moto_utils.get_pagination_model.cache_clear()


def botocore_session():
    """A botocore session whose clients also know the agent's private SSM actions."""
    session = botocore.session.get_session()
    configure_loader(session.get_component("data_loader"))
    return session


def service_model(service):
    """The (extended) model moto uses for ``service``."""
    from moto.core.utils import get_service_model  # pylint: disable=import-outside-toplevel

    return get_service_model(service)


def parse_timestamp(value):
    """A request timestamp (epoch seconds or ISO 8601) as an aware UTC datetime."""
    if value is None:
        return None
    return botocore_parse_timestamp(value).astimezone(timezone.utc)


def check_input(service, operation, params, error):
    """Raise ``error`` (the service's ValidationException) worded as AWS words it, if ``params`` break the model's constraints.

    ``error`` takes the message; moto serialises an exception with the model of the service its module belongs to.
    """
    shape = service_model(service).operation_model(operation).input_shape
    problems = list(_violations(shape, params, ""))
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise error(f"{count} validation {noun} detected: " + "; ".join(problems))


def _violations(shape, value, path):
    if shape.type_name == "structure":
        yield from _structure_violations(shape, value or {}, path)
    elif shape.type_name == "list":
        yield from _length_violations(shape, value, path)
        for index, item in enumerate(value):
            yield from _violations(shape.member, item, f"{path}.{index + 1}.member")
    elif shape.type_name in ("integer", "long"):
        yield from _range_violations(shape, value, path)
    elif shape.type_name == "string":
        yield from _length_violations(shape, value, path)
        yield from _pattern_violations(shape, value, path)


def _structure_violations(shape, value, path):
    for name, member in shape.members.items():
        member_path = f"{path}.{name[0].lower()}{name[1:]}".lstrip(".")
        if value.get(name) is None:
            if name in shape.required_members:
                yield f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null"
            continue
        yield from _violations(member, value[name], member_path)


def _range_violations(shape, value, path):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        yield f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {low}"
    if high is not None and value > high:
        yield f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value less than or equal to {high}"


def _length_violations(shape, value, path):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    shown = value if isinstance(value, str) else "[" + ", ".join(map(str, value)) + "]"
    if low is not None and len(value) < low:
        yield f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {low}"
    if high is not None and len(value) > high:
        yield f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must have length less than or equal to {high}"


def _pattern_violations(shape, value, path):
    pattern = shape.metadata.get("pattern")
    if pattern and not re.fullmatch(_python_pattern(pattern), value, re.DOTALL):
        yield f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"


def _python_pattern(pattern):
    for java, python in _JAVA_CLASSES.items():
        pattern = pattern.replace(java, python)
    return pattern
