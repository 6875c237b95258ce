#!/usr/bin/env bash
# Bring up N Debian 12 hosts (systemd-nspawn -b over overlayfs) on a private
# bridge, plus the controller-side services they talk to: the signed package
# mirror and the local AWS endpoint. Idempotent: what already runs is kept.
#
#   tests/testbed/up.sh [N]        (default 3)
#
# Writes $OUT/inventory.ini, $OUT/testbed_vars.yml, $OUT/ssh_config.
source "$(dirname "$0")/common.sh"

N="${1:-${N:-3}}"
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 && "$N" -le 200 ]] || die "N must be 1..200, got '$N'"
[[ $EUID -eq 0 ]] || die "needs root (nspawn, mounts, bridge)"
for cmd in systemd-nspawn debootstrap dpkg-deb gpg ip ssh ssh-keygen; do
    command -v "$cmd" >/dev/null || die "$cmd missing: run make testbed-deps"
done
[[ -x "$PYTHON" ]] || die "$PYTHON missing: run make venv"

start=$SECONDS
mkdir -p "$STATE_DIR" "$OUT"
chmod 700 "$STATE_DIR"

"$TESTBED_DIR/rootfs.sh"
phase() { log "$* (+$((SECONDS - start)) s)"; }

# nspawn keeps locks and mount propagation dirs here; if we are the first to
# make it, `down` removes it again.
if [[ ! -d /run/systemd/nspawn && ! -f "$STATE_DIR/nspawn-rundir.created" ]]; then
    touch "$STATE_DIR/nspawn-rundir.created"
fi

# --- kernel knobs: each booted systemd takes inotify instances; the default
# 128 runs out at ~19 hosts. The old value is kept so `down` restores it.
inotify=/proc/sys/fs/inotify/max_user_instances
if [[ ! -f "$STATE_DIR/sysctl.inotify" ]]; then
    cat "$inotify" >"$STATE_DIR/sysctl.inotify"
fi
want_inotify=$((1024 + 64 * N))
if (($(cat "$inotify") < want_inotify)); then
    echo "$want_inotify" >"$inotify"
fi

# --- bridge with the controller address; hosts get no default route, so
# nothing they send can leave this /24.
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    touch "$STATE_DIR/bridge.created"
fi
ip addr replace "$CTRL_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up

# Docker's FORWARD policy DROP (with br_netfilter) would also drop traffic
# between two ports of our bridge. Insert an ACCEPT only when such rules
# exist, and remember it so `down` deletes exactly that rule.
if command -v iptables >/dev/null && [[ ! -f "$STATE_DIR/iptables.rule" ]]; then
    if iptables -S FORWARD 2>/dev/null | grep -qE '^-P FORWARD DROP|DOCKER'; then
        iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
        echo "FORWARD -i $BRIDGE -o $BRIDGE -j ACCEPT" >"$STATE_DIR/iptables.rule"
    fi
fi

# --- SSH key for Ansible, kept in build/ so it survives down/up.
mkdir -p "$OUT/ssh"
chmod 700 "$OUT/ssh"
[[ -f "$OUT/ssh/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C hybridops-testbed -f "$OUT/ssh/id_ed25519"

# --- signing keys, stand-in packages, mirror tree (rebuilt only on change).
"$TESTBED_DIR/mirror.sh"

# --- controller-side services on the bridge address, each with a pid file.
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_http() { # url timeout
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

if ! alive "$STATE_DIR/mirror.pid"; then
    setsid "$PYTHON" -m http.server --bind "$CTRL_IP" --directory "$OUT/mirror" "$MIRROR_PORT" \
        </dev/null >"$STATE_DIR/mirror.log" 2>&1 &
    echo $! >"$STATE_DIR/mirror.pid"
fi
if ! alive "$STATE_DIR/fake_aws.pid"; then
    # Same credentials as tests/conftest.py's FakeAws. The stand-in SSM agent
    # pings every 5 minutes like the real one: Online for two pings' time.
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION="$REGION" \
        FAKE_AWS_PING_TIMEOUT="${FAKE_AWS_PING_TIMEOUT:-660}" \
        setsid "$PYTHON" "$REPO/tests/fake_aws/server.py" --host "$CTRL_IP" --port "$AWS_PORT" \
        </dev/null >"$STATE_DIR/fake_aws.log" 2>&1 &
    echo $! >"$STATE_DIR/fake_aws.pid"
fi

phase "controller services started"

# --- hosts
host_running() { alive "$STATE_DIR/$1/nspawn.pid"; }

prepare_host() { # index
    local i=$1 name ip dir merged
    name=$(host_name "$i")
    ip=$(host_ip "$i")
    dir="$STATE_DIR/$name"
    merged="$dir/merged"
    mkdir -p "$dir/upper" "$dir/work" "$merged"
    if ! mountpoint -q "$merged"; then
        mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$dir/upper,workdir=$dir/work" "$merged"
    fi
    echo "$name" >"$merged/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 %s\n%s %s\n::1 localhost ip6-localhost ip6-loopback\n' \
        "$name" "$ip" "$name" >"$merged/etc/hosts"
    # Overrides the vendor file of the same name (DHCP) with a static
    # address and no gateway.
    cat >"$merged/etc/systemd/network/80-container-host0.network" <<EOF
[Match]
Virtualization=container
Name=host0

[Network]
Address=$ip/24
LinkLocalAddressing=no
IPv6AcceptRA=no
EOF
    # Ansible comes in as the admin user (root may not log in over SSH).
    local uid
    uid=$(awk -F: -v user="$ADMIN_USER" '$1 == user {print $3 ":" $4}' "$merged/etc/passwd")
    install -d -m 700 -o "${uid%:*}" -g "${uid#*:}" "$merged/home/$ADMIN_USER/.ssh"
    install -m 600 -o "${uid%:*}" -g "${uid#*:}" "$OUT/ssh/id_ed25519.pub" "$merged/home/$ADMIN_USER/.ssh/authorized_keys"
    # The distro archive on the mirror stands for deb.debian.org, signed by a
    # key the host trusts as Debian hosts trust Debian's (trusted.gpg.d).
    echo "deb http://$CTRL_IP:$MIRROR_PORT/debian bookworm main" >"$merged/etc/apt/sources.list"
    install -m 644 "$OUT/keys/debian-archive.gpg" "$merged/etc/apt/trusted.gpg.d/hybridops-testbed-debian-archive.asc"
    # Stand-in delays (registration, agent start): realistic by default.
    if [[ -n "${TESTBED_STANDIN_TIMING:-}" ]]; then
        mkdir -p "$merged/etc/hybridops-testbed"
        tr ' ' '\n' <<<"$TESTBED_STANDIN_TIMING" >"$merged/etc/hybridops-testbed/timing.conf"
    fi
    apply_variants "$i" "$merged"
    # Per-host SSH host key (the cached rootfs has none); ed25519 only, as
    # RSA generation would cost a second per host.
    if [[ ! -f "$merged/etc/ssh/ssh_host_ed25519_key" ]]; then
        ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$merged/etc/ssh/ssh_host_ed25519_key"
    fi
}

# Host variants, e.g. TESTBED_HOST_VARIANTS="2:nogpg 3:nocurl" or "3:nogpg,nocurl":
# packages a real server may lack, removed from that host's layer before it boots.
#   nogpg   no gpg (gnupg, gpg and what needs them; gpgv stays, as apt needs it)
#   nocurl  no curl and no python3-apt
host_variants() { # index -> variant names, one a line
    local entry
    for entry in ${TESTBED_HOST_VARIANTS:-}; do
        [[ "${entry%%:*}" == "$1" ]] && tr ',' '\n' <<<"${entry#*:}"
    done
    return 0
}

apply_variants() { # index merged-root
    local variant packages=()
    for variant in $(host_variants "$1"); do
        case $variant in
            nogpg) packages+=(gpg gnupg) ;;
            nocurl) packages+=(curl python3-apt) ;;
            *) die "unknown host variant '$variant' (known: nogpg, nocurl)" ;;
        esac
    done
    ((${#packages[@]})) || return 0
    chroot "$2" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq purge "${packages[@]}" >"$STATE_DIR/$(host_name "$1")/variants.log" 2>&1 ||
        die "removing ${packages[*]} from $(host_name "$1") failed, see $STATE_DIR/$(host_name "$1")/variants.log"
}

start_host() { # index
    local name dir root procs=""
    name=$(host_name "$1")
    dir="$STATE_DIR/$name"
    for root in $(cgroup_roots); do
        mkdir -p "$root/$CGROUP_NAME/$name"
        procs+=" $root/$CGROUP_NAME/$name/cgroup.procs"
    done
    # The wrapper moves itself into the host's own cgroups, then becomes
    # nspawn (same pid). --register=no/--keep-unit: no systemd-machined on
    # the controller to register with. --console=read-only: boot messages
    # go to console.log.
    # shellcheck disable=SC2086,SC2016
    CGROUP_PROCS="$procs" setsid sh -c 'for g in $CGROUP_PROCS; do echo $$ >"$g"; done; exec "$@"' sh \
        systemd-nspawn --quiet --boot --directory="$dir/merged" --machine="$name" \
        --register=no --keep-unit --link-journal=no --resolv-conf=off --timezone=off \
        --network-bridge="$BRIDGE" --console=read-only ${TESTBED_NSPAWN_ARGS:-} \
        </dev/null >"$dir/console.log" 2>&1 &
    echo $! >"$dir/nspawn.pid"
}

# Hosts beyond N from an earlier, larger `up` are stopped: up is declarative.
for dir in "$STATE_DIR/$MACHINE_PREFIX"-*; do
    [[ -d "$dir" ]] || continue
    idx=${dir##*-}
    if ((idx > N)); then "$TESTBED_DIR/down.sh" --host "$idx"; fi
done

for ((i = 1; i <= N; i++)); do
    name=$(host_name "$i")
    if host_running "$name"; then continue; fi
    # A host of an interrupted run may still hold the name's veth.
    "$TESTBED_DIR/down.sh" --host "$i"
    prepare_host "$i"
    start_host "$i"
done

phase "hosts started"

# --- wait until every host answers SSH, and the endpoints answer.
SSH_OPTS=(-i "$OUT/ssh/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=2)
deadline=$((SECONDS + ${TESTBED_BOOT_TIMEOUT:-90}))
for ((i = 1; i <= N; i++)); do
    name=$(host_name "$i")
    until ssh "${SSH_OPTS[@]}" "$ADMIN_USER@$(host_ip "$i")" true 2>/dev/null; do
        host_running "$name" || die "$name exited during boot, see $STATE_DIR/$name/console.log"
        ((SECONDS < deadline)) || die "$name not reachable over SSH, see $STATE_DIR/$name/console.log"
        sleep 0.3
    done
done
phase "hosts answer SSH"
wait_http "http://$CTRL_IP:$MIRROR_PORT/" 20 || die "mirror not answering, see $STATE_DIR/mirror.log"
wait_http "http://$CTRL_IP:$AWS_PORT/moto-api/" 60 || die "fake AWS not answering, see $STATE_DIR/fake_aws.log"

# --- what Ansible and the tests read.
{
    echo "# Written by tests/testbed/up.sh; removed by down.sh."
    echo "[testbed]"
    for ((i = 1; i <= N; i++)); do
        echo "$(host_name "$i") ansible_host=$(host_ip "$i")"
    done
    echo
    echo "[testbed:vars]"
    echo "ansible_user=$ADMIN_USER"
    echo "ansible_ssh_private_key_file=$OUT/ssh/id_ed25519"
    echo "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
    echo "ansible_python_interpreter=/usr/bin/python3"
    echo "ansible_pipelining=true"
} >"$OUT/inventory.ini"

{
    echo "Host $MACHINE_PREFIX-*"
    echo "  User $ADMIN_USER"
    echo "  IdentityFile $OUT/ssh/id_ed25519"
    echo "  StrictHostKeyChecking no"
    echo "  UserKnownHostsFile /dev/null"
    echo "  LogLevel ERROR"
    for ((i = 1; i <= N; i++)); do
        echo "Host $(host_name "$i")"
        echo "  HostName $(host_ip "$i")"
    done
} >"$OUT/ssh_config"

"$TESTBED_DIR/write_vars.sh" "$N"

log "up: $N host(s) in $((SECONDS - start)) s; inventory $OUT/inventory.ini"
