"""SSM hybrid activations and managed instances, which moto lacks.

The public side is what a playbook calls: CreateActivation, DescribeActivations,
DeleteActivation, DescribeInstanceInformation, DeregisterManagedInstance and tags on
ManagedInstance.  The agent side is what ``amazon-ssm-agent`` calls, with the names and
errors of the agent's vendored SDK: RegisterManagedInstance (unsigned, consumes one
registration of the activation), RequestManagedInstanceRoleToken (the instance's role
credentials, an STS session named after the ``mi-`` id) and UpdateInstanceInformation
(the heartbeat behind PingStatus).

State lives in moto's SSM backend (``HybridSsmBackend`` replaces its class), so
``/moto-api/reset`` clears it too; tags of managed instances live in moto's own tag store.
"""

import base64
import json
import os
import re
import secrets
import string
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_server import werkzeug_app
from moto.ssm import models as ssm_models
from moto.ssm import urls as ssm_urls
from moto.ssm.exceptions import SSMException, ValidationException
from moto.ssm.responses import SimpleSystemManagerResponse
from moto.sts.models import sts_backends

from . import clock, iam
from .shapes import check_input, parse_timestamp

DEFAULT_EXPIRY = timedelta(hours=24)
MAX_EXPIRY = timedelta(days=30)
ROLE_TOKEN_SECONDS = 3600
PAGE_SIZE = 50
ACTIVATION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CODE_ALPHABET = string.ascii_letters + string.digits + "+/"
PING_STATUSES = ("Online", "ConnectionLost", "Inactive")
PLATFORM_TYPES = ("Windows", "Linux", "MacOS")
# Fields the agent reports through UpdateInstanceInformation that DescribeInstanceInformation shows.
REPORTED_FIELDS = ("AgentVersion", "PlatformType", "PlatformName", "PlatformVersion", "IPAddress", "ComputerName", "SourceId", "SourceType")


def ping_timeout():
    """Seconds after the last UpdateInstanceInformation during which an instance is Online."""
    return float(os.environ.get("FAKE_AWS_PING_TIMEOUT", "60"))


def error(code, message):
    return SSMException(code, message)


@dataclass
class Activation:  # pylint: disable=too-many-instance-attributes
    activation_id: str
    activation_code: str
    iam_role: str
    registration_limit: int
    expiration_date: datetime
    description: str | None = None
    default_instance_name: str | None = None
    tags: list = field(default_factory=list)
    registration_metadata: list = field(default_factory=list)
    created_date: datetime = field(default_factory=clock.now)
    registrations_count: int = 0

    @property
    def expired(self):
        return clock.now() >= self.expiration_date

    def describe(self):
        """The Activation shape (RegistrationsCount, Expired and dates computed now)."""
        return {
            "ActivationId": self.activation_id,
            "Description": self.description,
            "DefaultInstanceName": self.default_instance_name,
            "IamRole": self.iam_role,
            "RegistrationLimit": self.registration_limit,
            "RegistrationsCount": self.registrations_count,
            "ExpirationDate": self.expiration_date,
            "Expired": self.expired,
            "CreatedDate": self.created_date,
            "Tags": self.tags,
        }


@dataclass
class ManagedInstance:  # pylint: disable=too-many-instance-attributes
    instance_id: str
    activation_id: str
    iam_role: str
    name: str | None
    public_key: str
    fingerprint: str
    registration_date: datetime = field(default_factory=clock.now)
    last_ping: datetime | None = None
    reported: dict = field(default_factory=dict)

    @property
    def ping_status(self):
        # No ping yet (registered, agent not started) reads as ConnectionLost, as the console shows it.
        if self.last_ping and (clock.now() - self.last_ping).total_seconds() <= ping_timeout():
            return "Online"
        return "ConnectionLost"

    def describe(self):
        """The InstanceInformation shape."""
        info = {
            "InstanceId": self.instance_id,
            "PingStatus": self.ping_status,
            "LastPingDateTime": self.last_ping,
            "ActivationId": self.activation_id,
            "IamRole": self.iam_role,
            "RegistrationDate": self.registration_date,
            "ResourceType": "ManagedInstance",
            "Name": self.name,
            "SourceId": self.instance_id,
            "SourceType": "AWS::SSM::ManagedInstance",
        }
        info.update(self.reported)
        if "AgentVersion" in info:
            info["IsLatestVersion"] = False
        return info

    def filter_value(self, key, tags):
        """The values of this instance that a DescribeInstanceInformation filter key compares."""
        values = {
            "InstanceIds": self.instance_id,
            "PingStatus": self.ping_status,
            "ResourceType": "ManagedInstance",
            "ActivationIds": self.activation_id,
            "IamRole": self.iam_role,
            "AgentVersion": self.reported.get("AgentVersion"),
            "PlatformTypes": self.reported.get("PlatformType"),
            "SourceIds": self.instance_id,
            "SourceTypes": "AWS::SSM::ManagedInstance",
            "AssociationStatus": None,
        }
        if key == "tag-key":
            return set(tags)
        if key.startswith("tag:"):
            return {tags[key[4:]]} if key[4:] in tags else set()
        if key not in values:
            raise error("InvalidFilterKey", f"The filter key {key} is not valid.")
        return {values[key]}


class HybridSsmBackend(ssm_models.SimpleSystemManagerBackend):  # pylint: disable=abstract-method  # as moto's
    """moto's SSM backend plus activations and managed (``mi-``) instances."""

    # Hosts register in parallel (one per Ansible fork): the limit check and the count go together.
    registration_lock = threading.Lock()

    def __init__(self, region_name, account_id):
        super().__init__(region_name, account_id)
        self.activations = {}
        self.managed_instances = {}

    @property
    def _url_module(self):
        return ssm_urls  # moto finds a backend's URLs next to its class; ours are moto's

    # -- activations ---------------------------------------------------------------------

    def create_activation(self, params):
        iam_role = params["IamRole"]
        self._require_role(iam_role)
        activation = Activation(
            activation_id=str(uuid.uuid4()),
            activation_code="".join(secrets.choice(CODE_ALPHABET) for _position in range(20)),
            iam_role=iam_role,
            registration_limit=params.get("RegistrationLimit", 1),
            expiration_date=self._expiration_date(params.get("ExpirationDate")),
            description=params.get("Description"),
            default_instance_name=params.get("DefaultInstanceName"),
            tags=params.get("Tags") or [],
            registration_metadata=params.get("RegistrationMetadata") or [],
        )
        self.activations[activation.activation_id] = activation
        return activation

    def describe_activations(self, filters):
        matching = list(self.activations.values())
        for item in filters or []:
            key, values = item.get("FilterKey"), set(item.get("FilterValues") or [])
            attribute = {"ActivationIds": "activation_id", "DefaultInstanceName": "default_instance_name", "IamRole": "iam_role"}.get(key)
            if attribute is None:
                raise error("InvalidFilter", f"The filter key {key} is not valid. Valid keys: ActivationIds, DefaultInstanceName, IamRole.")
            matching = [activation for activation in matching if getattr(activation, attribute) in values]
        return matching

    def delete_activation(self, activation_id):
        if not ACTIVATION_ID.match(activation_id or ""):
            raise error("InvalidActivationId", f"The activation ID {activation_id} isn't valid.")
        if self.activations.pop(activation_id, None) is None:
            # What AWS answers for an activation that is gone (Terraform's provider relies on it).
            raise error("InvalidActivation", f"Activation {activation_id} does not exist.")

    def _require_role(self, iam_role):
        # Exists, trusts ssm.amazonaws.com and is visible to SSM yet (iam.py), as AWS checks it.
        iam.require_ssm_role(self.account_id, self.partition, iam_role)

    @staticmethod
    def _expiration_date(requested):
        if requested is None:
            return clock.now() + DEFAULT_EXPIRY
        expiration = parse_timestamp(requested)
        if expiration <= clock.now():
            raise ValidationException("ExpirationDate must be in the future.")
        if expiration > clock.now() + MAX_EXPIRY:
            raise ValidationException("ExpirationDate must be within 30 days of the current date.")
        return expiration

    # -- managed instances ---------------------------------------------------------------

    def register_managed_instance(self, activation, params):
        """Consume one registration of ``activation`` (which lives in this backend)."""
        if activation.expired:
            raise error("ActivationExpired", f"Activation {activation.activation_id} has expired.")
        _require_public_key(params["PublicKey"], params.get("PublicKeyType", "Rsa"))
        instance = ManagedInstance(
            instance_id="mi-" + secrets.token_hex(9)[:17],
            activation_id=activation.activation_id,
            iam_role=activation.iam_role,
            name=activation.default_instance_name,
            public_key=params["PublicKey"],
            fingerprint=params["Fingerprint"],
        )
        with self.registration_lock:
            if activation.registrations_count >= activation.registration_limit:
                raise error("RegistrationLimitExceeded", f"Activation {activation.activation_id} has reached its registration limit.")
            activation.registrations_count += 1
            self.managed_instances[instance.instance_id] = instance
        # Tags of the activation are applied to every instance it registers.
        for tag in activation.tags:
            self._resource_tags["ManagedInstance"][instance.instance_id][tag["Key"]] = tag["Value"]
        return instance

    def register_managed_instance_with_role(self, params):
        """The signed form (``amazon-ssm-agent -register -role R -tags JSON -region X``): no activation;
        the instance takes ``IamRole`` and ``Tags`` from the request, in the signer's account and region."""
        self._require_role(params["IamRole"])
        _require_public_key(params["PublicKey"], params.get("PublicKeyType", "Rsa"))
        instance = ManagedInstance(
            instance_id="mi-" + secrets.token_hex(9)[:17],
            activation_id=None,
            iam_role=params["IamRole"],
            name=None,
            public_key=params["PublicKey"],
            fingerprint=params["Fingerprint"],
        )
        self.managed_instances[instance.instance_id] = instance
        for tag in params.get("Tags") or []:
            self._resource_tags["ManagedInstance"][instance.instance_id][tag["Key"]] = tag["Value"]
        return instance

    def get_managed_instance(self, instance_id):
        instance = self.managed_instances.get(instance_id)
        if instance is None:
            raise error("InvalidInstanceId", f"Instance Id {instance_id} is not valid or is not registered.")
        return instance

    def update_instance_information(self, params):
        instance = self.get_managed_instance(params["InstanceId"])
        platform_type = params.get("PlatformType")
        if platform_type is not None and platform_type not in PLATFORM_TYPES:
            raise error("InvalidInstanceInformationValue", f"PlatformType {platform_type} is not valid.")
        instance.reported.update({key: params[key] for key in REPORTED_FIELDS if params.get(key) is not None})
        instance.last_ping = clock.now()

    def deregister_managed_instance(self, instance_id):
        self.get_managed_instance(instance_id)
        del self.managed_instances[instance_id]
        self._resource_tags["ManagedInstance"].pop(instance_id, None)

    def describe_instance_information(self, filters, filter_list):
        keys = [item.get("Key") or "" for item in filters or []]
        tag_keys = [key for key in keys if key == "tag-key" or key.startswith("tag:")]
        if tag_keys and (len(tag_keys) < len(keys) or filter_list):
            raise error("InvalidFilterKey", "Tag filters can't be combined with other filter types.")  # as AWS documents it
        instances = list(self.managed_instances.values())
        for item in filter_list or []:
            instances = self._apply_filter(instances, item.get("key"), item.get("valueSet"), strict_ids=True)
        for item in filters or []:
            instances = self._apply_filter(instances, item.get("Key"), item.get("Values"), strict_ids=False)
        return [instance.describe() for instance in instances]

    def _apply_filter(self, instances, key, values, strict_ids):
        values = set(values or [])
        if key == "PingStatus" and not values <= set(PING_STATUSES):
            raise error("InvalidInstanceInformationFilterValue", f"PingStatus values must be among {', '.join(PING_STATUSES)}.")
        if key == "InstanceIds" and strict_ids:
            # The deprecated InstanceInformationFilterList refuses unknown ids; Filters just finds nothing.
            unknown = sorted(values - set(self.managed_instances))
            if unknown:
                raise error("InvalidInstanceId", f"Instances [{', '.join(unknown)}] are not valid or not registered.")
        tags = self._resource_tags["ManagedInstance"]
        return [instance for instance in instances if instance.filter_value(key, tags.get(instance.instance_id, {})) & values]

    def request_role_token(self, instance_id, fingerprint):
        """The instance's role credentials: an STS session named after the instance, as AWS issues them."""
        instance = self.get_managed_instance(instance_id)
        if fingerprint != instance.fingerprint:
            raise error("MachineFingerprintDoesNotMatch", f"The fingerprint does not match the one registered for {instance_id}.")
        sts = sts_backends[self.account_id][self.partition]
        return sts.assume_role(
            region_name=self.region_name,
            role_session_name=instance_id,
            role_arn=f"arn:{self.partition}:iam::{self.account_id}:role/{instance.iam_role}",
            policy=None,
            duration=ROLE_TOKEN_SECONDS,
            external_id=None,
        )

    def _validate_resource_type_and_id(self, resource_type, resource_id):
        # moto knows no managed instance; ours may be tagged (activations may not, as on AWS).
        if resource_type == "ManagedInstance" and resource_id in self.managed_instances:
            return resource_id
        return super()._validate_resource_type_and_id(resource_type, resource_id)


def _require_public_key(public_key, key_type):
    """The agent sends base64 PKIX DER (Go's x509.MarshalPKIXPublicKey), as AWS parses it."""
    if key_type != "Rsa":
        raise error("InvalidPublicKey", f"PublicKeyType {key_type} is not supported.")
    try:
        der = base64.b64decode(public_key, validate=True)
        key = load_der_public_key(der)
    except ValueError as exc:
        raise error("InvalidPublicKey", "PublicKey is not a base64-encoded DER public key.") from exc
    # cryptography also reads PKCS#1; only an RSA key in PKIX form encodes back to the same bytes.
    if not isinstance(key, RSAPublicKey) or key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) != der:
        raise error("InvalidPublicKey", "PublicKey must be an RSA key in PKIX (SubjectPublicKeyInfo) form.")


def all_backends():
    """Every SSM backend created so far, in every account and region."""
    for account in list(ssm_models.ssm_backends.values()):
        yield from list(account.values())


def find_activation(activation_id):
    """The backend and activation of ``activation_id``, wherever it was created (the agent sends no region)."""
    for backend in all_backends():
        if activation_id in getattr(backend, "activations", {}):
            return backend, backend.activations[activation_id]
    return None, None


def find_instance_backend(instance_id):
    for backend in all_backends():
        if instance_id in getattr(backend, "managed_instances", {}):
            return backend
    return None


def find_managed_instance(account_id, region, instance_id):
    """The registered managed instance ``instance_id`` of that account and region, or None."""
    backend = ssm_models.ssm_backends[account_id][region]
    return getattr(backend, "managed_instances", {}).get(instance_id)


def _require_activation(params):
    backend, activation = find_activation(params.get("ActivationId"))
    if activation is None or not secrets.compare_digest(activation.activation_code, params.get("ActivationCode", "")):
        raise error(
            "InvalidActivation", "The activation isn't valid. The activation might have been deleted, or the ActivationId and the ActivationCode don't match."
        )
    return backend, activation


def _page(items, params, default_size=PAGE_SIZE):
    """One page of ``items`` and the NextToken of the rest (an opaque offset)."""
    size = params.get("MaxResults") or default_size
    token = params.get("NextToken")
    start = 0
    if token:
        try:
            start = int(base64.b64decode(token, validate=True).decode("ascii"))
        except ValueError as exc:
            raise error("InvalidNextToken", "The specified token isn't valid.") from exc
    rest = start + size
    next_token = base64.b64encode(str(rest).encode("ascii")).decode("ascii") if rest < len(items) else None
    return items[start:rest], next_token


class HybridSsmResponse:
    """Actions added to moto's SimpleSystemManagerResponse (moto dispatches by method name)."""

    # pylint: disable=no-member  # mixed into SimpleSystemManagerResponse

    def _request(self, operation):
        params = json.loads(self.body or "{}")
        check_input("ssm", operation, params, ValidationException)
        return params

    def create_activation(self):
        params = self._request("CreateActivation")
        activation = self.ssm_backend.create_activation(params)
        return ActionResult({"ActivationId": activation.activation_id, "ActivationCode": activation.activation_code})

    def describe_activations(self):
        params = self._request("DescribeActivations")
        activations = self.ssm_backend.describe_activations(params.get("Filters"))
        page, next_token = _page(activations, params)
        return ActionResult({"ActivationList": [activation.describe() for activation in page], "NextToken": next_token})

    def delete_activation(self):
        params = json.loads(self.body or "{}")  # no pattern check: a malformed id is InvalidActivationId
        self.ssm_backend.delete_activation(params.get("ActivationId"))
        return EmptyResult()

    def register_managed_instance(self):
        params = self._request("RegisterManagedInstance")
        if params.get("IamRole") and not params.get("ActivationId"):
            return self._register_managed_instance_with_role(params)
        backend, activation = _require_activation(params)
        instance = backend.register_managed_instance(activation, params)
        return ActionResult({"InstanceId": instance.instance_id})

    def _register_managed_instance_with_role(self, params):
        # The agent signs this form with the host's IAM credentials (agent/ssm/authregister).
        if not self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 "):
            raise error("MissingAuthenticationTokenException", "RegisterManagedInstance with IamRole must be signed with IAM credentials.")
        instance = self.ssm_backend.register_managed_instance_with_role(params)
        return ActionResult({"InstanceId": instance.instance_id})

    def request_managed_instance_role_token(self):
        params = self._request("RequestManagedInstanceRoleToken")
        # The agent signs with its private key; the access key of that signature is the instance id.
        match = re.search(r"Credential=(mi-[0-9a-f]{17})/\d{8}/([^/]+)/", self.headers.get("Authorization", ""))
        backend = find_instance_backend(match.group(1)) if match else None
        # An instance belongs to its activation's region: signed for another region, it is unknown there.
        if backend is None or backend.region_name != match.group(2):
            raise error("InvalidInstanceId", "The request is not signed by a managed instance registered in this region.")
        role = backend.request_role_token(match.group(1), params["Fingerprint"])
        return ActionResult(
            {
                "AccessKeyId": role.access_key_id,
                "SecretAccessKey": role.secret_access_key,
                "SessionToken": role.session_token,
                "TokenExpirationDate": role.expiration,
                "UpdateKeyPair": False,
            }
        )

    def update_instance_information(self):
        params = self._request("UpdateInstanceInformation")
        # The backend of the region the request is signed for: an instance of another region is unknown here.
        self.ssm_backend.update_instance_information(params)
        return EmptyResult()

    def describe_instance_information(self):
        params = self._request("DescribeInstanceInformation")
        infos = self.ssm_backend.describe_instance_information(params.get("Filters"), params.get("InstanceInformationFilterList"))
        page, next_token = _page(infos, params)
        return ActionResult({"InstanceInformationList": page, "NextToken": next_token})

    def deregister_managed_instance(self):
        params = self._request("DeregisterManagedInstance")
        self.ssm_backend.deregister_managed_instance(params["InstanceId"])
        return EmptyResult()


def install():
    """Swap moto's SSM backend class and add the actions to its Response class."""
    ssm_models.ssm_backends.backend = HybridSsmBackend
    for name, function in vars(HybridSsmResponse).items():
        if callable(function) and not name.startswith("__"):
            setattr(SimpleSystemManagerResponse, name, function)
    # The agent registers with anonymous credentials: route unsigned AmazonSSM.* calls to SSM.
    werkzeug_app.UNSIGNED_REQUESTS.setdefault("AmazonSSM", ("ssm", "us-east-1"))
