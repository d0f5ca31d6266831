"""Words for deliveries: dates in the reader's language and zone, the template context the
Composer builds from an outbox entry, every kind the policy can produce rendered through the
real templates (the feed items the planner writes, built with feed_item_of, and the e-mails,
SMS and webhooks it queues), SMS that fit, webhook bodies without the reporter, sortable feed
items."""

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from lapor.report.v1 import events_pb2 as e
from lapor_common.zones import WIB, WIT, WITA, zone_of_agency, zone_of_region
from notification.domain.alerts import spike_alert
from notification.domain.facts import Facts, evolve
from notification.domain.notices import (
    NATIONAL_ADMINISTRATOR,
    Audience,
    Notice,
    notices,
    queue_alert,
)
from notification.domain.recipients import (
    REPORTER,
    Channel,
    Preferences,
    Role,
    Subscription,
    deliveries,
    feed_item_of,
    reporter_channels,
)
from notification.domain.replies import KINDS as REPLY_KINDS
from notification.domain.sms import segments
from notification.messages import Composer, Links, feed_item, webhook_body, when
from notification.outbox import Entry, log_name
from notification.planner import Occasion, _snapshot
from notification.rendering import LANGUAGES, TEMPLATES, Rendered, Templates
from tests.unit.notification.observations import SPIKE

BASE = "https://www.lapor.go.id"
SMS_PARTS = 3
REPORT_ID = "7K3M-9QXA-2B4C"
SECRET = "k7m3q9xa2b4cd5ef6gh7jk8lmn"
KEY_ID = "reporter-key-4f2a9c"
CIPHERTEXT = b"sealed:Siti Rahayu,+6281234567890,siti@example.id"
SECRET_SHA256 = bytes(range(32))
DEADLINE = Timestamp(seconds=1796140799)  # 2026-12-01T15:59:59Z
AT = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
PU = ("pemkot-7371.dinas-pu", "Dinas Pekerjaan Umum dan Penataan Ruang Kota Makassar")
PERKIM = (
    "pemkot-7371.dinas-perkim",
    "Dinas Perumahan, Kawasan Permukiman dan Pertanahan Kota Makassar",
)
PEMPROV = ("pemprov-73.dinas-pu", "Dinas Pekerjaan Umum dan Tata Ruang Provinsi Sulawesi Selatan")
QUESTION = (
    "Mohon sebutkan titik persisnya, misalnya nomor rumah atau patokan terdekat, "
    "serta sejak kapan lubang itu ada dan apakah sudah pernah ada kecelakaan. "
) * 3
RESPONSE = "Tim kami sudah meninjau lokasi dan menjadwalkan penambalan jalan minggu depan. " * 4
SUBSCRIPTIONS = [
    Subscription(f"{code}-{channel}", code, channel, "x", role)
    for code in (PU[0], PERKIM[0], PEMPROV[0], NATIONAL_ADMINISTRATOR)
    for channel, role in (
        (Channel.EMAIL, Role.OFFICER),
        (Channel.WEBHOOK, Role.OFFICER),
        (Channel.SMS, Role.SUPERVISOR),
    )
]


def submitted(anonymous: bool = False, confidential: bool = False) -> e.ReportSubmitted:
    return e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT,
        title="Jalan berlubang dan tergenang di Jalan Perintis Kemerdekaan dekat kampus",
        body="Lubang besar, sudah tiga minggu, membahayakan pengendara motor.",
        category_code="infrastruktur",
        region_code="73.71.01",
        channel=e.CHANNEL_WEB,
        anonymous=anonymous,
        confidential=confidential,
        reporter=e.EncryptedIdentity(key_id=KEY_ID, nonce=b"\x01" * 12, ciphertext=CIPHERTEXT),
        access_secret_sha256=SECRET_SHA256,
        language="id",
        reporter_gave_email=True,
        reporter_gave_phone=True,
    )


LIFE: list[Message] = [
    submitted(),
    e.RoutingSuggested(reason="kurang yakin"),
    e.ReportPostponed(reason="Menunggu konfirmasi kecamatan.", until=DEADLINE),
    e.ReportVerified(note="Lokasi sudah dipastikan."),
    e.ReportRouted(agency_code=PU[0], agency_name=PU[1], category_code="jalan"),
    e.ReportAcknowledged(note="Petugas akan meninjau lokasi."),
    e.InformationRequested(question=QUESTION),
    e.InformationProvided(answer="Di depan nomor 7."),
    e.ReporterReplied(text="Terima kasih."),
    e.DeadlineApproaching(clock=e.CLOCK_KIND_FIRST_RESPONSE, deadline=DEADLINE, agency_code=PU[0]),
    e.ReportResponded(text=RESPONSE, final=False),
    e.ReportForwarded(
        from_agency_code=PU[0],
        to_agency_code=PERKIM[0],
        to_agency_name=PERKIM[1],
        reason="Drainase permukiman adalah wewenang dinas perkim.",
        kind=e.FORWARD_KIND_NOT_OUR_AUTHORITY,
    ),
    e.DeadlineMissed(clock=e.CLOCK_KIND_COMPLETION, deadline=DEADLINE, agency_code=PERKIM[0]),
    e.ReportEscalated(
        from_agency_code=PERKIM[0], to_agency_code=PEMPROV[0], to_agency_name=PEMPROV[1], tier=2
    ),
    # A late warning against the unit that had it: the report is no longer there.
    e.DeadlineMissed(clock=e.CLOCK_KIND_FIRST_RESPONSE, deadline=DEADLINE, agency_code=PERKIM[0]),
    e.ReportResponded(text=RESPONSE, final=True),
    e.ReportResolved(summary=RESPONSE),
    e.ReportClosed(reason=e.CLOSURE_REASON_AUTO_CLOSED),
    e.ReportRated(score=2, comment="lambat"),
    e.ReportAppealed(reason="belum ditambal"),
    e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED),
]
# Other ways out of the verification queue, each for a report of its own.
BRANCHES: list[list[Message]] = [
    [submitted(anonymous=True, confidential=True), e.ReportRejected(reason=reason, note="")]
    for reason in (e.REJECTION_REASON_INCOMPLETE, e.REJECTION_REASON_ABUSIVE)
] + [
    [submitted(), e.ReportArchived(reason="Masalah yang sama sudah selesai ditangani.")],
    [submitted(), e.DuplicateLinked(original_report_id="2F8A-7K3M-9QXD", similarity=0.91)],
    [submitted(), e.ReportArchived(reason="")],
]


# Every reporter in the scenario gave both contacts and chose both channels, so each
# reporter notice becomes an e-mail and an SMS besides its feed item.
BOTH_CHOSEN = Preferences(channels=frozenset({Channel.EMAIL, Channel.SMS}))


def planned(event_id: str, notice: Notice, facts: Facts) -> list[Entry]:
    """As the planner makes them: the notice's feed item (state "feed", never queued) first,
    then its deliveries."""
    occasion, report = Occasion(event_id, 3, AT), _snapshot(facts)
    chosen = reporter_channels(BOTH_CHOSEN, facts.gave_email, facts.gave_phone, facts.came_by_sms)
    item = occasion.entry(feed_item_of(event_id, facts.report_id, notice), report)
    return [
        replace(item, state="feed"),
        *(
            occasion.entry(d, report)
            for d in deliveries(event_id, facts.report_id, notice, SUBSCRIPTIONS, chosen)
        ),
    ]


def entries_of(report_id: str, events: list[Message]) -> list[Entry]:
    facts, found = Facts(report_id), []
    for sequence, event in enumerate(events, start=1):
        after = evolve(facts, event, sequence)
        for n, notice in enumerate(notices(facts, event)):
            found += planned(f"{report_id}-{sequence}-{n}", notice, after)
        facts = after
    return found


def alert_entries() -> list[Entry]:
    return [
        *planned("alert-1", queue_alert(205, 100), Facts("")),
        *planned("spike-1", spike_alert(SPIKE), Facts("")),
    ]


ENTRIES = [
    *entries_of(REPORT_ID, LIFE),
    *(x for i, branch in enumerate(BRANCHES) for x in entries_of(f"BR{i}-9QXA-2B4C", branch)),
    *alert_entries(),
]


def test_an_occasion_queues_a_delivery_pending_now_in_the_days_log() -> None:
    d = ENTRIES[1].delivery
    report: dict[str, object] = {"title": "t"}
    later = AT + timedelta(days=1)
    assert Occasion(d.event_id, 5, later).entry(d, report) == Entry(
        d, log_name(later, d.report_id), 5, later, later, 0, "pending", report
    )


def zone_for(entry: Entry) -> ZoneInfo:
    d = entry.delivery
    return zone_of_agency(d.agency_code) if d.agency_code else zone_of_region("73.71")


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(Templates(TEMPLATES), Links(BASE), SMS_PARTS)


def render(composer: Composer, entry: Entry, language: str, secret: str = "") -> Rendered:
    context = composer.context(entry, language, zone_for(entry), secret)
    return composer.render(entry.delivery.kind, language, context)


def one(kind: str, channel: Channel = Channel.FEED, recipient: str = "") -> Entry:
    found = [
        x
        for x in ENTRIES
        if x.delivery.kind == kind
        and x.delivery.channel is channel
        and x.delivery.recipient.startswith(recipient)
    ]
    return found[0]


# --- when -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "language", "expected"),
    [
        (WITA, "id", "Selasa, 1 Desember 2026 pukul 23.59 WITA"),
        (WITA, "en", "Tuesday 1 December 2026, 23:59 WITA"),
        (WIB, "id", "Selasa, 1 Desember 2026 pukul 22.59 WIB"),
        (WIB, "en", "Tuesday 1 December 2026, 22:59 WIB"),
        (WIT, "id", "Rabu, 2 Desember 2026 pukul 00.59 WIT"),  # already the next day
        (WIT, "en", "Wednesday 2 December 2026, 00:59 WIT"),
    ],
)
def test_when_in_each_language_and_zone(zone: ZoneInfo, language: str, expected: str) -> None:
    assert when("2026-12-01T15:59:59Z", language, zone) == expected


def test_when_reads_fractions_and_offsets_and_leaves_no_date_empty() -> None:
    assert when("2026-03-09T00:00:00.250Z", "id", WIB) == "Senin, 9 Maret 2026 pukul 07.00 WIB"
    assert when("2026-08-17T10:00:00+07:00", "en", WIT) == "Monday 17 August 2026, 12:00 WIT"
    assert when("", "id", WIB) == ""


# --- the Composer's context ---------------------------------------------------------------


def test_a_reporter_context_has_the_links_the_secret_and_local_dates(composer: Composer) -> None:
    entry = one("postponed", Channel.EMAIL)
    context = composer.context(entry, "id", WITA, SECRET)
    tracking = f"{BASE}/lacak/{REPORT_ID}"
    assert context == {
        "tracking_id": REPORT_ID,
        "title": "Jalan berlubang dan tergenang di Jalan Perintis Kemerdekaan dekat kampus",
        "tracking_url": tracking,
        "rating_url": f"{tracking}#nilai",
        "appeal_url": f"{tracking}#banding",
        "inbox_url": f"{BASE}/instansi/laporan/{REPORT_ID}",
        "queue_url": f"{BASE}/admin/antrean",
        "spikes_url": f"{BASE}/admin/statistik/lonjakan",
        "language": "id",
        "access_secret": SECRET,
        "category_name": "",
        "deadline": "",
        "came_by_sms": False,
        "until": "Selasa, 1 Desember 2026 pukul 23.59 WITA",
        "reason": "Menunggu konfirmasi kecamatan.",
    }


def test_an_agency_context_names_the_agency_that_holds_the_report(composer: Composer) -> None:
    entry = one("deadline_approaching", Channel.EMAIL)
    assert entry.delivery.agency_code == PU[0]
    context = composer.context(entry, "en", WITA, "")
    assert context["agency_name"] == PU[1]
    assert context["deadline"] == "Tuesday 1 December 2026, 23:59 WITA"
    assert context["clock"] == "first_response"
    assert context["access_secret"] == ""


def test_an_agency_that_no_longer_holds_the_report_is_named_by_its_code(
    composer: Composer,
) -> None:
    warnings = [
        x for x in ENTRIES if x.delivery.kind == "warning" and x.delivery.channel is Channel.FEED
    ]
    held, late = warnings
    assert composer.context(held, "id", WITA, "")["agency_name"] == PERKIM[1]
    assert late.report["agency_code"] == PEMPROV[0]
    assert composer.context(late, "id", WITA, "")["agency_name"] == PERKIM[0]
    assert composer.context(late, "id", WITA, "")["missed_by"] == PERKIM[0]


@pytest.mark.parametrize(
    ("language", "incomplete", "abusive"),
    [
        ("id", "informasi laporan belum lengkap", "laporan memuat kata-kata yang tidak pantas"),
        ("en", "the report is incomplete", "the report contains abusive language"),
    ],
)
def test_rejection_reasons_become_words_in_the_language(
    composer: Composer, language: str, incomplete: str, abusive: str
) -> None:
    rejected = [
        x for x in ENTRIES if x.delivery.kind == "rejected" and x.delivery.channel is Channel.EMAIL
    ]
    reasons = [composer.context(x, language, WITA, "")["reason"] for x in rejected]
    assert reasons == [incomplete, abusive]
    assert all("reason_code" not in composer.context(x, language, WITA, "") for x in rejected)


def test_an_unknown_rejection_reason_says_none(composer: Composer) -> None:
    entry = one("rejected")
    unknown = replace(entry.delivery, context={"reason_code": 0, "note": ""})
    context = composer.context(replace(entry, delivery=unknown), "en", WIB, "")
    assert context["reason"] == ""


# --- every kind through the real templates ------------------------------------------------

ISO_DATE = re.compile(r"\d{4}-\d\d-\d\dT")
# A label whose value came out empty ("Alasan:").
EMPTY_LABEL = re.compile(r"^[A-Z]\w*( \w+){0,4}:[ \t]*$", re.MULTILINE)


def test_the_scenario_produces_every_kind_there_is_a_template_for() -> None:
    kinds = {x.delivery.kind for x in ENTRIES}
    templates = {p.stem for p in (TEMPLATES / "id").glob("*.j2") if not p.stem.startswith("_")}
    assert kinds == templates - {"digest"} - set(REPLY_KINDS.values())


def test_every_notice_is_a_feed_item_and_its_audiences_messages() -> None:
    by_event: dict[str, set[tuple[str, Channel]]] = {}
    for x in ENTRIES:
        d = x.delivery
        by_event.setdefault(d.event_id, set()).add((d.recipient.split(":")[0], d.channel))
    reporter = {("reporter", Channel.FEED), ("reporter", Channel.EMAIL), ("reporter", Channel.SMS)}
    officers = {("agency", Channel.FEED), ("sub", Channel.EMAIL), ("sub", Channel.WEBHOOK)}
    supervisors = {("sub", Channel.SMS)}
    for event_id, found in by_event.items():
        assert found in (reporter, officers, officers | supervisors), event_id
    feed = [x for x in ENTRIES if x.delivery.channel is Channel.FEED]
    assert len(feed) == len(by_event)  # one feed item per notice
    assert {x.state for x in feed} == {"feed"}
    assert {x.state for x in ENTRIES if x.delivery.channel is not Channel.FEED} == {"pending"}


def entry_id(entry: Entry) -> str:
    d = entry.delivery
    return f"{d.event_id}:{d.kind}:{d.recipient}:{d.channel.value}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_every_delivery_renders_in_both_languages(
    composer: Composer, entry: Entry, language: str
) -> None:
    secret = SECRET if entry.delivery.audience is Audience.REPORTER else ""
    rendered = render(composer, entry, language, secret)
    parts = (rendered.subject, rendered.text, rendered.short)
    assert all(parts)
    assert "\n" not in rendered.subject
    for part in parts:
        assert "None" not in part
        assert not ISO_DATE.search(part), "dates are shown in words"
        assert "{" not in part
        assert "}" not in part
        assert " ," not in part
        assert " ." not in part
    assert not EMPTY_LABEL.search(rendered.text)
    assert rendered.short.startswith(f"LAPOR! {entry.delivery.report_id}".rstrip())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "entry", [x for x in ENTRIES if x.delivery.channel is Channel.SMS], ids=entry_id
)
def test_every_sms_fits_in_three_parts_and_starts_with_the_tracking_id(
    composer: Composer, entry: Entry, language: str
) -> None:
    secret = SECRET if entry.delivery.audience is Audience.REPORTER else ""
    rendered = render(composer, entry, language, secret)
    text = composer.sms(rendered, entry.delivery.report_id)
    assert len(segments(text)) <= SMS_PARTS
    assert text.startswith(f"LAPOR! {entry.delivery.report_id}".rstrip())


def test_a_long_question_is_cut_to_fit_but_the_receipt_keeps_its_secret(
    composer: Composer,
) -> None:
    asked = render(composer, one("information_requested", Channel.SMS), "id", SECRET)
    assert len(segments(asked.short)) > SMS_PARTS  # the question alone is too long
    cut = composer.sms(asked, REPORT_ID)
    assert cut.endswith("...")
    assert len(segments(cut)) == SMS_PARTS
    receipt = composer.sms(render(composer, one("received", Channel.SMS), "en", SECRET), REPORT_ID)
    assert SECRET in receipt


def test_a_digest_of_an_agency_desks_emails_renders(composer: Composer) -> None:
    desk = [x for x in ENTRIES if x.delivery.recipient == f"sub:{PU[0]}-email"]
    assert len(desk) > 1
    for language in LANGUAGES:
        items = [(x, render(composer, x, language)) for x in desk]
        digest = composer.digest(items, language, PU[1])
        assert str(len(desk)) in digest.subject
        assert all(f"/instansi/laporan/{x.delivery.report_id}" in digest.text for x in desk)


# --- webhooks and the feed --------------------------------------------------------------


def test_a_webhook_body_is_the_notices_facts(composer: Composer) -> None:
    entry = one("new_report", Channel.WEBHOOK, f"sub:{PU[0]}")
    rendered = render(composer, entry, "id")
    body = json.loads(webhook_body(entry.delivery, entry, rendered, composer.inbox(REPORT_ID)))
    assert body == {
        "delivery_id": entry.delivery.id,
        "event_id": entry.delivery.event_id,
        "kind": "new_report",
        "tracking_id": REPORT_ID,
        "agency_code": PU[0],
        "title": "Jalan berlubang dan tergenang di Jalan Perintis Kemerdekaan dekat kampus",
        "occurred_at": "2026-11-20T02:30:00+00:00",
        "text": rendered.short,
        "details": {"via": "routed", "from_agency_name": ""},
        "links": {"inbox": f"{BASE}/instansi/laporan/{REPORT_ID}"},
    }


@pytest.mark.parametrize(
    "entry", [x for x in ENTRIES if x.delivery.channel is Channel.WEBHOOK], ids=entry_id
)
def test_no_webhook_carries_the_reporter(composer: Composer, entry: Entry) -> None:
    rendered = render(composer, entry, "en")
    raw = webhook_body(entry.delivery, entry, rendered, composer.inbox(entry.delivery.report_id))
    text = raw.decode()
    json.loads(text)
    for private in (KEY_ID, "Siti", "+62812", "siti@", SECRET, SECRET_SHA256.hex(), "secret"):
        assert private not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "entry", [x for x in ENTRIES if x.delivery.channel is Channel.FEED], ids=entry_id
)
def test_every_feed_item_is_its_rendered_notice(
    composer: Composer, entry: Entry, language: str
) -> None:
    rendered = render(composer, entry, language)
    item = feed_item(entry, rendered, AT)
    d = entry.delivery
    feed = REPORTER if d.audience is Audience.REPORTER else f"agency:{d.agency_code}"
    assert item["id"] == f"{d.event_id}/{feed}/feed"
    assert (item["kind"], item["tracking_id"]) == (d.kind, d.report_id)
    assert (item["subject"], item["text"]) == (rendered.subject, rendered.short)
    assert item["at"] == "2026-11-20T02:30:00+00:00"


def item_at(at: datetime, entry_id: str = "ev/reporter/feed") -> dict[str, object]:
    entry = replace(ENTRIES[0], delivery=replace(ENTRIES[0].delivery, id=entry_id))
    return feed_item(entry, Rendered("s", "t", "short"), at)


def test_a_feed_item_says_what_and_when() -> None:
    at = datetime(2026, 12, 1, 15, 59, 59, 120000, tzinfo=UTC)
    assert item_at(at, "ev-1/reporter/feed") == {
        "id": "ev-1/reporter/feed",
        "cursor": "2026-12-01T15:59:59.120000+00:00|ev-1/reporter/feed",
        "at": "2026-12-01T15:59:59.120000+00:00",
        "kind": ENTRIES[0].delivery.kind,
        "tracking_id": REPORT_ID,
        "subject": "s",
        "text": "short",
    }


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=0, max_value=10**9),
    st.text(alphabet="abz09-/:", min_size=1, max_size=12),
    st.text(alphabet="abz09-/:", min_size=1, max_size=12),
)
def test_feed_cursors_sort_by_time_then_id(
    first: datetime, later_us: int, first_id: str, second_id: str
) -> None:
    a = first.replace(tzinfo=UTC)
    b = a + timedelta(microseconds=later_us)
    cursor_a, cursor_b = item_at(a, first_id)["cursor"], item_at(b, second_id)["cursor"]
    assert isinstance(cursor_a, str)
    assert isinstance(cursor_b, str)
    if a < b:
        assert cursor_a < cursor_b
    else:
        assert (cursor_a < cursor_b) == (first_id < second_id)


def test_feed_cursors_of_a_whole_second_and_a_moment_later_keep_their_order() -> None:
    whole = datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)
    times = [whole, whole + timedelta(microseconds=1), whole + timedelta(seconds=1)]
    cursors = [str(item_at(t, "z")["cursor"]) for t in times]
    assert cursors[0] < cursors[1] < cursors[2]
