"""Signed webhooks: the header agencies verify, every reason to reject a delivery, secret
rotation, and the replay guard."""

import hashlib
import hmac

import pytest

from notification.signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    ReplayGuard,
    headers,
    new_secret,
    sign,
    verify,
)

SECRET = "whsec_contoh-rahasia"
NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
BODY = b'{"event":"ReportRouted"}'


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    digest = hmac.new(SECRET.encode(), b"1767225600." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, BODY) == f"v1={digest}"


def test_the_example_in_the_agencies_recipe() -> None:
    """docs/webhooks.md quotes this value, computed with openssl dgst -sha256 -hmac."""
    expected = "v1=55845c33836e32d25e9dfc33f9ce316e5540531134ebc9c71d0d6f68fa216f0c"
    assert sign(SECRET, NOW, BODY) == expected


def test_headers_of_a_delivery() -> None:
    assert headers(SECRET, "dlv-1", NOW, BODY) == {
        DELIVERY_HEADER: "dlv-1",
        TIMESTAMP_HEADER: "1767225600",
        SIGNATURE_HEADER: sign(SECRET, NOW, BODY),
    }


def test_a_signed_delivery_verifies() -> None:
    sent = headers(SECRET, "dlv-1", NOW, BODY)
    verify(SECRET, sent[SIGNATURE_HEADER], sent[TIMESTAMP_HEADER], BODY, now=NOW + 299)


def test_secrets_are_new_each_time_and_long() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert first != second
    assert len(first) >= len("whsec_") + 43  # 32 random bytes


def reason(signature: str | None, timestamp: str | None, body: bytes, now: int = NOW) -> str:
    with pytest.raises(InvalidSignature) as raised:
        verify(SECRET, signature, timestamp, body, now)
    return raised.value.reason


def test_a_tampered_body_is_rejected() -> None:
    signature = sign(SECRET, NOW, BODY)
    assert "does not match" in reason(signature, str(NOW), BODY.replace(b"Routed", b"Closed"))


def test_another_secret_is_rejected() -> None:
    assert "does not match" in reason(sign(new_secret(), NOW, BODY), str(NOW), BODY)


def test_a_changed_timestamp_is_rejected() -> None:
    assert "does not match" in reason(sign(SECRET, NOW, BODY), str(NOW + 1), BODY)


@pytest.mark.parametrize("skew", [-301, 301, -10_000])
def test_a_timestamp_outside_the_window_is_rejected(skew: int) -> None:
    signature = sign(SECRET, NOW + skew, BODY)
    assert "more than 300 s away" in reason(signature, str(NOW + skew), BODY)


@pytest.mark.parametrize(
    ("signature", "timestamp", "why"),
    [
        (None, "1767225600", "missing X-Lapor-Signature"),
        ("", "1767225600", "missing X-Lapor-Signature"),
        ("v1=ab", None, "missing X-Lapor-Timestamp"),
        ("55845c33836e32d25e9dfc33f9ce316e5540531134ebc9c71d0d6f68fa216f0c", "1", "garbled"),
        ("v1=", "1767225600", "garbled"),
        ("v1=ab,", "1767225600", "garbled"),
        ("v1=ab\u00e9", "1767225600", "garbled"),
        ("v2=ab", "1767225600", "no v1= signature"),
        ("v1=ab", "1767225600.5", "not a Unix time"),
        ("v1=ab", "-1767225600", "not a Unix time"),
        ("v1=ab", "1_767_225_600", "not a Unix time"),
        ("v1=ab", "9" * 5000, "not a Unix time"),
    ],
)
def test_a_missing_or_garbled_header_is_rejected(
    signature: str | None, timestamp: str | None, why: str
) -> None:
    assert why in reason(signature, timestamp, BODY)


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = SECRET, new_secret()
    sent = headers(new, "dlv-1", NOW, BODY, retiring=[old])
    assert sent[SIGNATURE_HEADER] == f"{sign(new, NOW, BODY)},{sign(old, NOW, BODY)}"
    for receivers_secret in (old, new):
        verify(receivers_secret, sent[SIGNATURE_HEADER], str(NOW), BODY, NOW)
    assert "does not match" in reason(sent[SIGNATURE_HEADER].replace("v1=", "v1=0"), str(NOW), BODY)


def test_values_of_other_schemes_and_spaces_are_tolerated() -> None:
    header = f"v2=future, {sign(SECRET, NOW, BODY)}"
    verify(SECRET, header, str(NOW), BODY, NOW)


def test_a_replayed_delivery_id_is_dropped() -> None:
    guard = ReplayGuard()
    assert guard.accept("dlv-1", NOW, now=NOW)
    assert not guard.accept("dlv-1", NOW, now=NOW + 5)
    assert guard.accept("dlv-2", NOW, now=NOW + 5)


def test_ids_are_remembered_for_two_windows_then_forgotten() -> None:
    guard = ReplayGuard(tolerance_s=300)
    assert guard.accept("dlv-1", NOW, now=NOW)
    assert not guard.accept("dlv-1", NOW, now=NOW + 600)
    assert guard.accept("dlv-1", NOW, now=NOW + 601)  # verify refuses it by then


def test_forgetting_follows_each_deliverys_own_timestamp() -> None:
    guard = ReplayGuard(tolerance_s=300)
    assert guard.accept("late", NOW + 300, now=NOW)  # signed on a clock running ahead
    assert guard.accept("early", NOW - 300, now=NOW)
    assert guard.accept("early", NOW - 300, now=NOW + 301)
    assert not guard.accept("late", NOW + 300, now=NOW + 900)
