"""The support matrix that `make matrix` proves: ansible-core versions, amazon.aws at its floor and newest, and Pythons.

Each entry is a virtualenv of its own (tests/matrix/build.py) from a lock file, requirements/matrix/<name>.txt, and
amazon.aws taken from the `ansible` package on PyPI (Galaxy may be out of reach). README's Requirements says what these
entries prove, and plugins/plugin_utils/in_controller.py's RESULT_SHAPES must list exactly the versions marked
`fast_path` (a unit test holds them together).
"""

from dataclasses import dataclass

# amazon.aws comes out of this `ansible` release: 14.5.0 carries amazon.aws 11.4.0 (the newest on PyPI), 11.0.0 carries
# 9.0.0 (the floor galaxy.yml declares).
AMAZON_AWS_NEWEST = ("11.4.0", "14.5.0")
AMAZON_AWS_FLOOR = ("9.0.0", "11.0.0")


@dataclass(frozen=True)
class Entry:
    name: str
    core: str  # ansible-core, exactly as pinned in the lock file
    python: str  # the controller's Python: one that this ansible-core supports and pyenv has here
    fast_path: bool  # whether our modules run in the controller's worker on this version
    amazon_aws: tuple = AMAZON_AWS_NEWEST
    sanity: str = "versioned"  # "whole", "versioned" (the version-sensitive tests) or "" (make test runs it whole)
    units: bool = False  # the unit tests in this venv too
    sanity_skip: tuple = ()  # sanity tests this machine cannot run for this version (README says why)

    @property
    def minor(self):
        return ".".join(self.core.split(".")[:2])


ENTRIES = (
    Entry("core-2.17", "2.17.14", "3.12", fast_path=False, sanity="whole"),  # the oldest meta/runtime.yml admits
    Entry("core-2.18", "2.18.19", "3.13", fast_path=False),
    Entry("core-2.19", "2.19.15", "3.13", fast_path=True),
    Entry("core-2.20", "2.20.10", "3.13", fast_path=True),
    Entry("core-2.21", "2.21.6", "3.13", fast_path=True, sanity=""),  # make test: ansible-core 2.21.5, sanity whole
    # The newest on PyPI. Its pylint requirements take dill from a GitHub archive, out of reach here.
    Entry("core-2.22", "2.22.0", "3.13", fast_path=False, sanity="whole", sanity_skip=("pylint",)),
    # amazon.aws and boto3/botocore at the floors galaxy.yml and meta/ee-requirements.txt declare. (At the newest, 11.4.0
    # and the boto3 of requirements/constraints.txt, make test runs the unit tests, and every entry above the smoke playbook.)
    Entry("amazon-aws-floor", "2.19.15", "3.12", fast_path=True, amazon_aws=AMAZON_AWS_FLOOR, sanity="", units=True),
)

BY_NAME = {entry.name: entry for entry in ENTRIES}

# What each entry's venv holds besides ansible-core (the lock files pin these and their dependencies).
PACKAGES = ("boto3", "botocore", "pytest")
# The lowest boto3/botocore on which the unit tests and the smoke playbook pass (found by bisection: 1.40.41 fails, the
# ECS model lacks fields our field tables and recorded responses hold); meta/ee-requirements.txt and README say the same.
FLOOR_PACKAGES = ("boto3==1.40.42", "botocore==1.40.42", "pytest")
