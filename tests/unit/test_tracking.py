"""Tracking ids: twelve Crockford base-32 symbols in three groups, forgiving when read back."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lapor_common.tracking import normalize_tracking_id, tracking_id_from

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
FORMAT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")

# Only the top 60 of the 64 given bits are used: build inputs from 60-bit numbers.
sixty_bits = st.integers(min_value=0, max_value=2**60 - 1)


def _bytes_of(number: int) -> bytes:
    return (number << 4).to_bytes(8, "big")


def _number_of(tracking_id: str) -> int:
    number = 0
    for symbol in tracking_id.replace("-", ""):
        number = number * 32 + CROCKFORD.index(symbol)
    return number


def test_known_bytes_give_a_known_id() -> None:
    assert tracking_id_from(bytes(8)) == "0000-0000-0000"
    assert tracking_id_from(b"\xff" * 8) == "ZZZZ-ZZZZ-ZZZZ"
    assert tracking_id_from(_bytes_of(32**4 + 1)) == "0000-0001-0001"


@given(st.binary(min_size=8, max_size=16))
def test_format_is_three_groups_of_four_crockford_symbols(random_bytes: bytes) -> None:
    tracking_id = tracking_id_from(random_bytes)
    assert FORMAT.match(tracking_id), tracking_id
    assert not set(tracking_id) & set("ILOU")


@given(st.binary(min_size=8, max_size=8))
def test_same_bytes_give_the_same_id(random_bytes: bytes) -> None:
    assert tracking_id_from(random_bytes) == tracking_id_from(bytes(random_bytes))


@given(sixty_bits, sixty_bits)
def test_distinct_bits_give_distinct_ids(first: int, second: int) -> None:
    same = tracking_id_from(_bytes_of(first)) == tracking_id_from(_bytes_of(second))
    assert same == (first == second)


@given(sixty_bits)
def test_the_id_encodes_all_sixty_bits(number: int) -> None:
    assert _number_of(tracking_id_from(_bytes_of(number))) == number


def test_too_few_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="8 random bytes"):
        tracking_id_from(b"\x01" * 7)


@given(st.binary(min_size=8, max_size=8))
def test_canonical_id_normalizes_to_itself(random_bytes: bytes) -> None:
    tracking_id = tracking_id_from(random_bytes)
    assert normalize_tracking_id(tracking_id) == tracking_id


@pytest.mark.parametrize(
    "typed",
    [
        "7k3m-9qxd-2f8a",
        "7K3M9QXD2F8A",
        "7k3m9qxd2f8a",
        "7K3M 9QXD 2F8A",
        " 7K3M-9QXD-2F8A\n",
        "7K3-M9QX-D2F8A",
        "7K3M--9QXD--2F8A",
    ],
)
def test_case_hyphens_and_spaces_are_forgiven(typed: str) -> None:
    assert normalize_tracking_id(typed) == "7K3M-9QXD-2F8A"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("O1IL-oil0-0000", "0111-0110-0000"),
        ("7K3M-9QXD-2F8O", "7K3M-9QXD-2F80"),
        ("I234-5678-9ABC", "1234-5678-9ABC"),
        ("l234-5678-9ABC", "1234-5678-9ABC"),
    ],
)
def test_letters_mistaken_for_digits_are_read_as_digits(typed: str, meant: str) -> None:
    assert normalize_tracking_id(typed) == meant


@given(st.binary(min_size=8, max_size=8), st.data())
def test_round_trip_through_sloppy_typing(random_bytes: bytes, data: st.DataObject) -> None:
    tracking_id = tracking_id_from(random_bytes)
    compact = tracking_id.replace("-", "")
    sloppy = "".join(
        data.draw(st.sampled_from([c.lower(), c])) + data.draw(st.sampled_from(["", " ", "-"]))
        for c in compact
    )
    assert normalize_tracking_id(sloppy) == tracking_id


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "7K3M-9QXD-2F8",  # 11 symbols
        "7K3M-9QXD-2F8AB",  # 13 symbols
        "7K3M-9QXD",
        "7K3M-9QXD-2F8A-7K3M",
        "7K3M-9QXD-2F8U",  # U is not a Crockford symbol
        "U000-0000-0000",
        "7K3M.9QXD.2F8A",
        "7K3M_9QXD_2F8A",
        "7K3M-9QXD-2F8!",
        "7K3M/9QXD/2F8A",
        "7K3M-9QXD-2F8Ä",
        "\uff17K3M-9QXD-2F8A",  # a full-width digit seven
        "---- ---- ----",
    ],
)
def test_what_is_not_a_tracking_id_is_refused(typed: str) -> None:
    assert normalize_tracking_id(typed) is None
