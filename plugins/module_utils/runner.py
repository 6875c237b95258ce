# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one module shape. A module is its documentation, its argument spec and a ``Resource`` (or ``Facts``) class::

    class Cluster(Resource):
        CLIENTS = CLIENTS                          # the package's table: name -> (service, retry decorator)
        def desired(self): ...                     # pure: the request from the options (raise Refused on bad input)
        def current(self, desired): ...            # read: the resource as AWS has it, or None
        def plan(self, desired, current): ...      # pure: a Plan (before, after, calls, refusals)
        def apply(self, plan, current): ...        # write: make plan.calls; return the resource after them
        def wait(self, plan, resource, timeout): ...   # optional: poll until settled; return the resource
        def result(self, plan, resource): ...      # the module's return besides changed and diff

    def main():
        run(Cluster, argument_spec)

Only this file looks at check mode, diff mode and the ``wait``/``wait_timeout`` options. Clients are made on
first use (``self.clients.ecs``), so a run that only reads builds only the clients it reads with. Info modules
subclass ``Facts`` and supply ``gather()``.

Resources and facts return AWS objects as AWS gives them; ``run`` returns every result in snake_case, tags as a dict
(``results.snake_case_result``), so no module converts casing itself.
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from .errors import Refused
from .errors import failures_reported
from .results import snake_case_result
from .rules import refuse_broken_rules


class Clients:
    """AWS clients made on first use from a table ``name -> (service, retry decorator)``, one of each per run."""

    def __init__(self, module, table):
        self._module = module
        self._table = table

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._table:
            raise AttributeError(name)
        service, retry = self._table[name]
        client = self._module.client(service, retry_decorator=retry)
        setattr(self, name, client)  # later reads find the attribute and skip __getattr__
        return client


class Resource:
    """One AWS resource as a module manages it; the runner calls these methods in order."""

    CLIENTS = {}

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.clients = Clients(module, self.CLIENTS)

    def warn(self, message):
        self.module.warn(message)

    def desired(self):
        raise NotImplementedError

    def current(self, desired):
        raise NotImplementedError

    def plan(self, desired, current):
        raise NotImplementedError

    def apply(self, plan, current):
        raise NotImplementedError

    def wait(self, plan, resource, timeout):
        """The resource once settled; by default there is nothing to wait for."""
        return resource

    def result(self, plan, resource):
        raise NotImplementedError


class Facts:
    """An info module: its options checked against ``RULES`` (rules.py), then ``gather()`` reads and returns the result."""

    CLIENTS = {}
    RULES = {}

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.clients = Clients(module, self.CLIENTS)

    def gather(self):
        raise NotImplementedError


def refuse(plan):
    if plan.refusals:
        raise Refused("; ".join(plan.refusals), refusals=list(plan.refusals))


def apply_tolerating_a_concurrent_creator(resource, desired, plan, current):
    """``(plan, resource after)``; a create that fails because another process created the resource meanwhile
    (ECS: "Creation of service was not idempotent") is planned again once against what is there now, and the
    update path applied. Any other failure, or one after which the resource is still missing, stands."""
    try:
        return plan, resource.apply(plan, current)
    except AnsibleAWSError:
        if current is not None:
            raise
        appeared = resource.current(desired)
        if appeared is None:
            raise
    plan = resource.plan(desired, appeared)
    refuse(plan)
    return plan, (resource.apply(plan, appeared) if plan.changed else appeared)


def converge(resource, check_mode=False, diff_mode=False, progress=None):
    """desired -> current -> plan -> apply (not in check mode) -> wait: the module's result."""
    params = resource.params
    desired = resource.desired()
    current = resource.current(desired)
    plan = resource.plan(desired, current)
    refuse(plan)
    after = current
    if plan.changed and not check_mode:
        if progress is not None:
            # What a failure after a write reports (the resource may go on filling this dict in), with the diff in diff mode.
            reported = resource.result(plan, current)
            if diff_mode:
                reported["diff"] = plan.diff
            progress.report(reported)
        plan, after = apply_tolerating_a_concurrent_creator(resource, desired, plan, current)
    if params.get("wait") and not check_mode:
        after = resource.wait(plan, after, params["wait_timeout"])
    result = dict(resource.result(plan, after), changed=plan.changed)
    if diff_mode:
        result["diff"] = plan.diff
    return result


def run(resource_class, argument_spec, **options):
    """A module's whole main(): the module from its argument spec, then converge (or gather for ``Facts``)."""
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **options)
    with failures_reported(module) as progress:
        resource = resource_class(module)
        if isinstance(resource, Facts):
            refuse_broken_rules(resource.RULES, module.params)
            result = dict(resource.gather(), changed=False)
        else:
            result = converge(resource, module.check_mode, module._diff, progress)
    module.exit_json(**snake_case_result(result))
