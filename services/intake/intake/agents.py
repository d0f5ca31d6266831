"""Intake's consumers: the state projection (report-events) and the command processor
(report-commands). Each translates a record and calls a handler."""

import logging

from intake.domain.model import Forbidden, Invalid, Refused
from intake.handlers import CommandHandler, ReportWriter
from lapor_common.envelope import UndecodableMessage, decode_command, decode_event
from lapor_common.kafka_io import Handler, SourceRecord

log = logging.getLogger(__name__)


def state_projection(writer: ReportWriter) -> Handler:
    async def handle(record: SourceRecord) -> None:
        await writer.apply(decode_event(record.value))

    return handle


def command_processing(handlers: dict[str, CommandHandler]) -> Handler:
    """Refusals are normal (the report moved on) and logged; a command that could never be
    valid is poison and goes to the dead-letter topic with the reason."""

    async def handle(record: SourceRecord) -> None:
        command = decode_command(record.value)
        name = command.envelope.command_type
        handler = handlers.get(name)
        if handler is None:
            raise UndecodableMessage(f"intake does not take {name}")
        try:
            await handler(command)
        except (Invalid, Forbidden) as exc:
            raise UndecodableMessage(f"{name} can never apply: {exc}") from exc
        except Refused as exc:
            log.warning(
                "refused %s: %s", name, exc, extra={"report_id": command.envelope.report_id}
            )

    return handle
