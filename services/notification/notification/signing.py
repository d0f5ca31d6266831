"""Signed webhooks: how an agency's system knows a delivery came from LAPOR!, unaltered and
only once. Pure: no I/O, and the clock is an argument.

Every delivery is a POST whose raw body is signed with the agency's webhook secret
(``whsec_...``) and carries three headers:

- ``X-Lapor-Delivery``: the delivery's id, the same on every retry of that delivery
  (printable ASCII, never empty);
- ``X-Lapor-Timestamp``: when it was signed, in Unix seconds (a decimal integer);
- ``X-Lapor-Signature``: ``v1=`` and the lowercase hex HMAC-SHA256, keyed with the secret
  (UTF-8), of the timestamp header's text, a ``.``, the delivery header's text, a ``.``, and
  the body's bytes. While a secret is being replaced the header carries one ``v1=`` value
  per secret, separated by commas; values of other schemes (a future ``v2=``) are ignored.

A receiver rejects a timestamp more than 300 seconds from its own clock, compares signatures
in constant time, and drops a delivery id it has already accepted within that window. Ids
can be forgotten once their timestamp is twice the window old: the timestamp check refuses
such a delivery anyway, and the timestamp cannot be changed without breaking the signature.
The delivery id is signed too, for the same reason: were it not, a captured delivery could
be replayed under a fresh id inside the window and pass the replay check.
``docs/webhooks.md`` is the agencies' recipe.
"""

import hashlib
import heapq
import hmac
import secrets
from collections.abc import Sequence

DELIVERY_HEADER = "X-Lapor-Delivery"
TIMESTAMP_HEADER = "X-Lapor-Timestamp"
SIGNATURE_HEADER = "X-Lapor-Signature"
TOLERANCE_S = 300
_SCHEME = "v1"
_MAX_DIGITS = 19  # a signed 64-bit integer; longer is no clock's reading


class InvalidSignature(Exception):
    """A delivery that must be rejected, and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _mac(secret: str, timestamp: str, delivery_id: str, body: bytes) -> str:
    message = f"{timestamp}.{delivery_id}.".encode() + body  # UTF-8
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    """The ``X-Lapor-Signature`` value for one secret: ``v1=<hex>``. ValueError for a
    delivery id that ``verify`` would refuse."""
    if problem := _delivery_id_problem(delivery_id):
        raise ValueError(f"cannot sign: {problem}")
    return f"{_SCHEME}={_mac(secret, str(timestamp), delivery_id, body)}"


def headers(
    secret: str,
    delivery_id: str,
    timestamp: int,
    body: bytes,
    *,
    retiring: Sequence[str] = (),
) -> dict[str, str]:
    """The headers of a delivery. During a rotation the ``retiring`` secrets sign it too, so
    a receiver still holding one of them accepts it."""
    return {
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: ",".join(
            sign(key, delivery_id, timestamp, body) for key in (secret, *retiring)
        ),
    }


def verify(
    secret: str,
    body: bytes,
    *,
    delivery_id: str | None,
    signature: str | None,
    timestamp: str | None,
    now: int,
    tolerance_s: int = TOLERANCE_S,
) -> None:
    """Nothing if ``secret`` signed this delivery id, timestamp and body within
    ``tolerance_s`` of ``now`` (Unix seconds); InvalidSignature with the reason otherwise.
    The header values are passed as received, ``None`` for a missing header."""
    candidates = _signatures(signature)
    stamp = _timestamp(timestamp)
    delivery = _delivery_id(delivery_id)
    if abs(now - int(stamp)) > tolerance_s:
        raise InvalidSignature(
            f"timestamp {stamp} is more than {tolerance_s} s away from now ({now})"
        )
    expected = _mac(secret, stamp, delivery, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("the signature does not match the delivery id, timestamp and body")


def _signatures(header: str | None) -> list[str]:
    if not header:
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} header")
    found: list[str] = []
    for item in header.split(","):
        scheme, equals, value = item.strip().partition("=")
        if not equals or not value or not item.isascii():
            raise InvalidSignature(f"garbled {SIGNATURE_HEADER} header")
        if scheme == _SCHEME:
            found.append(value)
    if not found:
        raise InvalidSignature(f"no {_SCHEME}= signature in the {SIGNATURE_HEADER} header")
    return found


def _timestamp(header: str | None) -> str:
    if not header:
        raise InvalidSignature(f"missing {TIMESTAMP_HEADER} header")
    if not (header.isascii() and header.isdigit() and len(header) <= _MAX_DIGITS):
        raise InvalidSignature(f"{TIMESTAMP_HEADER} {header!r} is not a Unix time in seconds")
    return header


def _delivery_id_problem(delivery_id: str) -> str | None:
    if not delivery_id:
        return f"missing {DELIVERY_HEADER} header"
    if not (delivery_id.isascii() and delivery_id.isprintable()):
        return f"{DELIVERY_HEADER} {delivery_id!r} has characters outside printable ASCII"
    return None


def _delivery_id(header: str | None) -> str:
    delivery_id = header or ""
    if problem := _delivery_id_problem(delivery_id):
        raise InvalidSignature(problem)
    return delivery_id


class ReplayGuard:
    """The delivery ids accepted within the last two replay windows, in memory. Call
    ``accept`` after ``verify``: ids are forgotten once their timestamp is ``2 * tolerance_s``
    old, when ``verify`` refuses them anyway."""

    def __init__(self, tolerance_s: int = TOLERANCE_S) -> None:
        self._tolerance_s = tolerance_s
        self._seen: set[str] = set()
        self._by_age: list[tuple[int, str]] = []

    def accept(self, delivery_id: str, timestamp: int, now: int) -> bool:
        """True the first time a delivery id is seen, False for a replay."""
        horizon = now - 2 * self._tolerance_s
        while self._by_age and self._by_age[0][0] < horizon:
            self._seen.discard(heapq.heappop(self._by_age)[1])
        if delivery_id in self._seen:
            return False
        self._seen.add(delivery_id)
        heapq.heappush(self._by_age, (timestamp, delivery_id))
        return True
