#!/usr/bin/env bash
# Build the cached Debian 12 rootfs the hosts boot from (once, ~100 s).
# Rebuilt only when the package list or this script's setup steps change
# (the stamp holds a hash of both), so `up` from a warm cache is fast.
source "$(dirname "$0")/common.sh"

SUITE=bookworm
MIRROR="${TESTBED_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# systemd + dbus: real init for `ansible_service_mgr == systemd`;
# python3(-apt): Ansible modules incl. apt/package_facts, since hosts have no
# route to a Debian mirror to fetch python3-apt on demand;
# gnupg/curl/ca-certificates: what the roles use to fetch and verify agents.
PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,openssh-server,python3,python3-apt,gnupg,curl,ca-certificates,sudo,iproute2,procps,less

STAMP="$ROOTFS/.hybridops-rootfs"
want="$( { echo "$SUITE $PACKAGES"; sed -n '/^configure_rootfs()/,/^}/p' "$0"; } | sha256sum | cut -d' ' -f1)"

configure_rootfs() {
    local r="$1"
    # Host keys are made per host at `up`; a shared key would make every host
    # look the same to SSH.
    rm -f "$r"/etc/ssh/ssh_host_*
    # Empty machine-id: each host's systemd makes its own at first boot.
    : >"$r/etc/machine-id"
    # networkd configures host0 from the per-host 80-container-host0.network.
    chroot "$r" systemctl enable systemd-networkd.service >/dev/null 2>&1
    # No route to a Debian mirror: apt's timers would only hold the dpkg lock
    # while Ansible wants it.
    chroot "$r" systemctl mask apt-daily.timer apt-daily-upgrade.timer >/dev/null 2>&1
    # Consoles are not used (Ansible comes in over SSH).
    chroot "$r" systemctl mask console-getty.service getty@tty1.service >/dev/null 2>&1
    mkdir -p "$r/root/.ssh" && chmod 700 "$r/root/.ssh"
    # A server as people get them: an admin user with passwordless sudo, and
    # root not allowed in over SSH (Debian's installer and cloud images).
    chroot "$r" useradd --create-home --shell /bin/bash --groups sudo "$ADMIN_USER"
    printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$ADMIN_USER" >"$r/etc/sudoers.d/90-$ADMIN_USER"
    chmod 440 "$r/etc/sudoers.d/90-$ADMIN_USER"
    install -d -m 700 -o 1000 -g 1000 "$r/home/$ADMIN_USER/.ssh"
    printf 'PermitRootLogin no\n' >"$r/etc/ssh/sshd_config.d/10-hybridops-testbed.conf"
    # The packages debootstrap fetched become the mirror's distro archive
    # (mirror.sh), so hosts can install e.g. gnupg again from "Debian".
    rm -rf "$CACHE_DIR/debs.new"
    mkdir -p "$CACHE_DIR/debs.new"
    mv "$r"/var/cache/apt/archives/*.deb "$CACHE_DIR/debs.new/"
    rm -rf "$r"/var/lib/apt/lists/*_Packages
}

# One builder at a time: bed instances brought up at once share this cache (the others wait, then find it built).
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.build.lock"
flock 9

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    log "rootfs cached at $ROOTFS"
    exit 0
fi

command -v debootstrap >/dev/null || die "debootstrap missing: run make testbed-deps"
# Running hosts use the rootfs as their overlay's lower layer.
if grep -q "lowerdir=$ROOTFS," /proc/self/mountinfo; then
    die "the rootfs must be rebuilt but hosts still run on it: run make testbed-down first"
fi
mkdir -p "$CACHE_DIR"
tmp="$CACHE_DIR/rootfs.new"
rm -rf "$tmp"
log "debootstrap $SUITE into $tmp (about 100 s)"
start=$SECONDS
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 ||
    die "debootstrap failed, see $CACHE_DIR/debootstrap.log"
configure_rootfs "$tmp"
rm -rf "$CACHE_DIR/debs"
mv "$CACHE_DIR/debs.new" "$CACHE_DIR/debs"
echo "$want" >"$tmp/.hybridops-rootfs"
# Swap in atomically so a half-built tree is never used.
rm -rf "$ROOTFS"
mv "$tmp" "$ROOTFS"
log "rootfs built in $((SECONDS - start)) s"
