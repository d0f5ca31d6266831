"""Rebuilds analytics' read model (``report_facts``) from the log into another database.

    python -m analytics.replay --database NAME [--since ISO] [--until ISO] [--fresh]

Events go through ``analytics.projections.report_facts``, the handler the live consumer uses.
"""

from pymongo.asynchronous.database import AsyncDatabase

from analytics.projections import report_facts
from analytics.settings import AnalyticsSettings
from lapor_common.kafka_io import Handler
from lapor_common.mongo import Document
from lapor_common.replay_cli import replay_command


async def report_facts_in(database: AsyncDatabase[Document]) -> Handler:
    return report_facts(database["report_facts"])


app = replay_command("analytics", lambda: AnalyticsSettings().database, report_facts_in)

if __name__ == "__main__":
    app()
