from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from summarizer.errors import (
    BinaryInputError,
    EmptyInputError,
    InputNotFoundError,
)
from summarizer.read import read_issue

TEXT = "本报讯（记者 张伟）今年第一季度，国家高新区实现规模以上工业增加值1.7万亿元。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_decodes_supported_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    p = tmp_path / "issue.txt"
    p.write_bytes(data)
    issue = read_issue(p)
    assert issue.text == TEXT
    assert issue.encoding == encoding
    assert len(issue.sha256) == 64


def test_text_argument_is_read_as_text() -> None:
    assert read_issue(TEXT).path == "<text>"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInputError),
        (b"  \n\t\n ", EmptyInputError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryInputError),
        (bytes(range(256)) * 4, BinaryInputError),
    ],
)
def test_bad_bytes(tmp_path: Path, data: bytes, error: type[Exception]) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(error):
        read_issue(p)


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="no such file"):
        read_issue(tmp_path / "nope.txt")
    with pytest.raises(InputNotFoundError, match="directory"):
        read_issue(tmp_path)
