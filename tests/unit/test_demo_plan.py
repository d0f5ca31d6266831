"""The demo loader's plan (deploy/local/demo_plan.py): the same seed, the same load; valid
reports; people who only do what the lifecycle allows."""

from pathlib import Path

from deploy.local.demo_plan import Plan, government, load_texts, plans
from deploy.local.synthetic import Places, Village
from intake.requests import ReportIn, submission

TEXTS = load_texts(Path(__file__).resolve().parents[2] / "deploy/local/demo_reports.csv")
VILLAGES = [
    Village("32.04.05.2001", "Sukamaju", False, "Soreang", "Kabupaten Bandung"),
    Village("32.73.01.1001", "Cihapit", True, "Bandung Wetan", "Kota Bandung"),
]
PLACES = Places(VILLAGES, {"32": 1.0})


def test_the_same_seed_plans_the_same_load() -> None:
    assert plans(3, 50, PLACES, TEXTS) == plans(3, 50, PLACES, TEXTS)
    assert plans(3, 50, PLACES, TEXTS) != plans(4, 50, PLACES, TEXTS)


def test_every_planned_report_is_one_intake_accepts() -> None:
    for plan in plans(11, 300, PLACES, TEXTS):
        command, _ = submission(ReportIn.model_validate(plan.report))
        assert 5 <= len(command.title) <= 200
        assert 20 <= len(command.body) <= 10_000
        assert "{" not in command.title + command.body
        assert plan.report["region_code"].startswith(("32.04", "32.73"))


def _possible(plan: Plan) -> bool:
    """Each step needs the one before it: nobody rates what was not resolved, and so on."""
    if plan.answer and not plan.ask:
        return False
    if plan.resolve and plan.ask and not plan.answer:
        return False
    return not (plan.appeal and not 0 < plan.score <= 2) and not (plan.appeal and plan.accept)


def test_fates_are_possible_and_mixed() -> None:
    planned = plans(5, 400, PLACES, TEXTS)
    assert all(_possible(plan) for plan in planned)
    duplicates = [plan for plan in planned if plan.duplicate_of is not None]
    assert duplicates
    for plan in duplicates:
        assert plan.duplicate_of is not None
        assert plan.duplicate_of < plan.index
        assert plan.report == planned[plan.duplicate_of].report
    scores = [plan.score for plan in planned if plan.score]
    assert 3.4 < sum(scores) / len(scores) < 4.0
    assert any(plan.vague for plan in planned)
    assert {plan.report["channel"] for plan in planned} == {"web", "mobile", "social_media"}
    assert {plan.report["type"] for plan in planned} == {
        "pengaduan",
        "aspirasi",
        "permintaan_informasi",
    }


def test_the_fallback_agency_is_the_regency_or_city_government() -> None:
    assert government(VILLAGES[0]) == ("pemkab-3204", "Pemerintah Kabupaten Bandung")
    assert government(VILLAGES[1]) == ("pemkot-3273", "Pemerintah Kota Bandung")
