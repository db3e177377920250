"""The one exception root of summarizer, and its shallow tree.

Library code raises these; only the CLI turns them into one-line messages and exit codes
(``ExitCode`` below is the documented mapping).

    SummarizerError                 (exit 1 unless a subclass says otherwise)
    ├── InputError                  bad input: exit 2
    │   ├── InputNotFoundError      missing path / a directory where a file was expected
    │   ├── EmptyInputError         empty or whitespace-only input
    │   ├── BinaryInputError        binary data (PNG, zip, ...)
    │   └── DecodeError             no supported text encoding fits
    ├── ConfigError                 missing/invalid settings, unknown prompt or model: exit 3
    ├── LLMError                    the model endpoint failed: exit 1
    │   ├── TransientLLMError       429, 5xx, timeouts: retried, raised when the deadline passes
    │   ├── PermanentLLMError       400/401/403/404: never retried
    │   └── ResponseError           unusable answer after all re-asks (invalid JSON/schema)
    ├── GroundingError              a claim that is not in the source text
    └── StoreError                  the database is corrupt, locked or read-only: exit 2
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "BinaryInputError",
    "ConfigError",
    "DecodeError",
    "EmptyInputError",
    "ExitCode",
    "GroundingError",
    "InputError",
    "InputNotFoundError",
    "LLMError",
    "PermanentLLMError",
    "ResponseError",
    "StoreError",
    "SummarizerError",
    "TransientLLMError",
]


class ExitCode(IntEnum):
    """Documented exit codes of the CLI."""

    OK = 0
    PARTIAL = 1  # some articles or issues failed; the rest is in the output
    BAD_INPUT = 2  # bad input or usage
    CONFIG = 3  # configuration (settings, keys, prompts)


class SummarizerError(Exception):
    """Root of every error summarizer raises on purpose."""

    exit_code: ExitCode = ExitCode.PARTIAL

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source  # the file, article id or endpoint the error is about

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class InputError(SummarizerError):
    exit_code = ExitCode.BAD_INPUT


class InputNotFoundError(InputError):
    pass


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class DecodeError(InputError):
    pass


class ConfigError(SummarizerError):
    exit_code = ExitCode.CONFIG


class LLMError(SummarizerError):
    exit_code = ExitCode.PARTIAL


class TransientLLMError(LLMError):
    pass


class PermanentLLMError(LLMError):
    def __init__(self, message: str, *, source: str | None = None, status: int | None = None):
        super().__init__(message, source=source)
        self.status = status


class ResponseError(LLMError):
    pass


class GroundingError(SummarizerError):
    pass


class StoreError(SummarizerError):
    exit_code = ExitCode.BAD_INPUT
