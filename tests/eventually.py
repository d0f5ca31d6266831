"""A bounded wait for something the platform does asynchronously."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], timeout_s: float = 30.0
) -> T:
    """Poll ``probe`` until ``accept`` holds for its value; return the last value either way.

    The caller asserts on the returned value, so a timeout fails with what was seen last.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    value = await probe()
    while not accept(value) and loop.time() < deadline:
        await asyncio.sleep(0.1)
        value = await probe()
    return value
