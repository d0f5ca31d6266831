"""The web front end's static assets (``intake/web/``: HTML, CSS and ES modules, no build step),
served on every path no API route takes.

``/`` is ``index.html`` and ``/lacak/`` is ``lacak/index.html``; a directory without its slash
redirects to it (a relative ``Location``, right behind the gateway or an Ingress); any other
path is ``404.html`` with status 404. Paths under the APIs' prefixes answer the APIs' JSON 404
instead. Every answer carries the security headers below, ``Cache-Control: no-cache`` with
the files' ETags (a revisit is a 304), and is gzipped when the browser accepts it.
"""

from pathlib import Path

from starlette.datastructures import URL, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import JSONResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketClose

# The assets as the package ships them (package data, in the image too).
ASSETS = Path(__file__).with_name("web")
API_PREFIXES = ("/api/", "/open311/")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Tracking ids appear in the pages' URLs.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_GZIP_FROM_BYTES = 500


def web_assets(directory: Path) -> ASGIApp:
    """The assets in ``directory`` as an ASGI app, hardened and gzipped."""
    files = StaticFiles(directory=directory, html=True)
    return _Hardened(GZipMiddleware(files, minimum_size=_GZIP_FROM_BYTES))


def _relative(location: str) -> str:
    url = URL(location)
    return f"{url.path}?{url.query}" if url.query else url.path


class _Hardened:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await WebSocketClose()(scope, receive, send)
            return
        if str(scope["path"]).startswith(API_PREFIXES):
            await JSONResponse({"detail": "Not Found"}, status_code=404)(scope, receive, send)
            return

        async def hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                if "location" in headers:
                    headers["location"] = _relative(headers["location"])
            await send(message)

        await self._app(scope, receive, hardened)
