"""The command line end to end, with good and bad inputs side by side."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main

from conftest import CAMBRIDGESHIRE, ROOT


@pytest.fixture
def runner():
    return CliRunner()


def _run(runner, *args):
    return runner.invoke(main, list(map(str, args)), catch_exceptions=False)


def test_run_writes_processed(tmp_path, runner):
    result = _run(runner, "run", CAMBRIDGESHIRE, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert list(frame["report_id"]) == ["cambridgeshire-2015-effectiveness"]


def test_run_defaults_to_raw_into_processed(tmp_path, runner, monkeypatch):
    (tmp_path / "raw").mkdir()
    shutil.copy(CAMBRIDGESHIRE, tmp_path / "raw")
    monkeypatch.chdir(tmp_path)
    result = _run(runner, "run")
    assert result.exit_code == 0
    assert (tmp_path / "processed" / "json" / "cambridgeshire-2015-effectiveness.json").is_file()


BAD_INPUTS = {
    "empty.txt": (b"", "file is empty"),
    "binary.txt": (bytes(range(256)) * 4, "binary file"),
    "news.txt": (b"Council announces new bin collection days.\n\nResidents will have bins emptied on Tuesdays.",
                 "not a PEEL inspection report"),
}


def test_bad_inputs_are_named_and_good_ones_still_written(tmp_path, runner):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(CAMBRIDGESHIRE, folder)
    for name, (data, _) in BAD_INPUTS.items():
        (folder / name).write_bytes(data)
    missing = tmp_path / "missing.txt"
    result = _run(runner, "run", folder, missing, "--out", tmp_path / "out")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(BAD_INPUTS) + 1
    for name, (_, message) in BAD_INPUTS.items():
        assert any(str(folder / name) in line and message in line for line in errors), (name, errors)
    assert any(str(missing) in line and "no such file" in line for line in errors)
    frame = pd.read_csv(tmp_path / "out" / "sentences.csv", encoding="utf-8-sig")
    assert set(frame["report_id"]) == {"cambridgeshire-2015-effectiveness"}
    assert len(frame) == 78


def test_same_report_twice_is_reported_not_double_counted(tmp_path, runner):
    shutil.copy(CAMBRIDGESHIRE, tmp_path / "a.txt")
    shutil.copy(CAMBRIDGESHIRE, tmp_path / "b.txt")
    result = _run(runner, "run", tmp_path / "a.txt", tmp_path / "b.txt", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "b.txt: same text as" in result.stderr
    assert len(pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")) == 1


def test_two_texts_of_one_report_get_distinct_stable_ids(tmp_path, runner):
    text = CAMBRIDGESHIRE.read_text("utf-8")
    (tmp_path / "cambridgeshire_part1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "cambridgeshire_part2.txt").write_text(text[:6000], encoding="utf-8")
    result = _run(runner, "run", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    ids = list(pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")["report_id"])
    assert ids == ["cambridgeshire-2015-effectiveness", "cambridgeshire-2015-effectiveness-part2"]


def test_nothing_processed_leaves_previous_outputs(tmp_path, runner):
    out = tmp_path / "out"
    _run(runner, "run", CAMBRIDGESHIRE, "--out", out)
    before = (out / "sentences.csv").read_bytes()
    (tmp_path / "empty.txt").write_bytes(b"")
    result = _run(runner, "run", tmp_path / "empty.txt", "--out", out)
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    assert (out / "sentences.csv").read_bytes() == before


def test_usage_errors_exit_2(runner):
    assert runner.invoke(main, ["run", "--no-such-option"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


@pytest.mark.parametrize("command", [[], ["run"], ["evaluate"]])
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    summary = result.output.split("\n\n")[1].strip()
    assert len(summary) > 20


def test_evaluate_prints_acceptance_scores(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["evaluate", "--corpus", str(ROOT / "tests" / "data" / "no-corpus-here")])
    assert result.exit_code == 2  # an explicit --corpus that is not a corpus is a usage error
    monkeypatch.setenv("PEEL_CORPUS", str(ROOT / "tests" / "data" / "no-corpus-here"))
    result = runner.invoke(main, ["evaluate"])
    assert result.exit_code == 0, result.output
    acceptance = result.output.split("== Sentence labels")[0]
    lines = {line.split()[0]: line.split() for line in acceptance.splitlines() if line.strip()}
    assert lines["overall_grade"][-1] == "100.0%"
    assert lines["question_grades"][-1] == "100.0%"
    assert lines["areas_for_improvement"][-2:] == ["100.0%", "100.0%"]
    assert float(lines["macro-F1"][-1]) >= 0.95
    assert "== Sentence labels on held-out forces" in result.output


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert 'peel-pipeline = "pipeline.cli:main"' in text
