"""Agencies' own Kafka access: a topic per agency and the ACLs that let its systems read it.

An agency's principal may read its topic and use consumer groups named under its prefix;
nothing else. Kafka 4 removed v0 of the ACL APIs (KIP-896), so the ACL requests go out as
v1, the highest version aiokafka 0.14 builds; its admin client has no ACL methods, so they
are sent through its request machinery, as its own methods do.
"""

import asyncio
import logging
import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import UnknownTopicOrPartitionError, for_code
from aiokafka.protocol.admin import CreateAclsRequest, DeleteAclsRequest, DescribeAclsRequest

from lapor_common.topics import TopicSpec, create_topic, until_led

log = logging.getLogger(__name__)

_TOPIC_PREFIX = "lapor.agency."
_TOPIC_SUFFIX = ".reports"
_MAX_TOPIC_NAME = 249  # Kafka's limit
MAX_CODE_LENGTH = _MAX_TOPIC_NAME - len(_TOPIC_PREFIX) - len(_TOPIC_SUFFIX)
# Parts of lowercase letters and digits joined by single '-' or '.': pemkab-3204.dinkes
_CODE = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_ANY_HOST = "*"
_READY_TIMEOUT_S = 60.0


class ResourceType(IntEnum):
    UNKNOWN = 0
    ANY = 1
    TOPIC = 2
    GROUP = 3
    CLUSTER = 4
    TRANSACTIONAL_ID = 5
    DELEGATION_TOKEN = 6
    USER = 7


class PatternType(IntEnum):
    UNKNOWN = 0
    ANY = 1
    MATCH = 2
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    UNKNOWN = 0
    ANY = 1
    ALL = 2
    READ = 3
    WRITE = 4
    CREATE = 5
    DELETE = 6
    ALTER = 7
    DESCRIBE = 8
    CLUSTER_ACTION = 9
    DESCRIBE_CONFIGS = 10
    ALTER_CONFIGS = 11
    IDEMPOTENT_WRITE = 12
    CREATE_TOKENS = 13
    DESCRIBE_TOKENS = 14


class Permission(IntEnum):
    ANY = 1
    DENY = 2
    ALLOW = 3


def _checked(agency_code: str) -> str:
    if len(agency_code) > MAX_CODE_LENGTH or not _CODE.fullmatch(agency_code):
        raise ValueError(
            f"invalid agency code {agency_code[:80]!r}: expected lowercase letters and digits"
            f" in parts joined by single '-' or '.' (e.g. 'pemkab-3204.dinkes'),"
            f" at most {MAX_CODE_LENGTH} characters"
        )
    return agency_code


def agency_topic(agency_code: str) -> str:
    """The topic carrying the events of the reports routed to the agency."""
    return f"{_TOPIC_PREFIX}{_checked(agency_code)}{_TOPIC_SUFFIX}"


def consumer_group_prefix(agency_code: str) -> str:
    """The agency names its consumer groups under this prefix. It ends with ':', which no code
    contains, so a government's prefix never covers its departments' groups."""
    return f"{_TOPIC_PREFIX}{_checked(agency_code)}:"


def principal(agency_code: str) -> str:
    """The Kafka principal the agency's systems authenticate as."""
    return f"User:{_checked(agency_code)}"


@dataclass(frozen=True)
class Grant:
    topic: str
    consumer_group_prefix: str
    principal: str


@dataclass(frozen=True)
class _Binding:
    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType
    operation: Operation


def _grant_for(agency_code: str) -> Grant:
    return Grant(
        agency_topic(agency_code), consumer_group_prefix(agency_code), principal(agency_code)
    )


def _bindings(grant: Grant) -> list[_Binding]:
    """Read the topic, and join and commit in the agency's consumer groups."""
    topic, groups = grant.topic, grant.consumer_group_prefix
    return [
        _Binding(ResourceType.TOPIC, topic, PatternType.LITERAL, Operation.READ),
        _Binding(ResourceType.TOPIC, topic, PatternType.LITERAL, Operation.DESCRIBE),
        _Binding(ResourceType.GROUP, groups, PatternType.PREFIXED, Operation.READ),
    ]


def _raise_for(error_code: int, message: str | None, doing: str) -> None:
    """Raise the broker's error, with its code and message, unless the code is 0."""
    if error_code:
        detail = f": {message}" if message else ""
        raise for_code(error_code)(f"{doing}: broker error {error_code}{detail}")


def _name(kind: type[IntEnum], code: int) -> str:
    try:
        return kind(code).name
    except ValueError:
        return str(code)


class AgencyAccess:
    """Grants and revokes agencies' access to their topics, with an admin client it is given."""

    def __init__(
        self,
        admin: AIOKafkaAdminClient,
        partitions: int,
        replication_factor: int,
        min_insync_replicas: int,
    ) -> None:
        self._admin = admin
        self._partitions = partitions
        self._replication_factor = replication_factor
        self._config = {"retention.ms": "-1", "min.insync.replicas": str(min_insync_replicas)}

    async def grant(self, agency_code: str) -> Grant:
        """Create the agency's topic if missing and allow its principal to read it (idempotent)."""
        grant = _grant_for(agency_code)
        await self._ensure_topic(grant.topic)
        for binding in _bindings(grant):
            await self._create_acl(binding, grant.principal)
        log.info("granted %s read access to %s", grant.principal, grant.topic)
        return grant

    async def revoke(self, agency_code: str) -> None:
        """Remove what ``grant`` allowed; the topic and its records stay (idempotent)."""
        grant = _grant_for(agency_code)
        for binding in _bindings(grant):
            await self._delete_acl(binding, grant.principal)
        log.info("revoked %s read access to %s", grant.principal, grant.topic)

    async def acls(self, agency_code: str) -> list[tuple[str, str, str, str]]:
        """The principal's ALLOW bindings: (resource type, name, pattern type, operation)."""
        who = principal(agency_code)
        request = DescribeAclsRequest(
            ResourceType.ANY, None, PatternType.ANY, who, None, Operation.ANY, Permission.ALLOW
        )
        response = await self._send(request)
        _raise_for(response.error_code, response.error_message, f"describing ACLs of {who}")
        return sorted(
            (
                _name(ResourceType, resource_type),
                name,
                _name(PatternType, pattern_type),
                _name(Operation, operation),
            )
            for resource_type, name, pattern_type, acls in response.resources
            for _, _, operation, _ in acls
        )

    async def _ensure_topic(self, topic: str) -> None:
        partitions = await self._partition_count(topic)
        if partitions is None:
            await self._create_topic(topic)
            partitions = self._partitions
        spec = TopicSpec(topic, partitions, self._config)
        await asyncio.wait_for(until_led(self._admin, [spec]), _READY_TIMEOUT_S)

    async def _partition_count(self, topic: str) -> int | None:
        """The topic's partition count, or None if it does not exist."""
        [described] = await self._admin.describe_topics([topic])
        if described["error_code"] == UnknownTopicOrPartitionError.errno:
            return None
        _raise_for(described["error_code"], None, f"describing topic {topic}")
        return len(described["partitions"])

    async def _create_topic(self, topic: str) -> None:
        spec = TopicSpec(topic, self._partitions, self._config)
        await create_topic(self._admin, spec, self._replication_factor)

    async def _create_acl(self, binding: _Binding, who: str) -> None:
        request = CreateAclsRequest(*_acl_fields(binding, who))
        response = await self._send(request)
        for error_code, message in response.creation_responses:
            _raise_for(error_code, message, f"granting {_describe(binding)} to {who}")

    async def _delete_acl(self, binding: _Binding, who: str) -> None:
        request = DeleteAclsRequest(*_acl_fields(binding, who))
        response = await self._send(request)
        doing = f"revoking {_describe(binding)} from {who}"
        for error_code, message, matching in response.filter_responses:
            _raise_for(error_code, message, doing)
            for acl_error_code, acl_message, *_ in matching:
                _raise_for(acl_error_code, acl_message, doing)

    async def _send(self, request: Any) -> Any:
        # The request machinery aiokafka's own admin methods use; it negotiates the version.
        return await self._admin._send_request(request)


def _acl_fields(binding: _Binding, who: str) -> tuple[int, str, int, str, str, int, int]:
    """An exact ACL: the fields of both a creation and a deletion filter, in protocol order."""
    return (
        binding.resource_type,
        binding.resource_name,
        binding.pattern_type,
        who,
        _ANY_HOST,
        binding.operation,
        Permission.ALLOW,
    )


def _describe(binding: _Binding) -> str:
    return (
        f"{binding.operation.name} on {binding.resource_type.name}"
        f" {binding.pattern_type.name} {binding.resource_name!r}"
    )
