# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""botocore's own waiters, with acceptors added where ours must stop sooner.

botocore's ``ServicesStable`` waits out a deployment that the circuit breaker
has already failed; we add a failure acceptor for that instead of writing a
polling loop of our own.
"""

import copy

try:
    import botocore.session
    from botocore.waiter import WaiterModel
    from botocore.waiter import create_waiter_with_client
except ImportError:
    pass  # Modules are responsible for handling this (AnsibleAWSModule checks botocore).

WAITER_DELAY = 5


def _raw_client(client):
    # amazon.aws wraps clients to retry calls; the waiter needs the botocore client itself.
    return getattr(client, "client", client)


def waiter(client, name, timeout, extra_acceptors=(), delay=WAITER_DELAY):
    """botocore's waiter ``name`` for the client's service, set to give up after ``timeout`` seconds."""
    raw = _raw_client(client)
    loader = botocore.session.get_session().get_component("data_loader")
    config = copy.deepcopy(loader.load_service_model(raw.meta.service_model.service_name, "waiters-2"))
    definition = config["waiters"][name]
    # Our acceptors come first: botocore takes the first one that matches.
    definition["acceptors"] = list(extra_acceptors) + definition["acceptors"]
    definition["delay"] = delay
    definition["maxAttempts"] = max(1, int(timeout) // delay)
    return create_waiter_with_client(name, WaiterModel(config), raw)
