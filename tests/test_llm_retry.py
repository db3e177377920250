"""Network retries: what is transient, backoff with Retry-After, attempts and deadline."""

from __future__ import annotations

import asyncio

import pytest

from summarizer.errors import PermanentLLMError, TransientLLMError
from summarizer.llm.retry import (
    RETRYABLE_STATUSES,
    RetryableLLMError,
    backoff_seconds,
    call_with_retries,
    is_transient,
)


def test_is_transient() -> None:
    for status in (429, 500, 502, 503, 504):
        assert status in RETRYABLE_STATUSES
        assert is_transient(RetryableLLMError("x", status=status))
    assert is_transient(RetryableLLMError("timed out"))  # no status: timeout/connection
    for status in (400, 401, 403, 404):
        assert not is_transient(PermanentLLMError("x", status=status))
    assert not is_transient(ValueError("bug"))


def test_backoff_honours_retry_after_and_grows() -> None:
    assert backoff_seconds(0, retry_after=2.5) == 2.5
    assert backoff_seconds(3, retry_after=1000) == 60.0
    assert all(0 <= backoff_seconds(5) <= 16 for _ in range(50))
    assert all(backoff_seconds(0) <= 0.5 for _ in range(50))


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def _run(fn, **kw):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    retries: list[BaseException] = []
    result = asyncio.run(
        call_with_retries(
            fn,
            max_retries=kw.get("max_retries", 5),
            deadline=kw.get("deadline", 100.0),
            on_retry=retries.append,
            sleep=sleep,
            clock=kw.get("clock"),
        )
    )
    return result, waits, retries


def test_retries_429_then_500_then_succeeds_with_retry_after() -> None:
    fn = Flaky(
        [
            RetryableLLMError("429", status=429, retry_after=3.0),
            RetryableLLMError("500", status=500),
        ]
    )
    result, waits, retries = _run(fn)
    assert result == "ok" and fn.calls == 3 and len(retries) == 2
    assert waits[0] == 3.0


def test_never_retries_permanent_errors() -> None:
    fn = Flaky([PermanentLLMError("authentication failed", status=401)])
    with pytest.raises(PermanentLLMError):
        _run(fn)
    assert fn.calls == 1


def test_gives_up_after_max_retries() -> None:
    fn = Flaky([RetryableLLMError("503", status=503) for _ in range(10)])
    with pytest.raises(TransientLLMError):
        _run(fn, max_retries=2)
    assert fn.calls == 3


def test_total_deadline_stops_retrying() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 4.0
        return now[0]

    fn = Flaky([RetryableLLMError("timed out") for _ in range(10)])
    with pytest.raises(TransientLLMError):
        _run(fn, deadline=10.0, clock=clock)
    assert fn.calls < 10
