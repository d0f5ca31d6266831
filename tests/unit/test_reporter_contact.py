"""The reporter's contact and access secret: only the notification service reads them, never
the identity number, and nothing once the reporter has been erased."""

import pytest

from intake.domain.model import Forbidden, NotFound, Principal, Role
from lapor.report.v1 import commands_pb2 as c
from tests.unit.reports import ADMIN, IDENTITY, SERVICE, SUBMISSION, Harness, cause_of, submitted

NOTIFICATION = Principal(Role.SERVICE, subject="notification")


async def test_the_notification_service_gets_the_contact_and_the_secret() -> None:
    fx = Harness()
    outcome = await submitted(fx)
    contact = await fx.reader.contact(outcome.report_id, NOTIFICATION)
    assert contact.identity is not None
    assert (contact.identity.name, contact.identity.phone, contact.identity.email) == (
        IDENTITY.name,
        IDENTITY.phone,
        IDENTITY.email,
    )
    assert contact.identity.id_number == ""
    assert contact.access_secret == outcome.access_secret
    assert (contact.erased, contact.anonymous, contact.language) == (False, False, "id")


@pytest.mark.parametrize("who", [ADMIN, SERVICE, Principal(Role.OFFICER, "pemkab-3204", "n")])
async def test_no_one_else_reads_contacts(who: Principal) -> None:
    fx = Harness()
    outcome = await submitted(fx)
    with pytest.raises(Forbidden):
        await fx.reader.contact(outcome.report_id, who)


async def test_a_reporter_who_gave_no_contact_has_none_and_an_unknown_report_is_not_found() -> None:
    fx = Harness()
    outcome = await fx.writer.submit(SUBMISSION, None, cause_of(ADMIN), None)
    contact = await fx.reader.contact(outcome.report_id, NOTIFICATION)
    assert (contact.identity, contact.access_secret, contact.erased) == (None, "", False)
    with pytest.raises(NotFound):
        await fx.reader.contact("AAAA-BBBB-CCCC", NOTIFICATION)


async def test_an_erased_reporter_cannot_be_contacted() -> None:
    fx = Harness()
    outcome = await submitted(fx)
    erase = c.EraseReporterData(reason="permintaan pelapor")
    await fx.writer.act(outcome.report_id, erase, ADMIN, cause_of(ADMIN))
    state = await fx.store.get(outcome.report_id)
    assert state is not None
    assert state.reporter is not None
    await fx.vault.erase(state.reporter.key_id)
    contact = await fx.reader.contact(outcome.report_id, NOTIFICATION)
    assert (contact.identity, contact.access_secret, contact.erased) == (None, "", True)
