"""The mailbox's web page: the newest messages of each kind, newest first (no JavaScript)."""

from collections.abc import Callable, Sequence
from html import escape

from .records import Record

SHOWN = 200
STYLE = """
body { font-family: sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.text { white-space: pre-wrap; font-family: monospace; }
"""

Columns = Sequence[tuple[str, Callable[[Record], str]]]

EMAIL_COLUMNS: Columns = [
    ("Waktu / Time", lambda r: r["received_at"]),
    ("Kepada / To", lambda r: ", ".join(r["rcpt_tos"])),
    ("Perihal / Subject", lambda r: r["subject"]),
    ("Isi / Text", lambda r: r["text"]),
]
SMS_COLUMNS: Columns = [
    ("Waktu / Time", lambda r: r["received_at"]),
    ("Kepada / To", lambda r: r["to"]),
    ("Bagian / Parts", lambda r: f"{r['parts']} ({r['encoding']})"),
    ("Isi / Text", lambda r: r["text"]),
]
WEBHOOK_COLUMNS: Columns = [
    ("Waktu / Time", lambda r: r["received_at"]),
    ("Nama / Name", lambda r: r["name"]),
    ("Header / Headers", lambda r: "\n".join(f"{k}: {v}" for k, v in r["headers"].items())),
    ("Isi / Body", lambda r: r["body"]),
]


def _table(heading: str, records: list[Record], columns: Columns) -> str:
    title = f"<h2>{escape(heading)} ({len(records)})</h2>"
    if not records:
        return title + "<p>Belum ada / None yet</p>"
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in columns)
    rows = "".join(
        "<tr>"
        + "".join(f'<td class="text">{escape(cell(r))}</td>' for _, cell in columns)
        + "</tr>"
        for r in reversed(records[-SHOWN:])
    )
    return f"{title}<table><tr>{head}</tr>{rows}</table>"


def render(emails: list[Record], sms: list[Record], webhooks: list[Record]) -> str:
    """The page, given each kind's records oldest first."""
    sections = (
        _table("Surel / E-mail", emails, EMAIL_COLUMNS)
        + _table("SMS", sms, SMS_COLUMNS)
        + _table("Webhook", webhooks, WEBHOOK_COLUMNS)
    )
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="5">'
        f"<title>Kotak surat lokal / Local mailbox</title><style>{STYLE}</style></head><body>"
        "<h1>Kotak surat lokal / Local mailbox</h1>"
        f"<p>Pesan terbaru di atas, {SHOWN} terakhir per jenis; semua di "
        '<a href="/api/messages">/api/messages</a>. / '
        f"Newest first, the last {SHOWN} of each kind; all of them at "
        '<a href="/api/messages">/api/messages</a>.</p>'
        f"{sections}</body></html>"
    )
