"""Run `ansible-test sanity` on a copy of the collection, offline-safe.

ansible-test needs the collection at .../ansible_collections/<namespace>/<name>
(a real directory, not a symlink), and it bootstraps each test's venv with a
pip script downloaded from a host we cannot reach; we give it a stand-in that
uses ensurepip, then pip installs from PyPI as usual.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# SANITY_NAME gives concurrent runs (several people, one checkout) a copy each.
ROOT = REPO / "build" / "sanity" / os.environ.get("SANITY_NAME", "main") / "ansible_collections"
COPY = ROOT / "hybridops" / "ecs_anywhere"

GET_PIP_STAND_IN = '''\
"""Stand-in for get-pip.py (written by tests/sanity/run.py): ensurepip, then pip install."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def pip_version():
    """The pip version ansible-test bootstraps into its venvs."""
    from types import SimpleNamespace  # pylint: disable=import-outside-toplevel

    from ansible_test._internal.python_requirements import get_venv_packages  # pylint: disable=import-outside-toplevel

    return get_venv_packages(SimpleNamespace(version=f"{sys.version_info.major}.{sys.version_info.minor}"))["pip"]


def install_get_pip_stand_in():
    cache = Path("~/.ansible/test/cache").expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    (cache / f"get_pip_{pip_version().replace('.', '_')}.py").write_text(GET_PIP_STAND_IN)


def tracked_files():
    """Files git knows (tracked, or new and not ignored): what a release would contain."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout
    return [name for name in out.split("\0") if name and (REPO / name).is_file()]


def copy_collection():
    # Keep ansible-test's own cache (tests/output) between runs; it holds the delegation venv.
    keep = COPY / "tests" / "output"
    if COPY.exists():
        for path in [child for child in COPY.iterdir() if child.name != "tests"] + list((COPY / "tests").glob("*")):
            if path == keep:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    for name in tracked_files():
        target = COPY / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    # Dependencies resolve from the same ansible_collections tree, as ansible-test expects.
    import ansible_collections.amazon.aws as amazon_aws  # pylint: disable=import-outside-toplevel

    amazon = ROOT / "amazon"
    amazon.mkdir(parents=True, exist_ok=True)
    link = amazon / "aws"
    if not link.exists():
        link.symlink_to(Path(amazon_aws.__path__[0]))
    # ansible-test lists files through git when the collection is a git work tree.
    subprocess.run(["git", "init", "-q"], cwd=COPY, check=True)
    subprocess.run(["git", "add", "-A"], cwd=COPY, check=True)


# Pythons newer than pyenv's newest here: ansible-test supports them, this machine cannot run them (README says so).
NEWEST_HERE = (3, 13)


def other_pythons():
    """Module code runs on the hosts' Pythons too: every other version ansible-test supports, each one required.

    A version that should be checked and is not installed fails the run, by name: a silent skip would let CI pass
    without checking it. Only versions newer than this machine's newest are left out, and said to be.
    """
    from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS  # pylint: disable=import-outside-toplevel
    from ansible_test._util.target.common.constants import REMOTE_ONLY_PYTHON_VERSIONS  # pylint: disable=import-outside-toplevel

    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    found, missing = {}, []
    for version in REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS:
        if version == current:
            continue
        if tuple(int(part) for part in version.split(".")) > NEWEST_HERE:
            print(f"sanity: Python {version} is not tested here (newer than this machine's newest)", flush=True)
            continue
        # pyenv's own builds first: its shims refuse versions that are not selected.
        builds = sorted(Path("~/.pyenv/versions").expanduser().glob(f"{version}.*/bin/python{version}"))
        path = builds[-1] if builds else shutil.which(f"python{version}")
        if path:
            found[version] = Path(path)
        else:
            missing.append(version)
    if missing:
        raise SystemExit(f"sanity: no interpreter for Python {', '.join(missing)} (python{missing[0]} on PATH or pyenv install "
                         f"{missing[0]}); ansible-test {current} checks module code on it")
    return found


def main(argv):
    """ARGV narrows ansible-test (--test NAME ...) to this Python; without it, every test here and compile/import on the others.

    --this-python-only: the whole sanity, on this Python alone (make matrix: the other Pythons are make test's).
    """
    this_python_only = "--this-python-only" in argv
    argv = [arg for arg in argv if arg != "--this-python-only"]
    others = {} if argv or this_python_only else other_pythons()  # before the long run: a missing Python fails at once
    install_get_pip_stand_in()
    copy_collection()
    ansible_test = [str(Path(sys.executable).parent / "ansible-test"), "sanity", "--venv", "--requirements", "--color", "no"]
    env = dict(os.environ)
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    status = run_ansible_test(ansible_test + ["--python", f"{sys.version_info.major}.{sys.version_info.minor}"] + argv, env)
    # Compile and import module code on every other supported Python.
    for version, python in others.items():
        version_env = dict(env, PATH=f"{python.parent}{os.pathsep}{env['PATH']}")
        status |= run_ansible_test(ansible_test + ["--python", version, "--test", "compile", "--test", "import"], version_env)
    return status


# ansible-test skips a test whose program is missing with only a warning (shellcheck, say): here that fails the run.
MISSING_PROGRAM = re.compile(r'WARNING: Required program "([^"]+)" not found')


def run_ansible_test(command, env, cwd=COPY):
    """ansible-test, its output passed through as it comes; non-zero also when it skipped a test for a missing program."""
    missing = set()
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            found = MISSING_PROGRAM.search(line)
            if found:
                missing.add(found.group(1))
    if missing:
        print(f"sanity: ansible-test skipped the tests that need {', '.join(sorted(missing))}: install it (make sanity-deps)", flush=True)
        return 1
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
