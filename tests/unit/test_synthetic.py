"""Made-up reporters and population-weighted real places (deploy/local/synthetic.py)."""

import random
import re
from collections import Counter

from deploy.local.synthetic import MAIL_DOMAIN, Places, Village, person
from intake.requests import identity_of


def _village(code: str, urban: bool = False) -> Village:
    return Village(code, f"Desa {code}", urban, "Kecamatan", "Kabupaten Contoh")


def test_reporters_are_valid_for_intake_and_reach_nobody() -> None:
    rng = random.Random(1)
    people = [person(rng) for _ in range(200)]
    for someone in people:
        identity = identity_of(someone.name, someone.phone, someone.email, "")
        assert identity is not None
        assert someone.email.endswith("@" + MAIL_DOMAIN)
        assert re.fullmatch(r"\+6281100[1-9][0-9]{5}", someone.phone)  # not the failing ones
    assert len({p.email for p in people}) > 150


def test_places_follow_the_province_weights_and_favour_kelurahan() -> None:
    villages = [
        _village("32.04.01.2001"),
        _village("32.04.01.1001", urban=True),
        _village("91.01.01.2001"),
    ]
    places = Places(villages, {"32": 9.0, "91": 1.0})
    rng = random.Random(7)
    drawn = Counter(places.village(rng).code for _ in range(20_000))
    assert 0.85 < (drawn["32.04.01.2001"] + drawn["32.04.01.1001"]) / 20_000 < 0.95
    assert 3 < drawn["32.04.01.1001"] / drawn["32.04.01.2001"] < 5
    assert places.village_in("91.01", rng).code == "91.01.01.2001"


def test_a_village_knows_its_district_and_regency() -> None:
    village = _village("32.04.05.2003")
    assert (village.district_code, village.regency_code) == ("32.04.05", "32.04")
    assert village.label == "Desa Desa 32.04.05.2003"
