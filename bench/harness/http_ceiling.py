"""The ceiling of intake's POST: a minimal HTTP/1.1 server on the same kind of event loop as
intake's (asyncio's default loop, as asyncio.run gives it), which reads each request's line,
headers and body, parses the body as JSON and answers a fixed 201; keep-alive, nothing else.

    python -m bench.harness.http_ceiling --port 21090
"""

import argparse
import asyncio
import json

ANSWER_BODY = b'{"tracking_id":"7K3M-9QXD-2F8A","sequence":1,"status":"submitted"}'
ANSWER = (
    b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(ANSWER_BODY), ANSWER_BODY)
)
BAD = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class Minimal(asyncio.Protocol):
    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._transport is not None and self._one():
            pass

    def _one(self) -> bool:
        """Answer the first complete request in the buffer, if there is one."""
        assert self._transport is not None
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = self._buffer[:end].decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
        length = int(headers.get("content-length", "0"))
        if len(self._buffer) < end + 4 + length:
            return False
        start = end + 4
        body, self._buffer = self._buffer[start : start + length], self._buffer[start + length :]
        try:
            json.loads(body)
        except ValueError:
            self._transport.write(BAD)
            self._transport.close()
            return False
        self._transport.write(ANSWER)
        return True


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Minimal, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
