"""`make matrix`: every entry of tests/matrix/entries.py, its suites two at a time; a summary, and the logs under build/matrix/logs.

Per entry, in its own venv (tests/matrix/build.py):
- playbooks: tests/integration/test_in_controller.py and tests/matrix/test_smoke.py with that venv's ansible-playbook
  (the endpoint runs in make's .venv), expecting every task of ours in the worker on a fast-path version and in a
  module process on any other;
- sanity: ansible-test of that ansible-core, whole or its version-sensitive tests (entries.py says which);
- units: tests/unit with that venv's amazon.aws, boto3 and botocore.

    python tests/matrix/run.py [NAME ...]
"""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import build
from entries import BY_NAME
from entries import ENTRIES

REPO = Path(__file__).resolve().parents[2]
LOGS = REPO / "build" / "matrix" / "logs"
# The version-sensitive sanity tests: how this ansible-core reads our documentation, imports and compiles module code.
VERSIONED_SANITY = ("validate-modules", "import", "compile", "ansible-doc", "yamllint")
SLOTS = 2  # the machine's cores; every suite is CPU-bound


def jobs(entry):
    venv = build.venv_of(entry)
    python = str(venv / "bin" / "python")
    expect = "worker" if entry.fast_path else "module-process"
    playbooks = ([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/integration/test_in_controller.py", "tests/matrix/test_smoke.py"],
                 {"ECS_ANYWHERE_TEST_ANSIBLE_BIN": str(venv / "bin"), "ECS_ANYWHERE_TEST_EXPECT": expect})
    found = [("playbooks", *playbooks)]
    if entry.sanity:
        narrowed = ["--this-python-only"] if entry.sanity == "whole" else [arg for test in VERSIONED_SANITY for arg in ("--test", test)]
        narrowed += [arg for test in entry.sanity_skip for arg in ("--skip-test", test)]
        found.append(("sanity", [python, "tests/sanity/run.py", *narrowed], {"SANITY_NAME": entry.name}))
    if entry.units:
        found.append(("units", [python, "-m", "pytest", "-p", "no:cacheprovider", "tests/unit"], {}))
    return [(entry.name, suite, command, environment) for suite, command, environment in found]


def run(job):
    name, suite, command, environment = job
    log = LOGS / f"{name}-{suite}.log"
    started = time.monotonic()
    with log.open("w") as out:
        status = subprocess.call(command, cwd=REPO, env=dict(os.environ, **environment), stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    last = (log.read_text().strip().splitlines() or [""])[-1]
    print(f"matrix: {name} {suite}: {'passed' if status == 0 else 'FAILED'} in {seconds:.0f} s ({last[:150]})", flush=True)
    return job, status, log


def main(argv):
    entries = [BY_NAME[name] for name in argv] or list(ENTRIES)
    started = time.monotonic()
    build.main([entry.name for entry in entries])
    LOGS.mkdir(parents=True, exist_ok=True)
    queue = [job for entry in entries for job in jobs(entry)]
    queue.sort(key=lambda job: job[1] != "sanity")  # the long ones first, the short ones fill in
    with ThreadPoolExecutor(max_workers=SLOTS) as pool:
        outcomes = list(pool.map(run, queue))
    failed = [(job, log) for job, status, log in outcomes if status]
    for (name, suite, _command, _environment), log in failed:
        print(f"\n==== {name} {suite} failed; the end of {log}:\n" + "\n".join(log.read_text().splitlines()[-60:]), flush=True)
    print(f"matrix: {len(outcomes) - len(failed)} passed, {len(failed)} failed in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
