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
DELIVERY = "dlv-contoh-1"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_delivery_dot_body() -> None:
    message = b"1767225600.dlv-contoh-1." + BODY
    digest = hmac.new(b"whsec_contoh-rahasia", message, hashlib.sha256).hexdigest()
    assert sign(SECRET, DELIVERY, NOW, BODY) == f"v1={digest}"


def test_the_example_in_the_agencies_recipe() -> None:
    """docs/webhooks.md quotes this value, computed with openssl dgst -sha256 -hmac."""
    expected = "v1=ab82edf987af474e5b11a59c698948c8a7be839465b75373daa880d77da4580c"
    assert sign(SECRET, DELIVERY, NOW, BODY) == expected


def test_headers_of_a_delivery() -> None:
    assert headers(SECRET, DELIVERY, NOW, BODY) == {
        DELIVERY_HEADER: DELIVERY,
        TIMESTAMP_HEADER: "1767225600",
        SIGNATURE_HEADER: sign(SECRET, DELIVERY, NOW, BODY),
    }


def check(sent: dict[str, str], body: bytes = BODY, now: int = NOW, secret: str = SECRET) -> None:
    """Verify as a receiver does, straight from the request's headers."""
    verify(
        secret,
        body,
        delivery_id=sent.get(DELIVERY_HEADER),
        signature=sent.get(SIGNATURE_HEADER),
        timestamp=sent.get(TIMESTAMP_HEADER),
        now=now,
    )


def reason(sent: dict[str, str], body: bytes = BODY, now: int = NOW) -> str:
    with pytest.raises(InvalidSignature) as raised:
        check(sent, body, now)
    return raised.value.reason


def test_a_signed_delivery_verifies() -> None:
    check(headers(SECRET, DELIVERY, NOW, BODY), now=NOW + 299)
    check(headers(SECRET, DELIVERY, NOW, BODY), now=NOW - 300)


def test_secrets_are_new_each_time_and_long() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert first != second
    assert len(first) >= len("whsec_") + 43  # 32 random bytes


def test_a_tampered_body_is_rejected() -> None:
    sent = headers(SECRET, DELIVERY, NOW, BODY)
    assert "does not match" in reason(sent, BODY.replace(b"Routed", b"Closed"))


def test_a_changed_delivery_id_is_rejected() -> None:
    """A captured delivery replayed under a fresh id, to slip past the replay guard."""
    sent = headers(SECRET, DELIVERY, NOW, BODY)
    for fresh in ("dlv-contoh-2", "dlv-contoh-1 ", "DLV-CONTOH-1", "dlv-contoh-"):
        assert "does not match" in reason({**sent, DELIVERY_HEADER: fresh})


def test_another_secret_is_rejected() -> None:
    assert "does not match" in reason(headers(new_secret(), DELIVERY, NOW, BODY))


def test_a_changed_timestamp_is_rejected() -> None:
    sent = headers(SECRET, DELIVERY, NOW, BODY)
    assert "does not match" in reason({**sent, TIMESTAMP_HEADER: str(NOW + 1)})


@pytest.mark.parametrize("skew", [-301, 301, -10_000])
def test_a_timestamp_outside_the_window_is_rejected(skew: int) -> None:
    assert "more than 300 s away" in reason(headers(SECRET, DELIVERY, NOW + skew, BODY))


@pytest.mark.parametrize("delivery", [None, ""])
def test_a_missing_delivery_header_is_rejected(delivery: str | None) -> None:
    sent = headers(SECRET, DELIVERY, NOW, BODY)
    del sent[DELIVERY_HEADER]
    if delivery is not None:
        sent[DELIVERY_HEADER] = delivery
    assert reason(sent) == "missing X-Lapor-Delivery header"


@pytest.mark.parametrize("delivery", ["dlv-\u00e9", "dlv\n1", "dlv\t1", "dlv\x00", "dlv\x7f"])
def test_a_delivery_id_outside_printable_ascii_is_rejected(delivery: str) -> None:
    sent = {**headers(SECRET, DELIVERY, NOW, BODY), DELIVERY_HEADER: delivery}
    assert "outside printable ASCII" in reason(sent)
    with pytest.raises(ValueError, match="outside printable ASCII"):
        sign(SECRET, delivery, NOW, BODY)


def test_an_empty_delivery_id_is_not_signed() -> None:
    with pytest.raises(ValueError, match="missing X-Lapor-Delivery"):
        headers(SECRET, "", NOW, BODY)


@pytest.mark.parametrize(
    ("signature", "timestamp", "why"),
    [
        (None, "1767225600", "missing X-Lapor-Signature"),
        ("", "1767225600", "missing X-Lapor-Signature"),
        ("v1=ab", None, "missing X-Lapor-Timestamp"),
        ("ab82edf987af474e5b11a59c698948c8a7be839465b75373daa880d77da4580c", "1", "garbled"),
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
    sent = {DELIVERY_HEADER: DELIVERY}
    if signature is not None:
        sent[SIGNATURE_HEADER] = signature
    if timestamp is not None:
        sent[TIMESTAMP_HEADER] = timestamp
    assert why in reason(sent)


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = SECRET, new_secret()
    sent = headers(new, DELIVERY, NOW, BODY, retiring=[old])
    assert sent[SIGNATURE_HEADER] == (
        f"{sign(new, DELIVERY, NOW, BODY)},{sign(old, DELIVERY, NOW, BODY)}"
    )
    for receivers_secret in (old, new):
        check(sent, secret=receivers_secret)
    garbled = {**sent, SIGNATURE_HEADER: sent[SIGNATURE_HEADER].replace("v1=", "v1=0")}
    assert "does not match" in reason(garbled)
    assert "does not match" in reason({**sent, DELIVERY_HEADER: "dlv-contoh-2"})


def test_values_of_other_schemes_and_spaces_are_tolerated() -> None:
    sent = {
        DELIVERY_HEADER: DELIVERY,
        TIMESTAMP_HEADER: str(NOW),
        SIGNATURE_HEADER: f"v2=future, {sign(SECRET, DELIVERY, NOW, BODY)}",
    }
    check(sent)


def test_a_replayed_delivery_is_dropped() -> None:
    """The same signed delivery sent twice verifies both times; the guard drops the second."""
    guard = ReplayGuard()
    sent = headers(SECRET, DELIVERY, NOW, BODY)
    check(sent)
    assert guard.accept(DELIVERY, NOW, now=NOW)
    check(sent, now=NOW + 5)
    assert not guard.accept(DELIVERY, NOW, now=NOW + 5)
    assert guard.accept("dlv-contoh-2", NOW, now=NOW + 5)


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
