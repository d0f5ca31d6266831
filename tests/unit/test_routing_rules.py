"""The responsibility rules over the real directory, routing's decisions, duplicates and the
directory's change log, as pure functions."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lapor.directory.v1.events_pb2 import AgencyConnected, AgencyMerged, AgencyRenamed
from lapor.events.v1.envelope_pb2 import Actor
from lapor.report.v1.events_pb2 import DECIDED_BY_MODEL, REJECTION_REASON_INCOMPLETE
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from routing.classifier import Classifier, load_training
from routing.directory import Directory, load_directory
from routing.domain import Assessment, Case, Located, Router, Suggestion, decide
from routing.duplicates import DuplicatePolicy, Match, OpenReport, distance_m, similarity
from routing.gazetteer import Gazetteer
from routing.registry import (
    ChangeRefused,
    Registry,
    UnknownAgency,
    apply,
    check,
    decode_change,
    new_change,
)
from routing.rules import Rules, load_rules, resolve, targets
from routing.taxonomy import load_taxonomy
from routing.text import words
from routing.verification import Hint

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "services/routing/routing/data"
REGIONS = ROOT.parent / "shared/data/regions"
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(REGIONS)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(DATA / "rules.toml")


def test_every_category_has_exactly_one_rule_and_every_target_exists(
    rules: Rules, directory: Directory
) -> None:
    taxonomy = load_taxonomy(DATA / "taxonomy.toml")
    assert set(rules.by_category) == set(taxonomy.categories)
    for rule in rules.by_category.values():
        assert directory.get(rule.ministry) is not None, rule.category
        for target in targets(rule, ""):
            assert resolve(target, "32.04", directory) is not None, (rule.category, target)


def _agency(rules: Rules, directory: Directory, category: str, text: str, region: str) -> str:
    target = targets(rules.by_category[category], " ".join(words(text)))[0]
    found = resolve(target, region, directory)
    assert found is not None
    return found.agency.code


@pytest.mark.parametrize(
    "case",
    [
        (
            "pendidikan.sekolah",
            "pungutan uang gedung di SDN 2 soreang",
            "32.04",
            "pemkab-3204.disdik",
        ),
        ("pendidikan.sekolah", "SMAN 1 soreang menahan ijazah", "32.04", "pemprov-32.disdik"),
        ("pendidikan.sekolah", "smk swasta minta uang praktik", "32.73", "pemprov-32.disdik"),
        ("pendidikan.sekolah", "MTs negeri minta iuran", "32.04", "kemenag"),
        ("infrastruktur.jalan", "jln kabupaten berlubang", "32.04.05", "pemkab-3204.pupr"),
        ("infrastruktur.jalan", "jalan nasional pantura rusak", "32.04", "kemenpu"),
        ("infrastruktur.jalan", "jalan provinsi longsor", "32.04", "pemprov-32.pupr"),
        ("kesehatan.bpjs-kesehatan", "kartu KIS nonaktif di RSUD", "32.04", "bpjs-kesehatan"),
        ("kesehatan.puskesmas", "puskesmas tutup siang", "32.73", "pemkot-3273.dinkes"),
        ("kependudukan.ktp", "e-ktp belum jadi 6 bulan", "31.71", "pemprov-31.disdukcapil"),
        ("energi.listrik", "listrik padam tiap malam", "", "pln"),
    ],
)
def test_the_rules_carry_the_real_subtleties(
    rules: Rules, directory: Directory, case: tuple[str, str, str, str]
) -> None:
    category, text, region, expected = case
    assert _agency(rules, directory, category, text, region) == expected


def test_a_regency_department_without_a_known_regency_is_the_provinces_and_not_exact(
    rules: Rules, directory: Directory
) -> None:
    target = targets(rules.by_category["kesehatan.puskesmas"], "")[0]
    found = resolve(target, "32", directory)
    assert found is not None
    assert (found.agency.code, found.exact) == ("pemprov-32.dinkes", False)
    assert resolve(target, "", directory) is None


def test_the_other_targets_are_the_next_best_after_the_matching_one(rules: Rules) -> None:
    ordered = targets(rules.by_category["infrastruktur.jalan"], "jalan provinsi rusak")
    assert [(t.department, t.level, t.national) for t in ordered] == [
        ("pupr", "province", ""),
        ("pupr", "regency", ""),
        ("", "regency", "kemenpu"),
    ]


CASE = Case("AAAA-BBBB-CCCC", "Jalan rusak", "Jalan berlubang", "32.04", "", AT)
ROAD = Suggestion("pemkab-3204.pupr", "Dinas PUPR", "infrastruktur.jalan", 0.9, "jalan kabupaten")
PROVINCE = Suggestion("pemprov-32.pupr", "Dinas PUPR Jabar", "infrastruktur.jalan", 0.27, "prov")


def _assessment(*suggestions: Suggestion, hints: tuple[Hint, ...] = ()) -> Assessment:
    return Assessment(
        list(suggestions), Located("32.04", 1.0, "kode"), list(hints), "rules/1", "nb-1"
    )


def test_a_confident_report_is_routed_with_the_versions_that_decided() -> None:
    command = decide(CASE, _assessment(ROAD, PROVINCE), None, 0.6)
    assert command == RouteReport(
        agency_code="pemkab-3204.pupr",
        agency_name="Dinas PUPR",
        category_code="infrastruktur.jalan",
        decided_by=DECIDED_BY_MODEL,
        confidence=0.9,
        rule_version="rules/1",
        model_version="nb-1",
        reason="jalan kabupaten",
    )


def test_an_unsure_report_waits_for_the_administrators_with_every_suggestion() -> None:
    command = decide(CASE, _assessment(PROVINCE), None, 0.6)
    assert isinstance(command, SuggestRoutes)
    assert [s.agency_code for s in command.suggestions] == ["pemprov-32.pupr"]
    assert "0.27" in command.reason


def test_hints_send_even_a_confident_report_to_the_administrators() -> None:
    short = Hint(REJECTION_REASON_INCOMPLETE, "terlalu singkat / too short")
    command = decide(CASE, _assessment(ROAD, hints=(short,)), None, 0.6)
    assert isinstance(command, SuggestRoutes)
    assert [h.reason for h in command.hints] == [REJECTION_REASON_INCOMPLETE]
    assert decide(CASE, _assessment(), None, 0.6) == SuggestRoutes(
        rule_version="rules/1",
        model_version="nb-1",
        reason="instansi yang berwenang tidak dapat ditentukan",
    )


def test_a_decline_sends_the_report_to_the_next_best_agency_whatever_its_confidence() -> None:
    declined = Case(**{**CASE.__dict__, "declined": ("pemkab-3204.pupr",)})
    command = decide(declined, _assessment(ROAD, PROVINCE), None, 0.6)
    assert isinstance(command, RouteReport)
    assert command.agency_code == "pemprov-32.pupr"
    assert "pemkab-3204.pupr" in command.reason


def test_after_three_declines_or_none_left_the_administrators_decide() -> None:
    three = Case(**{**CASE.__dict__, "declined": ("a", "b", "c")})
    assert isinstance(decide(three, _assessment(ROAD), None, 0.6), SuggestRoutes)
    one = Case(**{**CASE.__dict__, "declined": ("pemkab-3204.pupr",)})
    assert isinstance(decide(one, _assessment(ROAD), None, 0.6), SuggestRoutes)


def test_a_duplicate_is_linked_instead_of_routed() -> None:
    original = OpenReport("ZZZZ-ZZZZ-ZZZZ", "32.04", "infrastruktur.jalan", frozenset(), AT)
    command = decide(CASE, _assessment(ROAD), Match(original, 0.8), 0.6)
    assert isinstance(command, LinkDuplicate)
    assert (command.original_report_id, command.similarity) == ("ZZZZ-ZZZZ-ZZZZ", 0.8)


def _open(report_id: str, text: str, days: int = 0, **changes: object) -> OpenReport:
    values = {
        "report_id": report_id,
        "area": "32.04",
        "category_code": "infrastruktur.jalan",
        "words": frozenset(words(text)),
        "submitted_at": AT + timedelta(days=days),
        "location": None,
        **changes,
    }
    return OpenReport(**values)  # type: ignore[arg-type]


def test_a_close_match_in_the_same_regency_and_category_is_a_duplicate() -> None:
    policy = DuplicatePolicy()
    old = _open("OLD", "jalan raya soreang depan pasar berlubang besar bahaya motor")
    new = _open("NEW", "jln raya soreang depan pasar berlubang besar, motor jatuh", days=2)
    match = policy.find(new, [old])
    assert match is not None
    assert match.original.report_id == "OLD"
    assert policy.find(_open("NEW", "lampu taman kota mati", days=2), [old]) is None
    assert (
        policy.find(_open("NEW", "jalan raya soreang depan pasar berlubang", days=45), [old])
        is None
    )
    elsewhere = _open("NEW", "jalan raya soreang depan pasar berlubang besar", area="32.73")
    assert policy.find(elsewhere, [old]) is None


def test_reports_with_map_points_far_apart_are_not_duplicates() -> None:
    policy = DuplicatePolicy(radius_m=300)
    text = "jalan raya soreang depan pasar berlubang besar"
    old = _open("OLD", text, location=(-7.0250, 107.5190))
    near = _open("NEW", text, days=1, location=(-7.0260, 107.5195))
    far = _open("NEW", text, days=1, location=(-7.0500, 107.5190))
    assert policy.find(near, [old]) is not None
    assert policy.find(far, [old]) is None
    assert round(distance_m((-7.0, 107.5), (-7.01, 107.5))) == 1112
    assert similarity(frozenset(), frozenset({"a"})) == 0.0


ADMIN = Actor(id="admin")


def _fold(registry: Registry, code: str, change: object) -> Registry:
    envelope = new_change(code, change, ADMIN, AT)  # type: ignore[arg-type]
    return apply(registry, *decode_change(envelope.SerializeToString()))


def test_the_directory_changes_fold_and_are_checked(directory: Directory) -> None:
    registry = _fold(Registry(), "pemkab-3204.dinkes", AgencyConnected(topic="t"))
    registry = _fold(registry, "pemkab-3204.dinkes", AgencyRenamed(name="Dinkes Bandung"))
    registry = _fold(
        registry, "pemkab-3204.rsud", AgencyMerged(into_agency_code="pemkab-3204.dinkes")
    )
    assert set(registry.connected) == {"pemkab-3204.dinkes"}
    assert registry.current("pemkab-3204.rsud") == "pemkab-3204.dinkes"
    assert registry.applied == 3
    with pytest.raises(ChangeRefused):
        check(registry, directory, "pemkab-3204.dinkes", AgencyConnected())
    with pytest.raises(ChangeRefused):
        check(registry, directory, "pemkab-3204.rsud", AgencyRenamed(name="x"))
    with pytest.raises(ChangeRefused):
        check(
            registry,
            directory,
            "pemkab-3204.dinkes",
            AgencyMerged(into_agency_code="pemkab-3204.rsud"),
        )
    with pytest.raises(UnknownAgency):
        check(registry, directory, "pemkab-9999", AgencyConnected())


@pytest.fixture(scope="module")
def router(directory: Directory, rules: Rules) -> Router:
    taxonomy = load_taxonomy(DATA / "taxonomy.toml")
    return Router(
        directory=directory,
        gazetteer=Gazetteer.load(REGIONS),
        rules=rules,
        classifier=Classifier.train(
            load_training(DATA / "training.csv"), list(taxonomy.categories)
        ),
        registry=Registry(),
    )


def test_a_place_in_the_text_makes_a_province_code_precise(router: Router) -> None:
    text = "Jalan rusak parah di kec. Soreang kab Bandung, mohon diperbaiki"
    assert router.locate("32", text) == Located(
        "32.04.37", 1.0, "kode wilayah 32, kec. Soreang, kab Bandung"
    )
    assert router.locate("32.73", text) == Located("32.73", 1.0, "kode wilayah 32.73")
    assert router.locate("35", text) == Located("35", 1.0, "kode wilayah 35")
    found = router.locate("", text)
    assert found is not None
    assert found.region_code == "32.04.37"
    assert router.locate("", "saya mau tanya soal bpjs") is None


def test_an_assessment_ranks_the_rules_agency_and_records_the_versions(router: Router) -> None:
    assessment = router.assess(
        "Blanko e-KTP habis terus di Disdukcapil",
        "Sudah lima bulan sejak perekaman e-KTP, kartu belum dicetak karena blanko habis. "
        "Mohon Disdukcapil segera mencetak KTP elektronik warga.",
        "32.73",
    )
    best = assessment.best
    assert best is not None
    assert (best.agency_code, best.category_code) == (
        "pemkot-3273.disdukcapil",
        "kependudukan.ktp",
    )
    assert "kependudukan.ktp" in best.reason
    assert (assessment.rule_version, assessment.model_version) == (
        router.rules.version,
        router.classifier.version,
    )


def test_the_reporters_own_category_weighs_in(router: Router) -> None:
    text = ("Mohon bantuan", "Tolong diperiksa, sudah lama tidak ada kejelasan dari petugas.")
    plain = router.categories(*text, "")
    chosen = router.categories(*text, "energi.listrik")
    rank = [p.category_code for p in chosen].index("energi.listrik")
    assert rank < [p.category_code for p in plain].index("energi.listrik")
    assert abs(sum(p.confidence for p in chosen) - 1.0) < 0.01


def test_a_merged_agency_is_replaced_by_the_one_it_was_merged_into(router: Router) -> None:
    merged = replace(
        router,
        registry=Registry(merged_into={"pemkot-3273.disdukcapil": "pemprov-32.disdukcapil"}),
    )
    body = "Sudah lima bulan sejak perekaman e-KTP di kota Bandung, kartu belum dicetak."
    best = merged.assess("e-KTP belum jadi", body, "32.73").best
    assert best is not None
    assert best.agency_code == "pemprov-32.disdukcapil"
