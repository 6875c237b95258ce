"""moto's answers, made cheap enough to reset the endpoint before every test.

Nothing here changes an answer; each change removes work moto repeats:

* With AWS-managed policies loaded (MOTO_IAM_LOAD_MANAGED_POLICIES), creating an IAM
  backend parses ~1,500 policies (a third of a second).  They are parsed once per account
  and region; each new backend gets copies (attachment counts, tags, versions its own).
* moto found the account of an access key by creating the IAM backend of every partition
  (aws, aws-cn, aws-us-gov, ...); a key can only be in a backend that exists.
* moto listed its own package directory (~200 stats) on every request to route it.
"""

import functools

from moto import backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam import models as iam_models

_PARSED_POLICIES = {}


def get_account_id_from(access_key):
    for account_id, account in list(iam_models.iam_backends.items()):
        for backend in list(account.values()):  # the partitions created so far, not all of them
            if access_key in backend.access_keys:
                return account_id
    return DEFAULT_ACCOUNT_ID


def _clone(model):
    # A shallow copy without copy.copy's generic machinery (1,500 policies per backend).
    clone = object.__new__(type(model))
    clone.__dict__.update(model.__dict__)
    return clone


def _copy_policy(policy):
    clone = _clone(policy)
    clone.tags = dict(policy.tags)
    clone.versions = [_clone(version) for version in policy.versions]
    return clone


def install():
    parse = iam_models.IAMBackend._init_aws_policies  # pylint: disable=protected-access

    def init_aws_policies(backend):
        key = (backend.account_id, backend.region_name)
        if key not in _PARSED_POLICIES:
            _PARSED_POLICIES[key] = parse(backend)
        return [_copy_policy(policy) for policy in _PARSED_POLICIES[key]]

    iam_models.IAMBackend._init_aws_policies = init_aws_policies  # pylint: disable=protected-access
    # moto.core.responses imports it from this module at call time.
    iam_models.get_account_id_from = get_account_id_from
    # The request router calls it on every request; the package does not change while serving.
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = functools.partial(iter, modules)
