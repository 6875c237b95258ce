"""A service's runningCount sampled in the background while something runs on the test bed (a rolling upgrade,
hosts offboarded): the samples show whether the service kept its tasks all along. Used by tests/playbooks and
tests/reliability (imported as testbed.service_watch: tests/ is on sys.path through tests/conftest.py)."""

import contextlib
import threading


@contextlib.contextmanager
def running_counts(ecs, cluster, service, interval=1):
    """Within the block, ``ecs`` (a boto3 client for this thread alone) reads the service every ``interval`` s; the list
    of runningCount samples is what the block gets, complete once the block has ended."""
    seen, done = [], threading.Event()

    def watch():
        while not done.is_set():
            seen.append(ecs.describe_services(cluster=cluster, services=[service])["services"][0]["runningCount"])
            done.wait(interval)

    thread = threading.Thread(target=watch, name=f"watch {cluster}/{service}")
    thread.start()
    try:
        yield seen
    finally:
        done.set()
        thread.join()
