"""What the benchmarks share: paths, the endpoint's call log, running a playbook and timing it, medians."""

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUILD = REPO / "build" / "bench"
RESULTS = BUILD / "results.json"
# Ours from the symlink tree `make collection-link` builds, community.aws and amazon.aws from the `ansible` package.
SITE_PACKAGES = Path(next(p for p in sys.path if p.endswith("site-packages") and (Path(p) / "ansible_collections").is_dir()))
COLLECTIONS_PATH = f"{REPO / 'build' / 'collections'}:{SITE_PACKAGES}"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def repeat():
    """How many times each figure is measured (BENCH_REPEAT, default 3): medians of that many runs."""
    return max(1, int(os.environ.get("BENCH_REPEAT", "3")))


def ansible_env(**extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False",
               ANSIBLE_RETRY_FILES_ENABLED="False", **CREDENTIALS)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "ANSIBLE_CONFIG"):
        env.pop(name, None)
    env.update(extra)
    return env


class PlaybookFailed(RuntimeError):
    pass


def children_cpu():
    """CPU seconds (user + system) of this process's finished children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_playbook(args, env=None, cwd=None, cpu=None):
    """Runs ansible-playbook ARGS; (wall seconds, stdout). Fails loudly: a figure of a failed run means nothing.

    CPU, a dict, gets "controller": the CPU seconds ansible-playbook and its workers (ssh included) used.
    """
    start, cpu_start = time.monotonic(), children_cpu()
    done = subprocess.run([str(BIN / "ansible-playbook"), *map(str, args)], env=env or ansible_env(), cwd=cwd or BUILD,
                          capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if cpu is not None:
        cpu["controller"] = children_cpu() - cpu_start
    if done.returncode != 0:
        raise PlaybookFailed(f"ansible-playbook {' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout[-5000:]}\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def recap(output):
    """{host: {ok, changed, failed, ...}} from PLAY RECAP."""
    found = {}
    for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.MULTILINE):
        found[host] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
    return found


def changed(output):
    """Total of changed= over PLAY RECAP's hosts."""
    return sum(counts.get("changed", 0) for counts in recap(output).values())


class CallLog:
    """The endpoint's log of AWS calls (tests/fake_aws/README.md, Private paths)."""

    def __init__(self, url, access_key=None):
        self.url = url.rstrip("/") + "/_fake_aws/calls"
        self.access_key = access_key

    def clear(self):
        urllib.request.urlopen(urllib.request.Request(self.url, method="DELETE"), timeout=30).close()

    def calls(self):
        query = f"?access_key={self.access_key}" if self.access_key else ""
        with urllib.request.urlopen(self.url + query, timeout=30) as answer:
            return json.load(answer)


def by_action(calls):
    """{"service:Action": count}, most frequent first."""
    return dict(Counter(f"{call['service']}:{call['action']}" for call in calls).most_common())


def median(values):
    return statistics.median(values) if values else None


def ratio(numerator, denominator):
    return round(numerator / denominator, 2) if numerator is not None and denominator else None


def save(section, rows):
    """Keeps one section's rows in build/bench/results.json beside the other sections' (report.py reads them)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results[section] = rows
    RESULTS.write_text(json.dumps(results, indent=1))
