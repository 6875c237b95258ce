# shellcheck shell=bash
# shellcheck disable=SC2034  # the settings are read by the scripts that source this file
# Shared settings for the test bed scripts (sourced, not run).
# Everything the test bed creates is named from these, so `down.sh` can find
# and remove exactly what `up.sh` made and nothing else.

set -euo pipefail

TESTBED_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$TESTBED_DIR/../.." && pwd)"

# Private bridge: one /24 used only by these hosts. The controller side
# (mirror, fake AWS) listens on .1; hosts get .11, .12, ...
BRIDGE="${TESTBED_BRIDGE:-hoecsbr0}"
NET_PREFIX="${TESTBED_NET_PREFIX:-10.213.7}"
CTRL_IP="$NET_PREFIX.1"
HOST_IP_BASE=10
MACHINE_PREFIX="${TESTBED_MACHINE_PREFIX:-hoecs}"
# The user Ansible connects as (passwordless sudo; root cannot log in).
ADMIN_USER=hoadmin

MIRROR_PORT="${TESTBED_MIRROR_PORT:-8213}"
AWS_PORT="${TESTBED_AWS_PORT:-4566}"
REGION="${TESTBED_REGION:-us-east-1}"

# Cached Debian rootfs lives outside the repo (built once, ~100 s); per-host
# overlay layers live beside it so a crash never leaves them in the work tree.
CACHE_DIR="${TESTBED_CACHE:-/var/cache/hybridops-testbed}"
ROOTFS="$CACHE_DIR/rootfs"
STATE_DIR="${TESTBED_STATE:-/var/lib/hybridops-testbed}"

# What the tests and roles read: inventory, vars, keys, mirror tree.
OUT="${TESTBED_OUT:-$REPO/build/testbed}"
PYTHON="${TESTBED_PYTHON:-$REPO/.venv/bin/python}"

host_name() { echo "$MACHINE_PREFIX-$1"; }
host_ip() { echo "$NET_PREFIX.$((HOST_IP_BASE + $1))"; }

# PIDs (as the controller sees them) of the init of every test bed host still
# running: PID 1 of its own PID namespace, with its root on one of our
# overlays. Found by what they are, not by name, so a host whose nspawn was
# killed (its init then lives on, reparented) is still found, and nobody
# else's container is.
testbed_inits() { # [host-name]
    local status pid
    # One awk over all status files: PID 1 of a namespace other than ours.
    while read -r status; do
        pid=${status#/proc/}
        pid=${pid%/status}
        if awk -v up="upperdir=$STATE_DIR/${1:+$1/upper}" \
            '$5 == "/" && index($0, up) {found=1} END {exit !found}' "/proc/$pid/mountinfo" 2>/dev/null; then
            echo "$pid"
        fi
    done < <(awk '/^NSpid:/ && $NF == 1 && NF > 2 {print FILENAME}' /proc/[0-9]*/status 2>/dev/null)
}

# cgroup hierarchies in which each host gets a group of its own: without one,
# every nspawn started from the same cgroup puts its host in the same
# ".../payload" group, and the hosts' systemds trip over each other's units
# (random "status=219/CGROUP" failures at boot).
cgroup_roots() {
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
        echo /sys/fs/cgroup # unified (v2) only
    else
        local dir
        for dir in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
            [[ -f "$dir/cgroup.procs" ]] && echo "$dir"
        done
    fi
    return 0
}
# One tree per test bed instance (TESTBED_MACHINE_PREFIX), so two instances never
# remove each other's groups.
CGROUP_NAME="hybridops-testbed${TESTBED_MACHINE_PREFIX:+-$TESTBED_MACHINE_PREFIX}"

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { printf '[testbed] error: %s\n' "$*" >&2; exit 1; }
