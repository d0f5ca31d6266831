"""The SMS gateway's signature on a webhook call.

``X-Lapor-Signature: t=<unix seconds>,v1=<hex>`` where the hex is HMAC-SHA256, under the
shared secret, of ``"<t>.<raw body>"``. A signature is compared in constant time; one whose
time is more than five minutes off is refused, so a recorded call cannot be replayed later.
"""

import hashlib
import hmac

TOLERANCE_S = 300
HEADER = "X-Lapor-Signature"


class BadSignature(Exception):
    """The call is not signed with the shared secret, or not recently (401)."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for a body signed at ``timestamp`` (what the gateway sends)."""
    return f"t={timestamp},v1={_digest(secret, str(timestamp).encode(), body)}"


def _digest(secret: str, timestamp: bytes, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp + b"." + body, hashlib.sha256).hexdigest()


def check(secret: str, header: str | None, body: bytes, now: float) -> None:
    """Raise BadSignature unless ``header`` signs ``body`` with ``secret`` within the window."""
    if not header:
        raise BadSignature(f"{HEADER} is missing")
    fields = dict(item.strip().partition("=")[::2] for item in header.split(","))
    stamp, given = fields.get("t", ""), fields.get("v1", "")
    if not (stamp.isascii() and stamp.isdigit() and given.isascii() and given):
        raise BadSignature(f"{HEADER} must be t=<unix seconds>,v1=<hex>")
    if abs(now - int(stamp)) > TOLERANCE_S:
        raise BadSignature(f"{HEADER} is more than {TOLERANCE_S // 60} minutes off")
    expected = _digest(secret, stamp.encode(), body)
    if not hmac.compare_digest(expected, given.lower()):
        raise BadSignature(f"{HEADER} does not match the body")
