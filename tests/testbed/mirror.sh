#!/usr/bin/env bash
# Build the signing keys, the stand-in agent packages and the mirror tree the
# hosts download from, laid out like AWS's S3 buckets:
#
#   amazon-ssm-<region>/latest/debian_amd64/amazon-ssm-agent.deb[.sig]
#   amazon-ssm-<region>/<version>/debian_amd64/amazon-ssm-agent.deb[.sig]
#   amazon-ecs-agent-<region>/amazon-ecs-init-<version>.amd64.deb[.asc]
#   amazon-ecs-agent-<region>/amazon-ecs-init-latest.amd64.deb[.asc]
#   tampered/...     same paths: other package content, the genuine signature
#   badsig/...       same paths: genuine package, signed by a key nobody pins
#   crosssigned/...  same paths: the SSM package signed by the ECS key and the
#                    other way round (a valid signature by the wrong pinned key)
#   expired/...      same paths: signed by an expired SSM key (gpg: EXPKEYSIG)
#
# and two apt repositories for the container runtime:
#
#   debian/          stands in for deb.debian.org/debian (bookworm main): the
#                    packages debootstrap fetched for the rootfs, plus stand-in
#                    docker.io and containerd; signed by the test "Debian archive" key
#   linux/debian/    laid out like download.docker.com/linux/debian (bookworm
#                    stable): stand-in docker-ce, docker-ce-cli, containerd.io;
#                    its key (armored) at linux/debian/gpg, as Docker serves it
#
# No AWS keys are served: the roles ship the pinned public keys (tests pass the
# test keys by variable).
# .sig is a binary detached signature (as AWS's SSM packages), .asc an armored
# one (as AWS's ECS packages). Rebuilt only when a stand-in source changes;
# the keys are made once and kept in build/testbed/gnupg.
source "$(dirname "$0")/common.sh"

SSM_VERSION="${TESTBED_SSM_VERSION:-3.3.1611.0-1}"
read -r -a ECS_VERSIONS <<<"${TESTBED_ECS_VERSIONS:-1.90.0-1 1.91.0-1}"
ECS_LATEST="${ECS_VERSIONS[-1]}"
ARCH=amd64
SRC="$TESTBED_DIR/standins"
MIRROR="$OUT/mirror"
export GNUPGHOME="$OUT/gnupg"

mkdir -p "$GNUPGHOME" "$OUT/keys"
chmod 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null || true' EXIT

# --- keys, like AWS's: the ECS key signs with a subkey (VALIDSIG's last field
# is the primary fingerprint, what gets pinned); the SSM keyring holds older,
# expired keys beside the current one; a rogue key nobody pins; a test
# "Debian archive" key the hosts trust as they trust Debian's, and a key for
# the repository laid out like Docker's. The set is made once and kept; a set
# of another layout (KEYS_LAYOUT) is made anew.
KEYS_LAYOUT=2
if [[ "$(cat "$OUT/keys/.layout" 2>/dev/null)" != "$KEYS_LAYOUT" ]]; then
    gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null || true
    rm -rf "$GNUPGHOME" "$OUT/keys"
    mkdir -p "$GNUPGHOME" "$OUT/keys"
    chmod 700 "$GNUPGHOME"
fi
gpg_batch() { gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }
primary_fpr() { gpg --batch --with-colons --list-keys "=$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
make_key() { # name uid usage [expiry] [faked-time]
    local name=$1 uid=$2 usage=$3 expiry=${4:-2y} faked=${5:-}
    if [[ ! -s "$OUT/keys/$name.fpr" ]]; then
        gpg_batch ${faked:+--faked-system-time "$faked"} --quick-gen-key "$uid" rsa2048 "$usage" "$expiry" 2>/dev/null
        primary_fpr "$uid" >"$OUT/keys/$name.fpr"
    fi
}
# Expired SSM keys: made and valid weeks ago (gpg's faked clock), expired since.
make_key ssm-agent-2023 "HybridOps test bed SSM Agent signing 2023 <ssm-signing@testbed.hybridops.invalid>" sign 7d \
    "$(date -u -d '-60 days' +%Y%m%dT%H%M%S)"
make_key ssm-agent-2024 "HybridOps test bed SSM Agent signing 2024 <ssm-signing@testbed.hybridops.invalid>" sign 7d \
    "$(date -u -d '-30 days' +%Y%m%dT%H%M%S)"
make_key ssm-agent "HybridOps test bed SSM Agent signing <ssm-signing@testbed.hybridops.invalid>" sign
if [[ ! -s "$OUT/keys/ecs-agent.fpr" ]]; then
    make_key ecs-agent "HybridOps test bed ECS Agent signing <ecs-signing@testbed.hybridops.invalid>" cert
    gpg_batch --quick-add-key "$(cat "$OUT/keys/ecs-agent.fpr")" rsa2048 sign 2y
fi
make_key rogue "Rogue signer, not pinned <rogue@testbed.hybridops.invalid>" sign
make_key debian-archive "HybridOps test bed Debian archive signing key <debian-archive@testbed.hybridops.invalid>" sign
make_key docker-repo "HybridOps test bed Docker Release (CE deb) <docker@testbed.hybridops.invalid>" sign
export_key() { # file fpr...
    local file=$1
    shift
    gpg --batch --yes --armor --export "$@" >"$file"
}
# The SSM key file holds every SSM key, current first (as AWS's amazon-ssm-agent.gpg
# carries the older keys); the fingerprints file lists them in that order.
cat "$OUT/keys/ssm-agent.fpr" "$OUT/keys/ssm-agent-2024.fpr" "$OUT/keys/ssm-agent-2023.fpr" >"$OUT/keys/ssm-agent.fprs"
mapfile -t SSM_FINGERPRINTS <"$OUT/keys/ssm-agent.fprs"
export_key "$OUT/keys/ssm-agent.gpg" "${SSM_FINGERPRINTS[@]}"
for name in ecs-agent rogue debian-archive docker-repo; do
    export_key "$OUT/keys/$name.gpg" "$(cat "$OUT/keys/$name.fpr")"
done
echo "$KEYS_LAYOUT" >"$OUT/keys/.layout"

DEBS="$CACHE_DIR/debs" # debootstrap's packages (rootfs.sh), the distro archive's base
want="$( {
    cat "$0" "$OUT"/keys/*.fpr
    echo "$SSM_VERSION ${ECS_VERSIONS[*]} $REGION"
    find "$SRC" -type f | sort | xargs cat
    ls "$DEBS" 2>/dev/null
} | sha256sum | cut -d' ' -f1)"
if [[ -f "$MIRROR/.stamp" && "$(cat "$MIRROR/.stamp")" == "$want" ]]; then
    log "mirror up to date at $MIRROR"
    exit 0
fi

# --- packages
PKG="$OUT/packages"
rm -rf "$PKG" "$MIRROR.new"
mkdir -p "$PKG"

tamper() { # package root: what a tampered package would slip in
    mkdir -p "$1/etc"
    echo "this package was modified after signing" >"$1/etc/hybridops-testbed-tampered"
    printf 'touch /var/tmp/hybridops-tampered-package-installed\n' >>"$1/DEBIAN/postinst"
}

new_root() { # -> path of an empty package root
    local root
    root=$(mktemp -d)
    chmod 755 "$root"
    install -d -m 755 "$root/DEBIAN"
    echo "$root"
}

script() { # source dest version: a Python stand-in with its version and Debian's python3
    install -D -m 755 "$1" "$2"
    # Debian has no `python`; the sources keep the shebang ansible-test allows.
    sed -i -e "s/@VERSION@/$3/" -e '1s|.*|#!/usr/bin/python3|' "$2"
}

control() { # root package version depends [extra lines...]
    local root=$1 package=$2 version=$3 depends=$4
    shift 4
    {
        echo "Package: $package"
        echo "Version: $version"
        echo "Architecture: $ARCH"
        echo "Maintainer: HybridOps test bed <testbed@hybridops.invalid>"
        [[ -n "$depends" ]] && echo "Depends: $depends"
        printf '%s\n' "$@"
    } >"$root/DEBIAN/control"
}

pack() { # root out
    dpkg-deb --root-owner-group -Zgzip --build "$1" "$2" >/dev/null
    rm -rf "$1"
}

build_ssm() { # version out [tampered]
    local version=$1 out=$2 root
    root=$(new_root)
    script "$SRC/amazon-ssm-agent/amazon-ssm-agent" "$root/usr/bin/amazon-ssm-agent" "${version%-*}"
    install -D -m 644 "$SRC/awsreq.py" "$root/usr/lib/amazon-ssm-agent/awsreq.py"
    install -D -m 644 "$SRC/amazon-ssm-agent/amazon-ssm-agent.service" "$root/lib/systemd/system/amazon-ssm-agent.service"
    install -D -m 644 "$SRC/amazon-ssm-agent/amazon-ssm-agent.json.template" "$root/etc/amazon/ssm/amazon-ssm-agent.json.template"
    install -d -m 755 "$root/var/lib/amazon/ssm" "$root/var/log/amazon/ssm"
    install -m 755 "$SRC/amazon-ssm-agent/postinst" "$SRC/amazon-ssm-agent/prerm" "$root/DEBIAN/"
    control "$root" amazon-ssm-agent "$version" "python3, openssl, iproute2" "Section: admin" "Priority: optional" \
        "Description: Amazon SSM Agent (test bed stand-in)" \
        " Registers with an SSM endpoint and reports health like amazon-ssm-agent;" \
        " built by tests/testbed/mirror.sh for the hybridops.ecs_anywhere test bed."
    [[ "${3:-}" == tampered ]] && tamper "$root"
    pack "$root" "$out"
}

# The agent image ecs-init loads into Docker (a `docker save` tarball; the real
# deb carries the agent's image in /var/cache/ecs).
agent_image() { # out
    local dir
    dir=$(mktemp -d)
    printf '[{"Config":"standin.json","RepoTags":["amazon/amazon-ecs-agent:latest"],"Layers":[]}]\n' >"$dir/manifest.json"
    echo '{}' >"$dir/standin.json"
    tar -C "$dir" --owner=0 --group=0 --mtime=@0 -cf "$1" manifest.json standin.json
    rm -rf "$dir"
}

build_ecs() { # version out [tampered]
    local version=$1 out=$2 root
    root=$(new_root)
    script "$SRC/amazon-ecs-init/amazon-ecs-init" "$root/usr/libexec/amazon-ecs-init" "$version"
    install -D -m 644 "$SRC/awsreq.py" "$root/usr/lib/amazon-ecs-init/awsreq.py"
    install -D -m 644 "$SRC/amazon-ecs-init/ecs.service" "$root/lib/systemd/system/ecs.service"
    install -d -m 755 "$root/etc/ecs" "$root/var/lib/ecs/data" "$root/var/log/ecs" "$root/var/cache/ecs"
    agent_image "$root/var/cache/ecs/ecs-agent.tar"
    install -m 755 "$SRC/amazon-ecs-init/postinst" "$SRC/amazon-ecs-init/prerm" "$SRC/amazon-ecs-init/postrm" "$root/DEBIAN/"
    # Depends as packaging/generic-deb-integrated/debian/control of aws/amazon-ecs-agent
    # (python3: the stand-in's own need).
    control "$root" amazon-ecs-init "$version" \
        "systemd, python3, docker-ce (>= 17.12.0) | docker-engine (>= 1.6.0) | docker-ee | docker.io" \
        "Section: misc" "Priority: optional" \
        "Description: Starts the Amazon ECS Agent (test bed stand-in)" \
        " Registers the SSM managed instance as an ECS container instance and serves" \
        " the agent's introspection API; built by tests/testbed/mirror.sh."
    [[ "${3:-}" == tampered ]] && tamper "$root"
    pack "$root" "$out"
}

# Container runtimes: one stand-in daemon and CLI under the real package names.
DOCKER_IO_VERSION=20.10.24+dfsg1-1+b3
CONTAINERD_VERSION=1.6.20~ds1-1+b1
DOCKER_CE_VERSION=5:27.3.1-1~debian.12~bookworm
CONTAINERD_IO_VERSION=1.7.22-1
upstream() { # Debian version -> the upstream part docker reports (no epoch, no revision)
    local v=${1#*:}
    echo "${v%-*}"
}
build_dockerd() { # package version dockerd-path depends conflicts [with-cli]
    local root
    root=$(new_root)
    script "$SRC/docker/dockerd" "$root$3" "$(upstream "$2")"
    install -D -m 644 "$SRC/docker/docker.socket" "$root/lib/systemd/system/docker.socket"
    install -D -m 644 "$SRC/docker/docker.service" "$root/lib/systemd/system/docker.service"
    sed -i "s|@DOCKERD@|$3|" "$root/lib/systemd/system/docker.service"
    [[ "${6:-}" == with-cli ]] && script "$SRC/docker/docker" "$root/usr/bin/docker" "$(upstream "$2")"
    install -m 755 "$SRC/docker/postinst" "$SRC/docker/prerm" "$root/DEBIAN/"
    control "$root" "$1" "$2" "$4" ${5:+"Conflicts: $5"} "Section: admin" "Priority: optional" \
        "Description: Linux container runtime (test bed stand-in)" " Engine API subset on /var/run/docker.sock; runs no containers."
    pack "$root" "$PKG/$1_${2#*:}_$ARCH.deb"
}
build_containerd() { # package version [control lines...]
    local root package=$1 version=$2
    shift 2
    root=$(new_root)
    install -D -m 755 "$SRC/docker/containerd" "$root/usr/bin/containerd"
    install -D -m 644 "$SRC/docker/containerd.service" "$root/lib/systemd/system/containerd.service"
    install -m 755 "$SRC/docker/containerd.postinst" "$root/DEBIAN/postinst"
    install -m 755 "$SRC/docker/containerd.prerm" "$root/DEBIAN/prerm"
    control "$root" "$package" "$version" "" "$@" "Section: admin" "Priority: optional" \
        "Description: container runtime (test bed stand-in)" " Holds containerd's unit and socket directory."
    pack "$root" "$PKG/${package}_${version#*:}_$ARCH.deb"
}
# Debian's: docker.io needs containerd (bookworm's control also names runc, tini, iptables...).
build_dockerd docker.io "$DOCKER_IO_VERSION" /usr/sbin/dockerd "containerd (>= 1.4~), python3" "" with-cli
build_containerd containerd "$CONTAINERD_VERSION"
# Docker's (docker/docker-ce-packaging deb/common/control): the CLI apart, containerd.io instead
# of the distro's containerd and runc.
build_dockerd docker-ce "$DOCKER_CE_VERSION" /usr/bin/dockerd "containerd.io (>= 1.6.24), docker-ce-cli, python3" \
    "docker (<< 1.5~), docker-engine, docker.io"
root=$(new_root)
script "$SRC/docker/docker" "$root/usr/bin/docker" "$(upstream "$DOCKER_CE_VERSION")"
control "$root" docker-ce-cli "$DOCKER_CE_VERSION" "python3" "Conflicts: docker (<< 1.5~), docker-engine, docker.io" \
    "Section: admin" "Priority: optional" "Description: Docker CLI (test bed stand-in)" " The docker command for the stand-in dockerd."
pack "$root" "$PKG/docker-ce-cli_${DOCKER_CE_VERSION#*:}_$ARCH.deb"
build_containerd containerd.io "$CONTAINERD_IO_VERSION" "Provides: containerd, runc" "Conflicts: containerd, runc" "Replaces: containerd, runc"

build_ssm "$SSM_VERSION" "$PKG/amazon-ssm-agent_${SSM_VERSION}_$ARCH.deb"
build_ssm "$SSM_VERSION" "$PKG/tampered-amazon-ssm-agent_${SSM_VERSION}_$ARCH.deb" tampered
for v in "${ECS_VERSIONS[@]}"; do
    build_ecs "$v" "$PKG/amazon-ecs-init_${v}_$ARCH.deb"
done
build_ecs "$ECS_LATEST" "$PKG/tampered-amazon-ecs-init_${ECS_LATEST}_$ARCH.deb" tampered

# --- AWS's buckets, with their variants
sign() { # key-name deb sigfile armor|binary [faked-time]
    local args=(--batch --yes --local-user "$(cat "$OUT/keys/$1.fpr")" --detach-sign --output "$3")
    [[ $4 == armor ]] && args+=(--armor)
    [[ -n "${5:-}" ]] && args+=(--faked-system-time "$5")
    gpg "${args[@]}" "$2" 2>/dev/null
}

genuine() { # ssm|ecs version
    if [[ $1 == ssm ]]; then echo "$PKG/amazon-ssm-agent_${2}_$ARCH.deb"; else echo "$PKG/amazon-ecs-init_${2}_$ARCH.deb"; fi
}
tampered() { # ssm|ecs version; only the latest ECS version is tampered
    if [[ $1 == ssm ]]; then
        echo "$PKG/tampered-amazon-ssm-agent_${2}_$ARCH.deb"
    elif [[ $2 == "$ECS_LATEST" ]]; then
        echo "$PKG/tampered-amazon-ecs-init_${2}_$ARCH.deb"
    else
        genuine "$@"
    fi
}

# When the expired key was still valid: signatures made then verify as EXPKEYSIG now.
EXPIRED_SIGNED_AT="$(gpg --batch --with-colons --list-keys "$(cat "$OUT/keys/ssm-agent-2024.fpr")" | awk -F: '$1=="pub"{print $6; exit}')"
EXPIRED_SIGNED_AT="$(date -u -d "@$((EXPIRED_SIGNED_AT + 3600))" +%Y%m%dT%H%M%S)"

publish() { # prefix genuine|tampered ssm-key ecs-key [faked-time]
    local prefix=$1 kind=$2 ssm_key=$3 ecs_key=$4 faked=${5:-} ssm ecs dir v real
    ssm="$MIRROR.new$prefix/amazon-ssm-$REGION"
    ecs="$MIRROR.new$prefix/amazon-ecs-agent-$REGION"
    mkdir -p "$ssm/latest/debian_$ARCH" "$ssm/${SSM_VERSION%-*}/debian_$ARCH" "$ecs"
    for dir in "$ssm/latest/debian_$ARCH" "$ssm/${SSM_VERSION%-*}/debian_$ARCH"; do
        cp "$($kind ssm "$SSM_VERSION")" "$dir/amazon-ssm-agent.deb"
        # The signature always covers the genuine package.
        sign "$ssm_key" "$(genuine ssm "$SSM_VERSION")" "$dir/amazon-ssm-agent.deb.sig" binary "$faked"
    done
    echo "${SSM_VERSION%-*}" >"$ssm/latest/VERSION"
    for v in "${ECS_VERSIONS[@]}" latest; do
        real=$v
        [[ $v == latest ]] && real=$ECS_LATEST
        cp "$($kind ecs "$real")" "$ecs/amazon-ecs-init-$v.$ARCH.deb"
        sign "$ecs_key" "$(genuine ecs "$real")" "$ecs/amazon-ecs-init-$v.$ARCH.deb.asc" armor "$faked"
    done
}

publish "" genuine ssm-agent ecs-agent
# Other content under the genuine signature: `gpg --verify` says BAD signature.
publish /tampered tampered ssm-agent ecs-agent
# Genuine content signed by a key no role pins.
publish /badsig genuine rogue rogue
# Genuine content, each signed by the other agent's pinned key.
publish /crosssigned genuine ecs-agent ssm-agent
# Genuine content signed (when it was valid) by an SSM key that has expired since.
publish /expired genuine ssm-agent-2024 ssm-agent-2024 "$EXPIRED_SIGNED_AT"

# --- apt repositories
release() { # dists-dir key origin label suite codename components description
    local dir=$1 key=$2 file
    {
        echo "Origin: $3"
        echo "Label: $4"
        echo "Suite: $5"
        echo "Codename: $6"
        echo "Date: $(LC_ALL=C date -Ru)"
        echo "Architectures: $ARCH"
        echo "Components: $7"
        echo "Description: $8"
        for sum in MD5Sum:md5sum SHA256:sha256sum; do
            echo "${sum%%:*}:"
            (cd "$dir" && find . -path ./Release -prune -o -type f -printf '%P\n' | sort | while read -r file; do
                printf ' %s %16d %s\n' "$(${sum#*:} "$file" | cut -d' ' -f1)" "$(stat -c %s "$file")" "$file"
            done)
        done
    } >"$dir/Release"
    gpg --batch --yes --local-user "$(cat "$OUT/keys/$key.fpr")" --clearsign --output "$dir/InRelease" "$dir/Release"
    gpg --batch --yes --local-user "$(cat "$OUT/keys/$key.fpr")" --armor --detach-sign --output "$dir/Release.gpg" "$dir/Release"
}

index() { # repo-root pool-subdir dists-dir component: Packages(.gz) for the pool
    local out="$3/$4/binary-$ARCH"
    mkdir -p "$out"
    (cd "$1" && dpkg-scanpackages --multiversion "$2" /dev/null 2>/dev/null) >"$out/Packages"
    gzip -9kn "$out/Packages"
}

[[ -d "$DEBS" ]] || die "$DEBS missing: the rootfs build keeps debootstrap's packages there (rootfs.sh)"
distro="$MIRROR.new/debian"
mkdir -p "$distro/pool/main/debootstrap" "$distro/pool/main/standin"
# Hard links when on the same file system: 60 MB not copied.
cp -l "$DEBS"/*.deb "$distro/pool/main/debootstrap/" 2>/dev/null || cp "$DEBS"/*.deb "$distro/pool/main/debootstrap/"
cp "$PKG"/docker.io_*.deb "$PKG"/containerd_*.deb "$distro/pool/main/standin/"
index "$distro" pool/main "$distro/dists/bookworm" main
release "$distro/dists/bookworm" debian-archive Debian Debian stable bookworm main \
    "HybridOps test bed stand-in for Debian 12 (deb.debian.org/debian)"

docker="$MIRROR.new/linux/debian"
mkdir -p "$docker/dists/bookworm/pool/stable/$ARCH"
cp "$PKG"/docker-ce_*.deb "$PKG"/docker-ce-cli_*.deb "$PKG"/containerd.io_*.deb "$docker/dists/bookworm/pool/stable/$ARCH/"
index "$docker" "dists/bookworm/pool/stable" "$docker/dists/bookworm" stable
release "$docker/dists/bookworm" docker-repo Docker "Docker CE" bookworm bookworm stable \
    "HybridOps test bed stand-in for download.docker.com/linux/debian"
cp "$OUT/keys/docker-repo.gpg" "$docker/gpg"

echo "$want" >"$MIRROR.new/.stamp"

# Swap while the mirror server may be running: it serves $MIRROR by path.
rm -rf "$MIRROR"
mv "$MIRROR.new" "$MIRROR"
log "mirror built at $MIRROR"
