"""The local AWS endpoint: moto, plus what moto lacks for ECS Anywhere.

Run in the foreground: ``python tests/fake_aws/server.py --host H --port P``.
"""

import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("FAKE_AWS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAKE_AWS_PORT", "5055")))
    args = parser.parse_args(argv)
    # moto reads these at import time.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ["MOTO_PORT"] = str(args.port)
    from moto import server as moto_server

    moto_server.main(["--host", args.host, "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
