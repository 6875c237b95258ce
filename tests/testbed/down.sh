#!/bin/bash
# Take the test bed down and leave the controller as it was before `up`:
# hosts stopped, overlays unmounted, bridge and iptables rule removed,
# mirror and fake AWS stopped, inotify limit restored.
#
#   tests/testbed/down.sh               everything
#   tests/testbed/down.sh --host I      only host I (used by up.sh)
#
# Kept on purpose: the cached rootfs (/var/cache/...) and the build products in
# build/testbed (SSH and signing keys, packages, mirror tree); `make clean`
# removes the latter.
source "$(dirname "$0")/common.sh"

[[ $EUID -eq 0 ]] || die "needs root"

# Stop one recorded process: TERM, wait, then KILL. Only pids we recorded.
stop_pid() { # pidfile timeout
    local pidfile=$1 timeout=$2 pid
    [[ -f "$pidfile" ]] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + timeout))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            log "pid $pid ($pidfile) ignored TERM, killing"
            kill -KILL "$pid" 2>/dev/null || true
            while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        fi
    fi
    rm -f "$pidfile"
}

stop_host() { # state dir of one host
    local dir=$1
    # nspawn turns TERM into an orderly poweroff of the booted systemd.
    stop_pid "$dir/nspawn.pid" 20
    if mountpoint -q "$dir/merged"; then
        umount "$dir/merged" 2>/dev/null || umount -l "$dir/merged"
    fi
    rm -rf "$dir"
}

if [[ "${1:-}" == "--host" ]]; then
    stop_host "$STATE_DIR/$(host_name "$2")"
    exit 0
fi

if [[ -d "$STATE_DIR" ]]; then
    # Hosts in parallel: each poweroff takes a second or two.
    for dir in "$STATE_DIR/$MACHINE_PREFIX"-*; do
        [[ -d "$dir" ]] && stop_host "$dir" &
    done
    wait
    stop_pid "$STATE_DIR/mirror.pid" 5
    stop_pid "$STATE_DIR/fake_aws.pid" 10
fi

# The signing step may have left a gpg-agent for the test keyring.
if [[ -d "$OUT/gnupg" ]]; then
    gpgconf --homedir "$OUT/gnupg" --kill all 2>/dev/null || true
fi

if ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link del "$BRIDGE"
fi

if [[ -f "$STATE_DIR/iptables.rule" ]]; then
    # shellcheck disable=SC2046
    iptables -D $(cat "$STATE_DIR/iptables.rule") 2>/dev/null || true
fi

if [[ -f "$STATE_DIR/sysctl.inotify" ]]; then
    cat "$STATE_DIR/sysctl.inotify" >/proc/sys/fs/inotify/max_user_instances
fi

rm -rf "$STATE_DIR"
rm -f "$OUT/inventory.ini" "$OUT/ssh_config" "$OUT/testbed_vars.yml"
log "down: test bed removed"
