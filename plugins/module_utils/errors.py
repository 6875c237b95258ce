# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a module fails: one exception for what it will not do, and the one handler every main() uses.

A module's body raises ``Refused`` for input it cannot act on, a state that forbids what was asked,
or an outcome that fails the module (a wait that ran out); the message names the option (or the
resource) and says why, and ``details`` go into the failure result. AWS errors arrive as amazon.aws's
``AnsibleAWSError`` from the error handlers of the calls. ``failures_reported`` turns both into the
module's failure::

    with failures_reported(module):
        result = ensure_present(module, client)
    module.exit_json(**result)
"""

from contextlib import contextmanager

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class Refused(Exception):
    """The module cannot do what was asked; the message names the option, ``details`` go into the failure result."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


@contextmanager
def failures_reported(module):
    """Run a module's body: an AWS error fails the module as amazon.aws reports it, a refusal with its message and details."""
    try:
        yield
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except Refused as e:
        module.fail_json(msg=str(e), **e.details)
