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

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { printf '[testbed] error: %s\n' "$*" >&2; exit 1; }
