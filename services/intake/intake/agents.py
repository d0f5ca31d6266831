"""Intake's consumers: the state projector (report-events) and the command processor
(report-commands). Each translates a record and calls a handler."""

import logging

from intake.domain import Refused
from intake.handlers import CommandHandler, ReportWriter
from lapor_common.envelope import UndecodableMessage, decode_command, decode_event
from lapor_common.kafka_io import Handler, SourceRecord

log = logging.getLogger(__name__)


def state_projection(writer: ReportWriter) -> Handler:
    async def handle(record: SourceRecord) -> None:
        await writer.apply(decode_event(record.value))

    return handle


def command_processing(handlers: dict[str, CommandHandler]) -> Handler:
    async def handle(record: SourceRecord) -> None:
        command = decode_command(record.value)
        handler = handlers.get(command.envelope.command_type)
        if handler is None:
            raise UndecodableMessage(f"intake does not take {command.envelope.command_type}")
        try:
            await handler(command)
        except Refused as exc:
            log.warning(
                "refused %s: %s",
                command.envelope.command_type,
                exc,
                extra={"report_id": command.envelope.report_id},
            )

    return handle
