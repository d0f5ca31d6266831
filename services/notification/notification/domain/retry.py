"""Exponential backoff with full jitter: how long to wait before trying a delivery again.

The ceiling doubles with each failed attempt, from ``base_s`` up to ``cap_s``, and the wait is
drawn uniformly below it ("full jitter"), so deliveries that failed together (a gateway
outage) do not all retry together. The caller draws the random number, so this stays pure.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """``max_attempts`` counts every attempt, the first included."""

    base_s: float
    cap_s: float
    max_attempts: int

    def __post_init__(self) -> None:
        if not 0 < self.base_s <= self.cap_s < math.inf:
            raise ValueError(f"need 0 < base_s <= cap_s < inf, not {self.base_s} and {self.cap_s}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")

    def delay(self, attempt: int, draw: float) -> float:
        """Seconds to wait after the ``attempt``th failed attempt (1 for the first), given
        ``draw`` from [0, 1) (``random.random()``): ``draw * min(cap, base * 2 ** (attempt - 1))``.
        """
        if attempt < 1:
            raise ValueError(f"attempts are counted from 1, not {attempt}")
        if not 0 <= draw < 1:
            raise ValueError(f"draw must be in [0, 1), not {draw}")
        # No more doublings than reach the cap: 2 ** 1024 would overflow a float.
        doublings = min(attempt - 1, math.ceil(math.log2(self.cap_s / self.base_s)))
        return draw * min(self.cap_s, self.base_s * 2.0**doublings)

    def exhausted(self, attempts_made: int) -> bool:
        """Whether no attempt is left after ``attempts_made``."""
        return attempts_made >= self.max_attempts
