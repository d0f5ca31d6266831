"""Contacts remembered for a short while: within ``keep_s`` intake is asked once per report,
after it again; an answer intake could not give is never remembered."""

from types import SimpleNamespace

import pytest

from notification import contacts
from notification.contacts import Contact, ContactUnavailable, RecentContacts

SITI = Contact(
    email="siti@example.id",
    phone="+6281234567890",
    access_secret="k7m3q9xa2b4cd5ef6gh7jk8lmn",
    erased=False,
    language="id",
)
ERASED = Contact(email="", phone="", access_secret="", erased=True, language="")
REPORT_ID = "7K3M-9QXA-2B4C"
OTHER_ID = "2F8A-7K3M-9QXD"


class Source:
    """Intake as a ContactSource: answers from a script, counting the questions."""

    def __init__(self, *answers: Contact | ContactUnavailable) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def get(self, report_id: str) -> Contact:
        self.asked.append(report_id)
        answer = self.answers.pop(0)
        if isinstance(answer, ContactUnavailable):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    # Only the contacts module's clock: the event loop keeps the real one.
    monkeypatch.setattr(contacts, "time", SimpleNamespace(monotonic=clock))
    return clock


async def test_within_the_keeping_time_intake_is_asked_once(clock: Clock) -> None:
    source = Source(SITI)
    recent = RecentContacts(source, keep_s=30.0)
    assert await recent.get(REPORT_ID) == SITI
    clock.now += 29.9
    assert await recent.get(REPORT_ID) == SITI
    assert await recent.get(REPORT_ID) == SITI
    assert source.asked == [REPORT_ID]


async def test_after_the_keeping_time_intake_is_asked_again(clock: Clock) -> None:
    source = Source(SITI, ERASED, SITI)
    recent = RecentContacts(source, keep_s=30.0)
    assert await recent.get(REPORT_ID) == SITI
    clock.now += 30.0
    # The newer answer is the one given: the reporter's data was erased meanwhile.
    assert await recent.get(REPORT_ID) == ERASED
    assert await recent.get(REPORT_ID) == ERASED
    assert source.asked == [REPORT_ID, REPORT_ID]
    clock.now += 31.0
    assert await recent.get(REPORT_ID) == SITI
    assert source.asked == [REPORT_ID] * 3


async def test_each_report_is_asked_for_and_kept_on_its_own(clock: Clock) -> None:
    source = Source(SITI, ERASED)
    recent = RecentContacts(source, keep_s=30.0)
    assert await recent.get(REPORT_ID) == SITI
    clock.now += 20.0
    assert await recent.get(OTHER_ID) == ERASED
    assert await recent.get(REPORT_ID) == SITI
    assert await recent.get(OTHER_ID) == ERASED
    assert source.asked == [REPORT_ID, OTHER_ID]


@pytest.mark.parametrize("outage", [True, False], ids=["intake down", "report unknown"])
async def test_an_unavailable_contact_is_not_remembered(clock: Clock, outage: bool) -> None:
    unavailable = ContactUnavailable("intake: UNAVAILABLE: connection refused", outage)
    source = Source(unavailable, SITI)
    recent = RecentContacts(source, keep_s=30.0)
    with pytest.raises(ContactUnavailable) as raised:
        await recent.get(REPORT_ID)
    assert raised.value is unavailable
    assert raised.value.outage is outage
    assert str(raised.value) == "intake: UNAVAILABLE: connection refused"
    assert await recent.get(REPORT_ID) == SITI  # asked again at once, no time has passed
    assert await recent.get(REPORT_ID) == SITI
    assert source.asked == [REPORT_ID, REPORT_ID]
