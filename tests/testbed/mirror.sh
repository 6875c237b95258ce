#!/usr/bin/env bash
# Build the signing keys, the stand-in agent packages and the mirror tree the
# hosts download from, laid out like AWS's S3 buckets:
#
#   amazon-ssm-<region>/latest/debian_amd64/amazon-ssm-agent.deb[.sig]
#   amazon-ssm-<region>/<version>/debian_amd64/amazon-ssm-agent.deb[.sig]
#   amazon-ecs-agent-<region>/amazon-ecs-init-<version>.amd64.deb[.asc]
#   amazon-ecs-agent-<region>/amazon-ecs-init-latest.amd64.deb[.asc]
#   tampered/...   same paths: other package content, the genuine signature
#   badsig/...     same paths: genuine package, signed by a key nobody pins
#   keys/          public keys (armored), as AWS publishes amazon-*.gpg
#
# .sig is a binary detached signature (as AWS's SSM packages), .asc an armored
# one (as AWS's ECS packages). Rebuilt only when a stand-in source changes;
# the keys are made once and kept in build/testbed/gnupg.
source "$(dirname "$0")/common.sh"

SSM_VERSION="${TESTBED_SSM_VERSION:-3.3.1611.0-1}"
ECS_VERSIONS=(${TESTBED_ECS_VERSIONS:-1.90.0-1 1.91.0-1})
ECS_LATEST="${ECS_VERSIONS[-1]}"
ARCH=amd64
SRC="$TESTBED_DIR/standins"
MIRROR="$OUT/mirror"
export GNUPGHOME="$OUT/gnupg"

mkdir -p "$GNUPGHOME" "$OUT/keys"
chmod 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null || true' EXIT

# --- keys: one for SSM, one for ECS (as AWS has), and a rogue one that no
# role pins, for the bad-signature variant.
make_key() { # name uid
    local name=$1 uid=$2
    if [[ ! -s "$OUT/keys/$name.fpr" ]]; then
        gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
            --quick-gen-key "$uid" rsa2048 sign 2y 2>/dev/null
        gpg --batch --quiet --with-colons --list-keys "$uid" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}' >"$OUT/keys/$name.fpr"
    fi
    gpg --batch --yes --armor --export "$(cat "$OUT/keys/$name.fpr")" >"$OUT/keys/$name.gpg"
}
make_key ssm-agent "HybridOps test bed SSM Agent signing <ssm-signing@testbed.hybridops.invalid>"
make_key ecs-agent "HybridOps test bed ECS Agent signing <ecs-signing@testbed.hybridops.invalid>"
make_key rogue "Rogue signer, not pinned <rogue@testbed.hybridops.invalid>"

want="$( { cat "$0" "$OUT"/keys/*.fpr; echo "$SSM_VERSION ${ECS_VERSIONS[*]} $REGION"; find "$SRC" -type f | sort | xargs cat; } | sha256sum | cut -d' ' -f1)"
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

build_ssm() { # version out [tampered]
    local version=$1 out=$2 root
    root=$(mktemp -d)
    chmod 755 "$root"
    install -D -m 755 "$SRC/amazon-ssm-agent/amazon-ssm-agent" "$root/usr/bin/amazon-ssm-agent"
    # Debian has no `python`; the source keeps the shebang ansible-test allows.
    sed -i -e "s/@VERSION@/${version%-*}/" -e '1s|.*|#!/usr/bin/python3|' "$root/usr/bin/amazon-ssm-agent"
    install -D -m 644 "$SRC/awsreq.py" "$root/usr/lib/amazon-ssm-agent/awsreq.py"
    install -D -m 644 "$SRC/amazon-ssm-agent/amazon-ssm-agent.service" "$root/lib/systemd/system/amazon-ssm-agent.service"
    install -D -m 644 "$SRC/amazon-ssm-agent/amazon-ssm-agent.json.template" "$root/etc/amazon/ssm/amazon-ssm-agent.json.template"
    install -d -m 755 "$root/DEBIAN" "$root/var/lib/amazon/ssm" "$root/var/log/amazon/ssm"
    install -m 755 "$SRC/amazon-ssm-agent/postinst" "$SRC/amazon-ssm-agent/prerm" "$root/DEBIAN/"
    cat >"$root/DEBIAN/control" <<EOF
Package: amazon-ssm-agent
Version: $version
Architecture: $ARCH
Maintainer: HybridOps test bed <testbed@hybridops.invalid>
Section: admin
Priority: optional
Depends: python3, openssl, iproute2
Description: Amazon SSM Agent (test bed stand-in)
 Registers with an SSM endpoint and reports health like amazon-ssm-agent;
 built by tests/testbed/mirror.sh for the hybridops.ecs_anywhere test bed.
EOF
    [[ "${3:-}" == tampered ]] && tamper "$root"
    dpkg-deb --root-owner-group -Zgzip --build "$root" "$out" >/dev/null
    rm -rf "$root"
}

build_ecs() { # version out [tampered]
    local version=$1 out=$2 root
    root=$(mktemp -d)
    chmod 755 "$root"
    install -D -m 755 "$SRC/amazon-ecs-init/amazon-ecs-init" "$root/usr/libexec/amazon-ecs-init"
    sed -i -e "s/@VERSION@/$version/" -e '1s|.*|#!/usr/bin/python3|' "$root/usr/libexec/amazon-ecs-init"
    install -D -m 644 "$SRC/awsreq.py" "$root/usr/lib/amazon-ecs-init/awsreq.py"
    install -D -m 644 "$SRC/amazon-ecs-init/ecs.service" "$root/lib/systemd/system/ecs.service"
    install -d -m 755 "$root/DEBIAN" "$root/etc/ecs" "$root/var/lib/ecs/data" "$root/var/log/ecs" "$root/var/cache/ecs"
    install -m 755 "$SRC/amazon-ecs-init/postinst" "$SRC/amazon-ecs-init/prerm" "$SRC/amazon-ecs-init/postrm" "$root/DEBIAN/"
    cat >"$root/DEBIAN/control" <<EOF
Package: amazon-ecs-init
Version: $version
Architecture: $ARCH
Maintainer: HybridOps test bed <testbed@hybridops.invalid>
Section: misc
Priority: optional
Depends: systemd, python3
Description: Starts the Amazon ECS Agent (test bed stand-in)
 Registers the SSM managed instance as an ECS container instance and serves
 the agent's introspection API; built by tests/testbed/mirror.sh.
EOF
    [[ "${3:-}" == tampered ]] && tamper "$root"
    dpkg-deb --root-owner-group -Zgzip --build "$root" "$out" >/dev/null
    rm -rf "$root"
}

build_ssm "$SSM_VERSION" "$PKG/amazon-ssm-agent_${SSM_VERSION}_$ARCH.deb"
build_ssm "$SSM_VERSION" "$PKG/tampered-amazon-ssm-agent_${SSM_VERSION}_$ARCH.deb" tampered
for v in "${ECS_VERSIONS[@]}"; do
    build_ecs "$v" "$PKG/amazon-ecs-init_${v}_$ARCH.deb"
done
build_ecs "$ECS_LATEST" "$PKG/tampered-amazon-ecs-init_${ECS_LATEST}_$ARCH.deb" tampered

# --- mirror tree
sign() { # key deb sigfile armor|binary
    local args=(--batch --yes --local-user "$(cat "$OUT/keys/$1.fpr")" --detach-sign --output "$3")
    [[ $4 == armor ]] && args+=(--armor)
    gpg "${args[@]}" "$2"
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

publish() { # prefix genuine|tampered ssm-key ecs-key
    local prefix=$1 kind=$2 ssm_key=$3 ecs_key=$4 ssm ecs dir v real
    ssm="$MIRROR.new$prefix/amazon-ssm-$REGION"
    ecs="$MIRROR.new$prefix/amazon-ecs-agent-$REGION"
    mkdir -p "$ssm/latest/debian_$ARCH" "$ssm/${SSM_VERSION%-*}/debian_$ARCH" "$ecs"
    for dir in "$ssm/latest/debian_$ARCH" "$ssm/${SSM_VERSION%-*}/debian_$ARCH"; do
        cp "$($kind ssm "$SSM_VERSION")" "$dir/amazon-ssm-agent.deb"
        # The signature always covers the genuine package.
        sign "$ssm_key" "$(genuine ssm "$SSM_VERSION")" "$dir/amazon-ssm-agent.deb.sig" binary
    done
    echo "${SSM_VERSION%-*}" >"$ssm/latest/VERSION"
    for v in "${ECS_VERSIONS[@]}" latest; do
        real=$v
        [[ $v == latest ]] && real=$ECS_LATEST
        cp "$($kind ecs "$real")" "$ecs/amazon-ecs-init-$v.$ARCH.deb"
        sign "$ecs_key" "$(genuine ecs "$real")" "$ecs/amazon-ecs-init-$v.$ARCH.deb.asc" armor
    done
}

publish "" genuine ssm-agent ecs-agent
# Other content under the genuine signature: `gpg --verify` says BAD signature.
publish /tampered tampered ssm-agent ecs-agent
# Genuine content signed by a key no role pins.
publish /badsig genuine rogue rogue

mkdir -p "$MIRROR.new/keys"
cp "$OUT/keys/ssm-agent.gpg" "$MIRROR.new/keys/amazon-ssm-agent.gpg"
cp "$OUT/keys/ecs-agent.gpg" "$MIRROR.new/keys/amazon-ecs-agent.gpg"
echo "$want" >"$MIRROR.new/.stamp"

# Swap while the mirror server may be running: it serves $MIRROR by path.
rm -rf "$MIRROR"
mv "$MIRROR.new" "$MIRROR"
log "mirror built at $MIRROR"
