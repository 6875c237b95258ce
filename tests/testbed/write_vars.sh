#!/usr/bin/env bash
# Write build/testbed/testbed_vars.yml: everything a playbook or test needs to
# use the running test bed (endpoints, keys, versions, hosts). Called by up.sh.
source "$(dirname "$0")/common.sh"

N="${1:?usage: write_vars.sh N}"
SSM_VERSION="${TESTBED_SSM_VERSION:-3.3.1611.0-1}"
read -r -a ECS_VERSIONS <<<"${TESTBED_ECS_VERSIONS:-1.90.0-1 1.91.0-1}"
mirror="http://$CTRL_IP:$MIRROR_PORT"

{
    echo "# Written by tests/testbed/up.sh; removed by down.sh."
    echo "testbed_region: $REGION"
    echo "# Local AWS endpoint (tests/fake_aws) on the bridge; any credentials work."
    echo "testbed_aws_endpoint_url: http://$CTRL_IP:$AWS_PORT"
    echo "testbed_aws_access_key_id: testing"
    echo "testbed_aws_secret_access_key: testing"
    echo "# Package mirror with AWS's S3 layout: replaces https://s3.<region>.amazonaws.com"
    echo "testbed_mirror_url: $mirror"
    echo "testbed_mirror_tampered_url: $mirror/tampered"
    echo "testbed_mirror_badsig_url: $mirror/badsig"
    echo "testbed_ssm_deb_url: $mirror/amazon-ssm-$REGION/latest/debian_amd64/amazon-ssm-agent.deb"
    echo "testbed_ecs_deb_url_template: $mirror/amazon-ecs-agent-$REGION/amazon-ecs-init-{version}.amd64.deb"
    echo "testbed_ssm_version: '$SSM_VERSION'"
    echo "testbed_ecs_versions:"
    for v in "${ECS_VERSIONS[@]}"; do echo "  - '$v'"; done
    echo "testbed_ecs_latest_version: '${ECS_VERSIONS[-1]}'"
    echo "# Signing keys made for this test bed (pin these instead of AWS's)."
    echo "testbed_ssm_key_fingerprint: $(cat "$OUT/keys/ssm-agent.fpr")"
    echo "testbed_ecs_key_fingerprint: $(cat "$OUT/keys/ecs-agent.fpr")"
    echo "testbed_rogue_key_fingerprint: $(cat "$OUT/keys/rogue.fpr")"
    echo "testbed_ssm_key_file: $OUT/keys/ssm-agent.gpg"
    echo "testbed_ecs_key_file: $OUT/keys/ecs-agent.gpg"
    echo "testbed_ssm_key_url: $mirror/keys/amazon-ssm-agent.gpg"
    echo "testbed_ecs_key_url: $mirror/keys/amazon-ecs-agent.gpg"
    echo "# Hosts and how to reach them."
    echo "testbed_inventory: $OUT/inventory.ini"
    echo "testbed_ssh_key_file: $OUT/ssh/id_ed25519"
    echo "testbed_controller_ip: $CTRL_IP"
    echo "testbed_hosts:"
    for ((i = 1; i <= N; i++)); do
        echo "  - {name: $(host_name "$i"), ip: $(host_ip "$i")}"
    done
} >"$OUT/testbed_vars.yml"
