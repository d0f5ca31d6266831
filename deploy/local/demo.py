"""Loads a demo data set into a running platform through its public APIs, then prints the
headline statistics (``make demo``).

    PYTHONPATH=.:libs .venv/bin/python -m deploy.local.demo --reports 300 --seed 7

Citizens file reports (texts in demo_reports.csv, real villages, every type and channel,
some anonymous or confidential, a few filed twice); routing routes them or leaves them to the
administrators, who assign or reject those; officers of the agency each report is at
acknowledge, ask for information, respond and resolve; reporters answer, rate and now and
then appeal. Everything goes through intake's REST API with bearer tokens signed with the
platform's development key (.run/secrets.env), at most --concurrency reports at a time.
The plan is a function of --seed; every run files new reports.
"""

import asyncio
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deploy.local import demo_plan as words
from deploy.local.demo_api import Api, Unreachable
from deploy.local.demo_plan import Plan, load_texts, plans
from deploy.local.synthetic import load_places

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "http://127.0.0.1:8080"
SUMMARY = "/api/v1/stats/summary"
# What the summary counts, in the order reports go through it.
STEPS = (
    "filed",
    "routed automatically",
    "assigned by administrators",
    "rejected by administrators",
    "linked as duplicates",
    "acknowledged",
    "asked for information",
    "answered by reporters",
    "interim responses",
    "resolved",
    "rated",
    "appealed",
    "accepted (Selesai)",
)


@dataclass(frozen=True)
class Options:
    intake_url: str
    analytics_url: str
    signing_key: str
    regions_dir: Path
    reports: int = 300
    seed: int = 7
    concurrency: int = 8
    settle_seconds: float = 90.0


@dataclass
class Tally:
    """What the load did, report by report."""

    counts: Counter[str] = field(default_factory=Counter)
    scores: list[int] = field(default_factory=list)
    tracking_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Story:
    """One report's life as its people live it, step after step."""

    def __init__(self, api: Api, plan: Plan, tally: Tally) -> None:
        self.api, self.plan, self.tally = api, plan, tally
        self.tracking_id = self.secret = self.agency = ""

    def count(self, what: str) -> None:
        self.tally.counts[what] += 1

    async def file(self) -> None:
        created = await self.api.submit(self.plan)
        self.tracking_id, self.secret = created["tracking_id"], created["access_secret"]
        self.tally.tracking_ids.append(self.tracking_id)
        self.count("filed")

    async def settle(self) -> bool:
        """Whether the report is now at an agency (routed, or assigned here); if not, it is
        done (linked as a duplicate, rejected, or routing did not decide in time)."""
        view = await self.api.settled(self.tracking_id)
        if view is None:
            self.tally.errors.append(f"{self.tracking_id}: routing did not decide in time")
            return False
        if view.get("duplicate_of"):
            self.count("linked as duplicates")
            return False
        if view.get("agency"):
            self.agency = view["agency"]["code"]
            self.count("routed automatically")
            return True
        hints = view["routing_suggestions"]["hints"]
        if self.plan.vague or hints:
            reason = hints[0]["reason"] if hints else "too_general"
            body = {"reason": reason, "note": words.REJECTED}
            await self.api.admin(self.tracking_id, "reject", body)
            self.count("rejected by administrators")
            return False
        suggested = view["routing_suggestions"]["agencies"]
        best = suggested[0] if suggested else None
        self.agency, name = (
            (best["agency_code"], best["agency_name"]) if best else self.plan.fallback_agency
        )
        body = {"agency_code": self.agency, "agency_name": name, "reason": words.ASSIGNED}
        await self.api.admin(self.tracking_id, "assign", body)
        self.count("assigned by administrators")
        return True

    async def as_officer(self, action: str, body: dict[str, Any], counted: str) -> None:
        self.agency = await self.api.officer(self.tracking_id, self.agency, action, body)
        self.count(counted)

    async def as_reporter(self, action: str, body: dict[str, Any], counted: str) -> None:
        await self.api.reporter(self.tracking_id, self.secret, action, body)
        self.count(counted)

    async def work(self) -> None:
        plan = self.plan
        if not plan.acknowledge:
            return
        await self.as_officer("acknowledge", {"note": words.NOTE}, "acknowledged")
        if plan.ask:
            await self.as_officer("request-information", words.QUESTION, "asked for information")
            if not plan.answer:
                return
            await self.as_reporter("provide-information", words.ANSWER, "answered by reporters")
        if plan.interim:
            await self.as_officer("respond", words.INTERIM, "interim responses")
        if not plan.resolve:
            return
        await self.as_officer("resolve", words.summary(plan), "resolved")
        if plan.score:
            await self.as_reporter("rate", words.rating(plan.score), "rated")
            self.tally.scores.append(plan.score)
        if plan.appeal:
            await self.as_reporter("appeal", words.APPEAL, "appealed")
        elif plan.accept:
            await self.as_reporter("accept", {}, "accepted (Selesai)")


async def live(story: Story, slots: asyncio.Semaphore, settled: asyncio.Event) -> None:
    """File the report and take it as far as its plan says, recording any failure."""
    try:
        async with slots:
            await story.file()
            at_agency = await story.settle()
            settled.set()  # a duplicate of this report may be filed now
            if at_agency:
                await story.work()
    except (httpx.HTTPError, RuntimeError, KeyError) as exc:
        where = story.tracking_id or f"report {story.plan.index}"
        story.tally.errors.append(f"{where}: {exc}")
    finally:
        settled.set()


async def load(options: Options, progress: Progress) -> Tally:
    """Load the demo data set; the CLI's main coroutine."""
    texts = load_texts(Path(__file__).with_name("demo_reports.csv"))
    planned = plans(options.seed, options.reports, load_places(options.regions_dir), texts)
    tally, run = Tally(), uuid.uuid4().hex[:8]
    task = progress.add_task("reports filed and worked", total=len(planned))
    slots = asyncio.Semaphore(options.concurrency)
    settled = [asyncio.Event() for _ in planned]
    async with httpx.AsyncClient(base_url=options.intake_url, timeout=30) as client:
        api = Api(client, options.signing_key, run, options.settle_seconds)
        await api.check()

        async def one(plan: Plan) -> None:
            if plan.duplicate_of is not None:
                await settled[plan.duplicate_of].wait()
            await live(Story(api, plan, tally), slots, settled[plan.index])
            progress.advance(task)

        await asyncio.gather(*(one(plan) for plan in planned))
    return tally


async def headline(analytics_url: str, patience_s: float = 180.0, quiet_s: float = 6.0) -> Any:
    """The headline statistics once analytics has caught up with the load: an answer that
    has not changed for ``quiet_s`` (or whatever it answers after ``patience_s``)."""
    async with httpx.AsyncClient(base_url=analytics_url, timeout=30) as client:
        loop = asyncio.get_running_loop()
        began = changed = loop.time()
        last = None
        while True:
            answer = await client.get(SUMMARY)
            answer.raise_for_status()
            figures, now = answer.json(), loop.time()
            if figures != last:
                last, changed = figures, now
            elif now - changed >= quiet_s or now - began >= patience_s:
                return figures
            await asyncio.sleep(1.0)


def report(console: Console, tally: Tally, analytics_url: str) -> None:
    console.print(f"[bold]Demo data:[/] {len(tally.tracking_ids)} reports")
    for what in STEPS:
        console.print(f"  {what:<28} {tally.counts[what]}")
    if tally.scores:
        console.print(f"  {'mean rating':<28} {sum(tally.scores) / len(tally.scores):.2f}")
    for error in tally.errors[:10]:
        console.print(f"  [red]failed[/] {error}")
    if len(tally.errors) > 10:
        console.print(f"  [red]... and {len(tally.errors) - 10} more failures[/]")
    try:
        with console.status("waiting for analytics to catch up with the load"):
            figures = asyncio.run(headline(analytics_url))
        console.print(f"[bold]Headline statistics[/] ({analytics_url}{SUMMARY}):")
        console.print_json(data=figures)
    except (httpx.HTTPError, ValueError) as exc:
        console.print(f"[yellow]analytics gave no headline statistics: {exc!r}[/]")


def signing_key(secrets: Path) -> str:
    """LAPOR_JWT_SIGNING_KEY from the environment, else from the platform's secrets file."""
    if key := os.environ.get("LAPOR_JWT_SIGNING_KEY"):
        return key
    if secrets.exists():
        for line in secrets.read_text().splitlines():
            name, _, value = line.partition("=")
            if name == "LAPOR_JWT_SIGNING_KEY" and value:
                return value
    raise typer.BadParameter(f"no LAPOR_JWT_SIGNING_KEY in {secrets} (make up writes it)")


app = typer.Typer(add_completion=False)
RUN_DIR = Path(os.environ.get("LAPOR_RUN_DIR", ROOT / ".run"))
REGIONS = Path(os.environ.get("LAPOR_REGIONS_DIR", ROOT.parent / "shared/data/regions"))


@app.command()
def main(
    *,
    reports: Annotated[int, typer.Option(min=1, help="How many reports to file.")] = 300,
    seed: Annotated[int, typer.Option(help="The plan (texts, places, fates) follows it.")] = 7,
    intake_url: Annotated[str, typer.Option(help="Intake's REST API or the gateway.")] = BASE_URL,
    analytics_url: Annotated[str, typer.Option(help="Analytics or the gateway.")] = BASE_URL,
    secrets: Annotated[Path, typer.Option(help="The platform's secrets.env.")] = RUN_DIR
    / "secrets.env",
    regions: Annotated[Path, typer.Option(help="Kemendagri region CSVs.")] = REGIONS,
    concurrency: Annotated[int, typer.Option(min=1, help="Reports worked at once.")] = 8,
    settle_seconds: Annotated[float, typer.Option(help="Wait for routing, per report.")] = 90.0,
) -> None:
    """File demo reports, take them through their lives, print the headline statistics."""
    options = Options(
        intake_url.rstrip("/"),
        analytics_url.rstrip("/"),
        signing_key(secrets),
        regions,
        reports,
        seed,
        concurrency,
        settle_seconds,
    )
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
            tally = asyncio.run(load(options, progress))
    except Unreachable as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    report(Console(), tally, options.analytics_url)
    raise typer.Exit(1 if tally.errors else 0)


if __name__ == "__main__":
    app()
