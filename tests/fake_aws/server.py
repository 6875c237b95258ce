"""The local AWS endpoint: moto, plus what moto lacks for ECS Anywhere.

Run in the foreground: ``python tests/fake_aws/server.py --host H --port P`` (defaults:
FAKE_AWS_HOST / FAKE_AWS_PORT, else 127.0.0.1:5055).  Every moto service answers on that
one port; ``GET /moto-api/`` answers once it is ready.  See README.md beside this file.
"""

import argparse
import os
import signal
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Serve the local AWS endpoint (moto plus ECS Anywhere) in the foreground.")
    parser.add_argument("--host", default=os.environ.get("FAKE_AWS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAKE_AWS_PORT", "5055")))
    return parser.parse_args(argv)


def build_app():
    """moto's dispatcher with our additions installed, behind the private paths and the call log."""
    # pylint: disable=import-outside-toplevel  # moto reads its settings from the environment at import
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from fake_aws import ecs, iam, limits, shapes, speed, ssm
    from fake_aws.private import PrivateApi

    shapes.install()
    speed.install()
    iam.install()
    limits.install()
    ssm.install()
    ecs.install()
    dispatcher = DomainDispatcherApplication(create_backend_app)
    dispatcher.debug = True  # as moto.server does: errors come back as 500 with the traceback
    return PrivateApi(dispatcher)


def main(argv=None):
    args = parse_args(argv)
    # Before moto is imported: AWS-managed policies (AmazonSSMManagedInstanceCore, ...) exist.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ["MOTO_PORT"] = str(args.port)
    app = build_app()

    from moto.moto_server.werkzeug_app import MotoRequestHandler  # pylint: disable=import-outside-toplevel
    from werkzeug.serving import run_simple  # pylint: disable=import-outside-toplevel

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    # Run as a script, this directory is sys.path[0]; import the package from its parent instead.
    sys.path[0] = str(TESTS_DIR)
    sys.exit(main())
