"""The SMS gateway's webhook signature: HMAC-SHA256 of "<t>.<body>", five minutes' window."""

import pytest

from intake.sms_signature import BadSignature, check, sign

SECRET = "gateway-shared-secret"
BODY = b'{"from": "081234567890", "text": "CEK 7K3M-9QXD-2F8A"}'
NOW = 1_795_000_000


def test_a_fresh_signature_of_the_body_passes() -> None:
    check(SECRET, sign(SECRET, NOW, BODY), BODY, NOW + 299)
    check(
        SECRET, sign(SECRET, NOW, BODY).upper().replace("T=", "t=").replace("V1=", "v1="), BODY, NOW
    )
    check(SECRET, f" {sign(SECRET, NOW, BODY).replace(',', ' , ')} ", BODY, NOW - 299)


@pytest.mark.parametrize(
    ("header", "body", "now", "reason"),
    [
        (None, BODY, NOW, "missing"),
        ("", BODY, NOW, "missing"),
        ("v1=abc", BODY, NOW, "must be"),
        (f"t={NOW}", BODY, NOW, "must be"),
        (f"t=-{NOW},v1=ab", BODY, NOW, "must be"),
        (f"t={NOW},v1=ü", BODY, NOW, "must be"),
        (sign(SECRET, NOW, BODY), BODY + b" ", NOW, "does not match"),
        (sign("another-secret", NOW, BODY), BODY, NOW, "does not match"),
        (sign(SECRET, NOW, BODY).replace(f"t={NOW}", f"t={NOW + 1}"), BODY, NOW, "does not match"),
        (sign(SECRET, NOW, BODY), BODY, NOW + 301, "minutes off"),
        (sign(SECRET, NOW, BODY), BODY, NOW - 301, "minutes off"),
    ],
)
def test_anything_else_is_refused_with_the_reason(
    header: str | None, body: bytes, now: int, reason: str
) -> None:
    with pytest.raises(BadSignature, match=reason):
        check(SECRET, header, body, now)
