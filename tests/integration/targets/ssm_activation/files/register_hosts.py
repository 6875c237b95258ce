"""Register hosts with an activation as amazon-ssm-agent does (unsigned RegisterManagedInstance); print their mi- ids.

Arguments: endpoint URL, activation id, number of hosts; the activation code comes on stdin, so no log sees it.
"""

import base64
import json
import sys
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def main(url, activation_id, count):
    code = sys.stdin.read().strip()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ids = []
    for index in range(count):
        body = {
            "ActivationId": activation_id,
            "ActivationCode": code,
            "PublicKey": base64.b64encode(der).decode("ascii"),
            "PublicKeyType": "Rsa",
            "Fingerprint": "host-%d" % index,
        }
        request = urllib.request.Request(
            url.rstrip("/") + "/",
            data=json.dumps(body).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.RegisterManagedInstance"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            ids.append(json.load(answer)["InstanceId"])
    print(json.dumps(ids))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
