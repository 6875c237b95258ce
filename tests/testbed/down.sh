#!/usr/bin/env bash
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

# Kill a host's init: the kernel then kills everything in its PID namespace.
# Used when an orderly poweroff did not finish, or nspawn is gone already.
kill_inits() { # [host-name]
    local pids
    pids=$(testbed_inits "$@")
    [[ -n "$pids" ]] || return 0
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    for pid in $pids; do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    done
}

remove_cgroups() { # path below each cgroup root; rmdir, leaf first, is how cgroups go
    local root
    for root in $(cgroup_roots); do
        if [[ -d "$root/$1" ]]; then
            find "$root/$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
        fi
    done
}

drop_veth() { # host-name: the host side of its veth pair, if left behind
    if ip link show "vb-$1" >/dev/null 2>&1; then
        ip link del "vb-$1" 2>/dev/null || true
    fi
}

stop_host() { # state dir of one host
    local dir=$1 name
    name=$(basename "$dir")
    # nspawn turns TERM into an orderly poweroff of the booted systemd; the
    # hosts are disposable, so a slow poweroff is cut short.
    stop_pid "$dir/nspawn.pid" 10
    kill_inits "$name"
    drop_veth "$name"
    remove_cgroups "$CGROUP_NAME/$name"
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
# Hosts whose state directory was lost (an interrupted run).
kill_inits
remove_cgroups "$CGROUP_NAME"

# The signing step may have left a gpg-agent for the test keyring.
if [[ -d "$OUT/gnupg" ]]; then
    gpgconf --homedir "$OUT/gnupg" --kill all 2>/dev/null || true
fi

for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^vb-$MACHINE_PREFIX-" || true); do
    ip link del "$link" 2>/dev/null || true
done
if ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link del "$BRIDGE"
fi

if [[ -f "$STATE_DIR/iptables.rule" ]]; then
    # shellcheck disable=SC2046
    iptables -D $(cat "$STATE_DIR/iptables.rule") 2>/dev/null || true
fi

# Another test bed instance's hosts may still need the raised limit.
if [[ -f "$STATE_DIR/sysctl.inotify" ]] && ! pgrep -x systemd-nspawn >/dev/null; then
    cat "$STATE_DIR/sysctl.inotify" >/proc/sys/fs/inotify/max_user_instances
fi

# nspawn's runtime dir: ours to remove if we made it and no nspawn runs.
if [[ -f "$STATE_DIR/nspawn-rundir.created" ]] && ! pgrep -x systemd-nspawn >/dev/null; then
    rm -rf /run/systemd/nspawn
else
    rm -rf /run/systemd/nspawn/propagate/"$MACHINE_PREFIX"-*
fi

rm -rf "$STATE_DIR"
rm -f "$OUT/inventory.ini" "$OUT/ssh_config" "$OUT/testbed_vars.yml"
log "down: test bed removed"
