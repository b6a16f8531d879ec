"""Ingest: decoding, line offsets and page furniture."""
from __future__ import annotations

import pytest

from pipeline.readers import decode, read, split_lines
from pipeline.model import PipelineError

from conftest import CAMBRIDGESHIRE


def test_reads_cambridgeshire_with_line_offsets():
    source = read(CAMBRIDGESHIRE)
    assert source.encoding == "utf-8"
    assert len(source.sha256) == 64
    for line in source.lines:
        assert source.text[line.start:line.end] == line.text
    assert source.lines[0].text == "Skip to content" and source.lines[0].furniture
    assert not any(line.furniture for line in source.lines[1:])


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "crlf", "windows-1252-crlf"],
)
def test_encodings_and_line_ends_give_the_same_lines(encode):
    text = CAMBRIDGESHIRE.read_text("utf-8")
    decoded, _ = decode(encode(text), "x.txt")
    assert not decoded.startswith("\ufeff")
    assert [l.text for l in split_lines(decoded)] == [l.text for l in split_lines(text)]
    for line in split_lines(decoded):
        assert decoded[line.start:line.end] == line.text
        assert "\r" not in line.text


def test_windows_1252_keeps_curly_quotes():
    decoded, encoding = decode("HMIC’s view of ‘what works’".encode("cp1252"), "x.txt")
    assert (decoded, encoding) == ("HMIC’s view of ‘what works’", "cp1252")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "file is empty"),
        (b" \n\t\r\n ", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Cambridgeshire PEEL 2015".encode("utf-16"), "UTF-16"),
        (bytes(range(1, 32)) * 10, "binary file"),
    ],
    ids=["empty", "whitespace", "png", "utf-16", "control-characters"],
)
def test_bad_bytes_are_one_line_errors_naming_the_file(data, message):
    with pytest.raises(PipelineError) as err:
        decode(data, "raw/bad.txt")
    assert str(err.value).startswith("raw/bad.txt: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_and_unsupported_type(tmp_path):
    with pytest.raises(PipelineError, match="no such file"):
        read(tmp_path / "missing.txt")
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(PipelineError, match="unsupported file type '.docx'"):
        read(tmp_path / "report.docx")


@pytest.mark.parametrize(
    "line", ["Skip to content", "  Back to top ", "Read the transcript of the video", "Page 3 of 40",
             "We use cookies to collect information about how you use our website."]
)
def test_page_furniture_is_recognised(line):
    assert split_lines(line)[0].furniture


@pytest.mark.parametrize("line", ["Good", "Areas for improvement", "Cookies are used by some fraudsters to track victims."])
def test_report_lines_are_not_furniture(line):
    assert not split_lines(line)[0].furniture
