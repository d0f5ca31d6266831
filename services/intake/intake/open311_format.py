"""Open311 answers as JSON or XML (UTF-8, the XML with its declaration), and errors in the
GeoReport v2 format: ``[{"code": 404, "description": "..."}]`` or
``<errors><error><code/><description/></error></errors>``. Absent values are left out."""

import json
import xml.etree.ElementTree as ET
from typing import Any

from fastapi import Response

from intake.domain.open311 import Open311Error

MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# A list inside an element: the name of each item's element.
_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def format_of(extension: str) -> str:
    """The answer's format from the path's extension; anything else is not a resource here."""
    if extension not in MEDIA_TYPES:
        raise Open311Error(404, f"format {extension!r} is not served: use .json or .xml")
    return extension


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any, item: str) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(ET.SubElement(element, name), inner, _ITEMS.get(name, "item"))
    elif isinstance(value, list):
        for inner in value:
            _fill(ET.SubElement(element, item), inner, "item")
    else:
        element.text = _text(value)


def to_xml(content: Any, root: str, item: str = "item") -> bytes:
    element = ET.Element(root)
    _fill(element, _pruned(content), item)
    written: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return written


def render(fmt: str, content: Any, root: str, item: str = "item", status: int = 200) -> Response:
    """``content`` (a dict or a list of dicts) as ``fmt``; in XML under ``<root>``, a list's
    entries as ``<item>``."""
    if fmt == "xml":
        body = to_xml(content, root, item)
    else:
        body = json.dumps(_pruned(content), ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type=MEDIA_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> Response:
    errors = [{"code": error.code, "description": error.description}]
    return render(fmt, errors, "errors", "error", status=error.code)
