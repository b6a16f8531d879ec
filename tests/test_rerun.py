"""Re-running on updated reports: what changed is logged, corrections kept, nothing lost."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.runner import run

from conftest import CAMBRIDGESHIRE, ROOT

TEXT = CAMBRIDGESHIRE.read_text("utf-8")
EDITED_SENTENCE = (
    "The constabulary identifies vulnerable offenders and makes efforts to divert them from further offending.",
    "The constabulary identifies vulnerable offenders and makes real efforts to divert them from further offending.",
)
Q4_GRADE = ("responsibilities?\n\nGood\n", "responsibilities?\n\nOutstanding\n")
NEW_AREA = (
    "  • The constabulary should use evidence of ‘what works’",
    "  • The constabulary should publish how it evaluates its crime prevention work.\n"
    "  • The constabulary should use evidence of ‘what works’",
)


def _edit(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, encoding="utf-8-sig", keep_default_na=False, dtype=str)


@pytest.fixture
def workspace(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / CAMBRIDGESHIRE.name).write_text(TEXT, encoding="utf-8")
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("report_id,table,key,field,value,reviewer,reason\n", encoding="utf-8")
    return raw, tmp_path / "processed", corrections


def _run(raw: Path, out: Path, corrections: Path, when: str = "2026-01-01T00:00:00"):
    now = datetime.fromisoformat(when).replace(tzinfo=timezone.utc)
    return run([raw], out, corrections=corrections, now=now)


def test_unchanged_rerun_does_nothing_and_keeps_every_byte(workspace):
    raw, out, corrections = workspace
    first = _run(raw, out, corrections)
    assert not first.unchanged and len(first.reports) == 1
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = _run(raw, out, corrections, "2026-02-01T00:00:00")
    assert second.unchanged and second.report_count == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_only_changed_reports_are_processed_again(workspace, corpus):
    raw, out, corrections = workspace
    for name in ("essex_2016_effectiveness", "gwent_2014_overview"):
        shutil.copy(corpus / "texts" / f"{name}.txt", raw)
    assert _run(raw, out, corrections).reused == 0
    (raw / CAMBRIDGESHIRE.name).write_text(_edit(TEXT, EDITED_SENTENCE), encoding="utf-8")
    result = _run(raw, out, corrections)
    assert (len(result.reports), result.reused) == (3, 2)


def test_change_log_names_exactly_the_changes(workspace):
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    first = _read(out, "changes.csv")  # the first run finds nothing before it: the report is added
    assert list(zip(first["report_id"], first["change"])) == [("cambridgeshire-2015-effectiveness", "report added")]
    (raw / CAMBRIDGESHIRE.name).write_text(_edit(TEXT, EDITED_SENTENCE, Q4_GRADE, NEW_AREA), encoding="utf-8")
    result = _run(raw, out, corrections, "2026-03-01T12:00:00")
    log = _read(out, "changes.csv").iloc[1:]
    got = sorted(zip(log["table"], log["change"], log["old"], log["new"]))
    assert got == sorted([
        ("grades", "grade changed", "good", "outstanding"),
        ("sentences", "edited", EDITED_SENTENCE[0], EDITED_SENTENCE[1]),
        ("areas_for_improvement", "added", "", "The constabulary should publish how it evaluates its crime prevention work."),
        ("sentences", "added", "", "The constabulary should publish how it evaluates its crime prevention work."),
    ])
    assert set(log["run_time"]) == {"2026-03-01T12:00:00Z"}
    assert len(result.changes) == 4
    # A later run appends to the log; nothing changed, nothing is added.
    (raw / CAMBRIDGESHIRE.name).write_text(_edit(TEXT, EDITED_SENTENCE, Q4_GRADE, NEW_AREA) + "\n", encoding="utf-8")
    _run(raw, out, corrections, "2026-04-01T00:00:00")
    assert len(_read(out, "changes.csv")) == 5


def test_reports_added_and_removed_are_logged(workspace, tmp_path):
    """A run over another folder adds its reports and keeps the others; a file leaving its folder removes one."""
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    other = tmp_path / "raw2"
    other.mkdir()
    (other / "dorset.txt").write_text(TEXT.replace("Cambridgeshire", "Dorset"), encoding="utf-8")
    result = _run(other, out, corrections)
    assert (len(result.reports), result.kept) == (2, 1)
    log = _read(out, "changes.csv").iloc[1:]
    assert list(zip(log["report_id"], log["change"])) == [("dorset-2015-effectiveness", "report added")]
    (raw / CAMBRIDGESHIRE.name).unlink()
    (raw / "notes.md").write_text("not a report", encoding="utf-8")
    assert _run(raw, out, corrections).reports == []  # raw/ holds no report now: nothing is written
    (raw / "kent.txt").write_text(TEXT.replace("Cambridgeshire", "Kent"), encoding="utf-8")
    _run(raw, out, corrections)
    log = _read(out, "changes.csv").iloc[2:]
    assert sorted(zip(log["report_id"], log["change"])) == [("cambridgeshire-2015-effectiveness", "report removed"),
                                                           ("kent-2015-effectiveness", "report added")]
    assert list(_read(out, "reports.csv")["report_id"]) == ["dorset-2015-effectiveness", "kent-2015-effectiveness"]


def _write_corrections(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["report_id", "table", "key", "field", "value", "reviewer", "reason"])
        writer.writeheader()
        writer.writerows(rows)


def test_corrections_are_applied_marked_and_survive_edits_elsewhere(workspace):
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    sentences = _read(out, "sentences.csv")
    target = sentences[sentences["text"].str.startswith("It is disappointing not to see more progress")].iloc[0]
    grade = _read(out, "grades.csv").iloc[4]
    _write_corrections(corrections, [
        {"report_id": target["report_id"], "table": "sentences", "key": target["key"], "field": "label",
         "value": "improvement", "reviewer": "A. Analyst", "reason": "says progress is needed"},
        {"report_id": grade["report_id"], "table": "grades", "key": grade["key"], "field": "previous_year",
         "value": "2014", "reviewer": "A. Analyst", "reason": "stated in the 2014 report"},
    ])
    for attempt, text in enumerate([TEXT, _edit(TEXT, EDITED_SENTENCE, NEW_AREA)]):
        (raw / CAMBRIDGESHIRE.name).write_text(text, encoding="utf-8")
        result = _run(raw, out, corrections, f"2026-0{attempt + 5}-01T00:00:00")
        assert result.unmatched == [] and result.problems == []
        row = _read(out, "sentences.csv").set_index("key").loc[target["key"]]
        assert (row["label"], row["method"], row["confidence"], row["corrected"]) == (
            "improvement", "reviewer", "1.0", "label")
        corrected_grade = _read(out, "grades.csv").set_index("key").loc[grade["key"]]
        assert (corrected_grade["previous_year"], corrected_grade["corrected"]) == ("2014", "previous_year")
        doc = json.loads((out / "json" / "cambridgeshire-2015-effectiveness.json").read_text("utf-8"))
        assert any(s["key"] == target["key"] and s["label"] == "improvement" for s in doc["sentences"])


def test_a_corrections_file_named_but_missing_is_a_usage_error(workspace, tmp_path):
    raw, out, _ = workspace
    result = CliRunner().invoke(main, ["run", str(raw), "--out", str(out), "--corrections", str(tmp_path / "typo.csv")])
    assert result.exit_code == 2 and "typo.csv: no such file" in result.output
    assert not out.exists()


def test_a_long_sentence_edited_slightly_is_logged_as_edited(workspace):
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    old = "The constabulary works very well to prevent crime and anti-social behaviour and protects most victims well"
    (raw / CAMBRIDGESHIRE.name).write_text(_edit(TEXT, (old, old.replace("works very well", "works well"))),
                                           encoding="utf-8")
    result = _run(raw, out, corrections, "2026-08-01T00:00:00")
    assert [(c.table, c.change) for c in result.changes] == [("sentences", "edited")]


def test_orphaned_correction_is_reported_by_name(workspace):
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    sentences = _read(out, "sentences.csv")
    edited = sentences[sentences["text"] == EDITED_SENTENCE[0]].iloc[0]
    _write_corrections(corrections, [
        {"report_id": edited["report_id"], "table": "sentences", "key": edited["key"], "field": "label",
         "value": "improvement", "reviewer": "B", "reason": "r"},
        {"report_id": "no-such-report", "table": "sentences", "key": "s-0000000000", "field": "label",
         "value": "finding", "reviewer": "B", "reason": "r"},
        {"report_id": edited["report_id"], "table": "sentences", "key": edited["key"], "field": "label",
         "value": "praise", "reviewer": "B", "reason": "not a label"},
    ])
    (raw / CAMBRIDGESHIRE.name).write_text(_edit(TEXT, EDITED_SENTENCE), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), "--out", str(out), "--corrections", str(corrections)])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert any(f"line 2 ({edited['report_id']}, sentences {edited['key']}, label) matches nothing" in w
               for w in warnings)
    assert any("line 3 (no-such-report, sentences s-0000000000, label) matches nothing" in w for w in warnings)
    assert any("line 4: 'praise' is not one of recommendation, concern, grade, improvement, finding" in w
               for w in warnings)
    unmatched = _read(out, "unmatched_corrections.csv")
    assert list(unmatched["line"]) == ["2", "3"]


def test_spreadsheet_formulas_are_defused_in_csv_and_exact_in_json(workspace):
    raw, out, corrections = workspace
    risky = ["=HYPERLINK(\"http://example.com\") shows a link.", "+44 20 7946 0000 is a telephone number.",
             "-2% is the change in crime.", "@SUM(A1:A2) adds cells."]
    text = TEXT.replace("Questions for Effectiveness", "\n\n".join(risky) + "\n\nQuestions for Effectiveness")
    (raw / CAMBRIDGESHIRE.name).write_text(text, encoding="utf-8")
    _run(raw, out, corrections)
    sentences = _read(out, "sentences.csv")
    doc = json.loads((out / "json" / "cambridgeshire-2015-effectiveness.json").read_text("utf-8"))
    exact = {s["text"] for s in doc["sentences"]}
    for sentence in risky:
        assert sentence in exact
        assert ("'" + sentence) in set(sentences["text"])
    assert not [t for t in sentences["text"] if t[:1] in "=+-@"]


BAD = {
    "empty.txt": (b"", "file is empty"),
    "blank.txt": (b"  \n\t \r\n", "file is empty"),
    "binary.txt": (bytes(range(256)) * 8, "binary file"),
    "utf16.txt": (TEXT.encode("utf-16"), "UTF-16"),
    "nul.txt": (TEXT.encode("utf-8")[:500] + b"\x00" + TEXT.encode("utf-8")[500:], "NUL bytes"),
    "one-line.txt": (("word " * 220_000).encode("utf-8"), "a line of 1,100,000 characters"),
    "news.txt": (b"Council news\n\nThe new library opens on Monday in the town centre.\n", "not a PEEL inspection report"),
}


def test_bad_inputs_each_get_one_line_and_the_rest_is_unaffected(workspace):
    raw, out, corrections = workspace
    for name, (data, _) in BAD.items():
        (raw / name).write_bytes(data)
    big = raw / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # 100 MB
    (raw / "copy-of-cambridgeshire.txt").write_bytes(CAMBRIDGESHIRE.read_bytes())
    missing = raw / "missing.txt"
    result = CliRunner().invoke(main, ["run", str(raw), str(missing), "--out", str(out),
                                       "--corrections", str(corrections)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name, (_, message) in BAD.items():
        assert [e for e in errors if name in e and message in e], (name, errors)
    assert [e for e in errors if "huge.txt" in e and "larger than 20 MB" in e]
    assert [e for e in errors if "missing.txt" in e and "no such file" in e]
    assert [e for e in errors if "same text as" in e]
    assert len(errors) == len(BAD) + 3
    reports = _read(out, "reports.csv")
    assert len(reports) == 1 and len(_read(out, "sentences.csv")) == 78


def _snapshot(out: Path) -> dict[str, bytes]:
    skip = {"changes.csv", ".manifest.json"}  # they carry the run's time
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name not in skip}


def test_a_killed_run_leaves_the_previous_outputs_intact(tmp_path, corpus):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    out = tmp_path / "processed"
    (tmp_path / "none.csv").write_text("report_id,table,key,field,value,reviewer,reason\n", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out),
               "--corrections", str(tmp_path / "none.csv")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(command, check=True, capture_output=True, env=env)
    old = _snapshot(out)
    old_history = {name: (out / name).read_bytes() for name in ("changes.csv", ".manifest.json")}
    saved = tmp_path / "saved"
    shutil.copytree(out, saved)
    for text in sorted((corpus / "texts").glob("*.txt"))[:60]:
        shutil.copy(text, raw)
    complete = tmp_path / "complete"
    subprocess.run([*command[:6], str(complete), *command[7:]], check=True, capture_output=True, env=env)
    new = _snapshot(complete)
    outcomes = []
    generator = random.Random(20261126)
    for attempt in range(6):
        shutil.rmtree(tmp_path / ".processed-cache", ignore_errors=True)  # make the run do real work
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(generator.uniform(0.3, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        got = _snapshot(out)
        assert got in (old, new), f"attempt {attempt}: outputs are neither the old nor the new set"
        if got == old:  # the log and the manifest survive a killed run too
            assert {name: (out / name).read_bytes() for name in old_history} == old_history
        reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")  # readable
        assert len(reports) in (1, 61)
        outcomes.append(got == new)
        if got == new:  # the run finished before the kill: start again from the old outputs
            shutil.rmtree(out)
            shutil.copytree(saved, out)
    assert not all(outcomes), "every run finished before it was killed: the test killed nothing"
    # The next run mends what the killed ones left and completes.
    subprocess.run(command, check=True, capture_output=True, env=env)
    assert _snapshot(out) == new
    assert not list(tmp_path.glob(".processed.new-*")) and not (tmp_path / ".processed.old").exists()


def test_a_corrected_grade_agrees_across_tables_and_is_logged_as_a_correction(workspace):
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    question_two = _read(out, "grades.csv").query("question_number == '2'").iloc[0]
    _write_corrections(corrections, [
        {"report_id": "cambridgeshire-2015-effectiveness", "table": "reports", "key": "", "field": "overall_grade",
         "value": "inadequate", "reviewer": "C", "reason": "test"},
        {"report_id": "cambridgeshire-2015-effectiveness", "table": "grades", "key": question_two["key"],
         "field": "grade", "value": "good", "reviewer": "C", "reason": "test"},
    ])
    _run(raw, out, corrections, "2026-07-01T00:00:00")
    report = _read(out, "reports.csv").iloc[0]
    assert (report["overall_grade"], report["corrected"]) == ("inadequate", "overall_grade")
    grades = _read(out, "grades.csv").set_index("scope")
    overall = grades.loc["overall"]
    assert (overall["grade"], overall["corrected"]) == ("inadequate", "grade")
    question = _read(out, "questions.csv").query("question_number == '2'").iloc[0]
    assert (question["grade"], question["corrected"]) == ("good", "grade")
    doc = json.loads((out / "json" / "cambridgeshire-2015-effectiveness.json").read_text("utf-8"))
    assert doc["report"]["corrected"] == "overall_grade" and doc["questions"][1]["grade"] == "good"
    log = _read(out, "changes.csv")
    latest = log[log["run_time"] == "2026-07-01T00:00:00Z"]
    assert sorted(latest["change"]) == ["grade corrected", "grade corrected", "overall_grade corrected"]


def test_a_correction_that_stops_matching_is_logged(workspace):
    raw, out, corrections = workspace
    _run(raw, out, corrections)
    target = _read(out, "sentences.csv").query("text == @EDITED_SENTENCE[0]").iloc[0]
    _write_corrections(corrections, [{"report_id": target["report_id"], "table": "sentences", "key": target["key"],
                                      "field": "label", "value": "improvement", "reviewer": "D", "reason": "r"}])
    _run(raw, out, corrections, "2026-09-01T00:00:00")
    (raw / CAMBRIDGESHIRE.name).write_text(_edit(TEXT, EDITED_SENTENCE), encoding="utf-8")
    _run(raw, out, corrections, "2026-09-02T00:00:00")
    log = _read(out, "changes.csv")
    latest = log[log["run_time"] == "2026-09-02T00:00:00Z"]
    # The edit orphans the correction, so the sentence is back to the classifier's label.
    assert sorted(latest["change"]) == ["correction unmatched", "edited", "label changed"]
    assert latest.set_index("change").loc["correction unmatched", "key"] == target["key"]


def test_correcting_an_overall_grade_the_text_does_not_state(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "kent.txt").write_text("Kent PEEL 2016\n\nEffectiveness\n\nHow effective is the force at keeping people "
                                  "safe and reducing crime?\n\nThe force works well with its partners.\n", "utf-8")
    corrections = tmp_path / "corrections.csv"
    _write_corrections(corrections, [{"report_id": "kent-2016-effectiveness", "table": "reports", "key": "",
                                      "field": "overall_grade", "value": "good", "reviewer": "E", "reason": "r"}])
    _run(raw, out, corrections)
    (overall,) = _read(out, "grades.csv").query("scope == 'overall'").to_dict("records")
    assert (overall["grade"], overall["text"], overall["corrected"]) == ("good", "", "grade")
    assert _read(out, "reports.csv").iloc[0]["overall_grade"] == "good"
