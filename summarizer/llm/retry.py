"""Network retries (one layer: the openai client is built with ``max_retries=0``).

Retry only transient failures — ``RETRYABLE_STATUSES``, timeouts and connection errors — with
exponential jittered backoff that honours ``Retry-After``, a per-request attempt limit and a total
deadline. 400/401/403/404 are never retried. Validation re-asks are a separate loop (engine).
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..errors import PermanentLLMError, TransientLLMError

__all__ = [
    "NEVER_RETRY_STATUSES",
    "RETRYABLE_STATUSES",
    "RetryableLLMError",
    "backoff_seconds",
    "call_with_retries",
    "is_transient",
]

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
NEVER_RETRY_STATUSES = frozenset({400, 401, 403, 404, 422})
_MAX_WAIT = 60.0


class RetryableLLMError(TransientLLMError):
    """A transient failure with what the server said about when to come back."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, source=source)
        self.status = status
        self.retry_after = retry_after


def is_transient(exc: BaseException) -> bool:
    """The one rule: is this failure worth another attempt?"""
    if isinstance(exc, PermanentLLMError):
        return False
    if isinstance(exc, RetryableLLMError) and exc.status is not None:
        return exc.status in RETRYABLE_STATUSES
    return isinstance(exc, TransientLLMError)


def backoff_seconds(
    attempt: int, *, retry_after: float | None = None, base: float = 0.5, cap: float = 20.0
) -> float:
    """Wait before attempt ``attempt + 1``: Retry-After if given, else full-jitter exponential."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, _MAX_WAIT)
    return random.uniform(0, min(cap, base * 2**attempt))


async def call_with_retries(
    fn: Callable[[], Awaitable[T]],
    *,
    max_retries: int,
    deadline: float,
    on_retry: Callable[[BaseException], None] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    clock: Callable[[], float] | None = None,
) -> T:
    """Call ``fn`` until it succeeds, fails permanently, runs out of attempts or of time.

    Built on tenacity's ``AsyncRetrying``; ``sleep`` and ``clock`` are injectable for tests.
    """
    import asyncio
    import time

    import tenacity

    now = clock or time.monotonic
    start = now()

    def _wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        wait = backoff_seconds(state.attempt_number - 1, retry_after=retry_after)
        remaining = deadline - (now() - start)
        return max(0.0, min(wait, remaining))

    def _stop(state: tenacity.RetryCallState) -> bool:
        return state.attempt_number > max_retries or now() - start >= deadline

    def _before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if on_retry is not None and exc is not None:
            on_retry(exc)

    retrying = tenacity.AsyncRetrying(
        retry=tenacity.retry_if_exception(is_transient),
        wait=_wait,
        stop=_stop,
        before_sleep=_before_sleep,
        sleep=sleep or asyncio.sleep,
        reraise=True,
    )
    return await retrying(fn)
