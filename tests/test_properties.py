"""Property-based tests: mutated and random reports never break the pipeline or its offsets."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import export
from pipeline.model import PipelineError
from pipeline.review import assign_keys
from pipeline.runner import process_file

from conftest import CAMBRIDGESHIRE

TEXT = CAMBRIDGESHIRE.read_text("utf-8")
LINES = TEXT.splitlines(keepends=True)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a report page might hold, and some it should not: grade words, bullets, quotes,
# line ends of every kind, stray mojibake and control characters.
noise = st.lists(
    st.sampled_from(list("abcdefghij ABCDEFG.,;:?!'\"‘’“”•–-\n\r\t\xa0Â0123456789")
                    + ["Good", "Requires improvement", "Areas for improvement", "Cause of concern",
                       "Recommendations", "1\n", "\n\n", "  • ", "Last updated 01/02/2016\n",
                       "How effective is the force?\n", "PEEL 2016\n", "\x00", "\x0b", "e.g. "]),
    max_size=80,
).map("".join)


@st.composite
def mutated_reports(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "truncate", "replace"]))
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1))
        if operation == "delete":
            del lines[k]
        elif operation == "insert":
            lines.insert(k, draw(noise))
        elif operation == "duplicate":
            lines.insert(k, lines[k])
        elif operation == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif operation == "truncate":
            cut = draw(st.integers(0, len(lines[k])))
            lines = lines[:k] + [lines[k][:cut]]
        else:
            line = lines[k]
            at = draw(st.integers(0, len(line)))
            lines[k] = line[:at] + draw(noise) + line[at + draw(st.integers(0, 20)):]
    return "".join(lines)


def _check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_bytes(data)
        try:
            labelled = process_file(path)
        except PipelineError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            return
    assign_keys(labelled)
    source = labelled.report.source.text
    tables = export.tables([labelled])
    for name in export.TABLES:
        for row in tables[name].to_dict("records"):
            stated = row["question"] if name == "questions.csv" else row["text"]
            assert 0 <= row["char_start"] <= row["char_end"] <= len(source), (name, row)
            assert source[row["char_start"]:row["char_end"]] == stated, (name, row)
    for recommendation in labelled.report.recommendations:
        if recommendation.lead_in is not None:
            assert source[recommendation.lead_in_char_start:recommendation.lead_in_char_end] == recommendation.lead_in
    ids = [s.sentence_id for s in labelled.sentences]
    assert len(ids) == len(set(ids))
    keys = [s.key for s in labelled.sentences]
    assert len(keys) == len(set(keys))
    for grade in labelled.report.grades:
        assert grade.grade in ("outstanding", "good", "adequate", "requires_improvement", "inadequate", "not_graded")


@SETTINGS
@given(mutated_reports(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252-ish"]), st.booleans())
def test_mutated_reports_never_raise_and_offsets_stay_valid(text, encoding, crlf):
    if crlf:
        text = text.replace("\n", "\r\n")
    if encoding == "cp1252-ish":
        data = text.encode("cp1252", errors="replace")
    else:
        data = text.encode(encoding, errors="surrogatepass")
    _check(data)


@SETTINGS
@given(st.one_of(st.binary(max_size=3000), noise.map(lambda t: t.encode("utf-8")),
                 st.text(max_size=2000).map(lambda t: t.encode("utf-8", errors="surrogatepass"))))
def test_random_bytes_never_raise_an_unhandled_exception(data):
    _check(data)
