"""Build the support matrix's virtualenvs under build/matrix/<entry>/venv (tests/matrix/entries.py).

    python tests/matrix/build.py [NAME ...]          build (or keep) the venvs from requirements/matrix/<name>.txt
    python tests/matrix/build.py --lock [NAME ...]   resolve anew and write the lock files (a developer's step)

A venv is rebuilt only when its lock file or entry changes. amazon.aws is unpacked from the `ansible` wheel that carries
the entry's version into the venv's site-packages, as `pip install ansible` would put it.
"""

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from entries import BY_NAME
from entries import ENTRIES
from entries import FLOOR_PACKAGES
from entries import PACKAGES
from entries import AMAZON_AWS_FLOOR

REPO = Path(__file__).resolve().parents[2]
LOCKS = REPO / "requirements" / "matrix"
BUILD = REPO / "build" / "matrix"
WHEELS = BUILD / "wheels"
PIP = ["-m", "pip", "--disable-pip-version-check", "--quiet"]


def python_for(version):
    """pyenv's build of VERSION, else pythonVERSION on PATH; a clear failure naming it when neither exists."""
    builds = sorted(Path("~/.pyenv/versions").expanduser().glob(f"{version}.*/bin/python{version}"))
    found = str(builds[-1]) if builds else shutil.which(f"python{version}")
    if not found:
        raise SystemExit(f"make matrix: Python {version} is needed (pyenv install {version}, or python{version} on PATH)")
    return found


def venv_of(entry):
    return BUILD / entry.name / "venv"


def site_packages(venv):
    return Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())


def fresh_venv(entry):
    venv = venv_of(entry)
    shutil.rmtree(venv.parent, ignore_errors=True)
    venv.parent.mkdir(parents=True)
    subprocess.run([python_for(entry.python), "-m", "venv", str(venv)], check=True)
    return venv


def unpack_amazon_aws(entry, venv):
    version, ansible_release = entry.amazon_aws
    WHEELS.mkdir(parents=True, exist_ok=True)
    wheel = WHEELS / f"ansible-{ansible_release}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run([str(venv / "bin" / "python"), *PIP, "download", "--no-deps", "--dest", str(WHEELS), f"ansible=={ansible_release}"],
                       check=True)
    prefix = "ansible_collections/amazon/aws/"
    target = site_packages(venv)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target, [name for name in archive.namelist() if name.startswith(prefix)])
    manifest = json.loads((target / prefix / "MANIFEST.json").read_text())
    if manifest["collection_info"]["version"] != version:
        raise SystemExit(f"ansible {ansible_release} carries amazon.aws {manifest['collection_info']['version']}, not {version}")


def fingerprint(entry):
    lock = LOCKS / f"{entry.name}.txt"
    return hashlib.sha256(repr(entry).encode() + lock.read_bytes()).hexdigest()


def build(entry):
    lock = LOCKS / f"{entry.name}.txt"
    if not lock.exists():
        raise SystemExit(f"{lock} is missing: python tests/matrix/build.py --lock {entry.name}")
    stamp = venv_of(entry).parent / "built"
    if stamp.exists() and stamp.read_text() == fingerprint(entry):
        return f"{entry.name}: kept"
    venv = fresh_venv(entry)
    subprocess.run([str(venv / "bin" / "python"), *PIP, "install", "--no-deps", "-r", str(lock)], check=True)
    subprocess.run([str(venv / "bin" / "python"), *PIP, "check"], check=True)  # the lock file is whole
    unpack_amazon_aws(entry, venv)
    stamp.write_text(fingerprint(entry))
    return f"{entry.name}: built"


def lock(entry):
    venv = fresh_venv(entry)
    packages = FLOOR_PACKAGES if entry.amazon_aws == AMAZON_AWS_FLOOR else PACKAGES
    subprocess.run([str(venv / "bin" / "python"), *PIP, "install", f"ansible-core=={entry.core}", *packages], check=True)
    frozen = subprocess.run([str(venv / "bin" / "python"), *PIP, "freeze"], check=True, capture_output=True, text=True).stdout
    LOCKS.mkdir(parents=True, exist_ok=True)
    header = f"# {entry.name}: ansible-core {entry.core} on Python {entry.python} (python tests/matrix/build.py --lock {entry.name})\n"
    (LOCKS / f"{entry.name}.txt").write_text(header + frozen)
    shutil.rmtree(venv.parent)
    return f"{entry.name}: locked"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lock", action="store_true")
    parser.add_argument("names", nargs="*", choices=[[]] + list(BY_NAME), default=[])
    args = parser.parse_args(argv)
    entries = [BY_NAME[name] for name in args.names] or list(ENTRIES)
    with ThreadPoolExecutor(max_workers=3) as pool:
        for line in pool.map(lock if args.lock else build, entries):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
