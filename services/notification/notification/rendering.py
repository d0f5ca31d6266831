"""Message templates: each kind of notification as an e-mail subject, an e-mail body and a
short text for SMS and the in-app feed, in Bahasa Indonesia or English.

A kind is the file ``templates/<language>/<kind>.j2``; it defines the blocks ``subject``,
``text`` and ``short``. Files whose name starts with ``_`` are parts the kinds include.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateNotFound
from jinja2.runtime import Context

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
TEMPLATES = Path(__file__).with_name("templates")

_KIND = re.compile(r"[a-z][a-z_]*")


class UnknownKind(ValueError):
    """No template exists for a kind of notification."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    short: str


class Templates:
    """The templates of one folder, holding one sub-folder per language."""

    def __init__(self, folder: Path) -> None:
        self._environment = Environment(
            loader=FileSystemLoader(folder),
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

    def render(self, kind: str, language: str, context: Mapping[str, object]) -> Rendered:
        """A kind of notification in a language; Bahasa Indonesia when the language is unknown.

        Raises UnknownKind when the kind has no template, and jinja2's UndefinedError when
        the context lacks a value the template uses.
        """
        template = self._template(kind, language if language in LANGUAGES else DEFAULT_LANGUAGE)
        bound = template.new_context(dict(context))
        return Rendered(
            subject=_block(template, "subject", bound),
            text=_block(template, "text", bound),
            short=_block(template, "short", bound),
        )

    def _template(self, kind: str, language: str) -> Template:
        if not _KIND.fullmatch(kind):
            raise UnknownKind(kind)
        try:
            return self._environment.get_template(f"{language}/{kind}.j2")
        except TemplateNotFound as missing:
            raise UnknownKind(kind) from missing


def _block(template: Template, name: str, context: Context) -> str:
    return "".join(template.blocks[name](context)).strip()
