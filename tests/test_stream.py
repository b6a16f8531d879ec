"""Outputs assembled report by report (pipeline.finish, export.assemble): the run keeps
each report slim, its parts go through a spool folder that is always removed, and
where no spool can be made the parts stay in memory with the same bytes out."""
from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline import runner
from pipeline.runner import cache_dir_for, run

from conftest import CAMBRIDGESHIRE

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def raw(tmp_path, corpus) -> Path:
    """Cambridgeshire and every twentieth corpus text, with two texts of one report (a
    copy of Cambridgeshire with a line added), whose ids the run tells apart."""
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(CAMBRIDGESHIRE, folder)
    text = CAMBRIDGESHIRE.read_text("utf-8")
    (folder / "cambridgeshire-copy.txt").write_text(text + "\nA second text of the same report.\n", "utf-8")
    for path in sorted((corpus / "texts").glob("*.txt"))[::20]:
        shutil.copy(path, folder)
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_run_keeps_reports_slim_and_leaves_no_spool(raw, tmp_path):
    out = tmp_path / "out"
    result = run([raw], out, corrections=None, now=NOW, workers=1)
    assert result.errors == [] and len(result.reports) == len(list(raw.iterdir()))
    for labelled in result.reports:
        assert labelled.sentences == [] and labelled.report.source.text == "" and labelled.report.blocks == []
        assert all(grade.text == "" and grade.key for grade in labelled.report.grades)
        assert (out / "json" / f"{labelled.report.report_id}.json").is_file()
    ids = [r.report.report_id for r in result.reports]
    assert len(set(ids)) == len(ids)  # the two texts of one report are named apart
    assert not list(cache_dir_for(out).glob(f"{runner.SPOOL}*"))


def test_a_killed_runs_spool_is_removed_by_the_next_run(raw, tmp_path):
    out = tmp_path / "out"
    cache = cache_dir_for(out)
    cache.mkdir()
    stale = Path(tempfile.mkdtemp(prefix=runner.SPOOL, dir=cache))
    (stale / "left.pickle").write_bytes(b"parts of a run that was killed")
    run([raw], out, corrections=None, now=NOW, workers=1)
    assert not stale.exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_without_a_spool_the_parts_stay_in_memory_with_the_same_bytes(raw, tmp_path, monkeypatch, workers):
    spooled = run([raw], tmp_path / "spooled", corrections=None, now=NOW, workers=workers)
    made = tempfile.mkdtemp

    def no_spool(*args, **kwargs):
        if kwargs.get("prefix") == runner.SPOOL:
            raise OSError(28, "No space left on device")
        return made(*args, **kwargs)

    monkeypatch.setattr(runner.tempfile, "mkdtemp", no_spool)
    in_memory = run([raw], tmp_path / "in-memory", corrections=None, now=NOW, workers=workers)
    assert in_memory.errors == spooled.errors == []
    one, two = _outputs(tmp_path / "spooled"), _outputs(tmp_path / "in-memory")
    assert sorted(one) == sorted(two)
    for name in one:
        if name != ".manifest.json":  # names the input folder, which differs
            assert one[name] == two[name], name


def _finished_both_ways(tmp_path, previous_out: Path, corrections=(), text: Path = CAMBRIDGESHIRE):
    """One report finished under its own id then given another (``renamed``), and
    finished under that other id at once."""
    from pipeline.finish import Context, finish, renamed
    from pipeline.runner import process_file

    spool = tmp_path / "spool"
    spool.mkdir(exist_ok=True)
    context = Context(None, None, None, tuple(corrections), str(previous_out), str(spool))
    first = finish(process_file(text), context)
    final = first.context[0] + "-copy"
    return first, renamed(first, final, str(previous_out), corrections), finish(process_file(text), context, final)


def test_a_report_named_at_the_end_takes_the_parts_and_changes_of_its_final_id(tmp_path):
    # Two files of one report: the second is finished under the report's id before the
    # run knows that the first has it, and then takes its own without being made again.
    first, moved, direct = _finished_both_ways(tmp_path, tmp_path / "none")
    assert first.marked and moved is not None
    assert moved.context == direct.context and moved.changes == direct.changes
    assert moved.load() == direct.load()
    lines = moved.load().csv["sentences"].decode("utf-8").splitlines()
    assert lines and all(line.startswith(direct.context[0] + ",") for line in lines)
    # Against a last run whose document of that id differs in one label: the same changes.
    previous = tmp_path / "previous"
    (previous / "json").mkdir(parents=True)
    document = json.loads(direct.load().document)
    document["sentences"][0]["label"] = "concern" if document["sentences"][0]["label"] != "concern" else "finding"
    (previous / "json" / f"{direct.context[0]}.json").write_text(json.dumps(document), "utf-8")
    first, moved, direct = _finished_both_ways(tmp_path, previous)
    assert direct.changes and moved.changes == direct.changes
    assert moved.load() == direct.load()


def test_a_report_corrected_under_its_final_id_is_finished_again(tmp_path):
    from pipeline.review import Correction

    own = _finished_both_ways(tmp_path, tmp_path / "none")[0].context[0]
    correction = Correction(2, own + "-copy", "reports", "", "overall_grade", "good", "tester", "check")
    first, moved, direct = _finished_both_ways(tmp_path, tmp_path / "none", [correction])
    assert moved is None and direct.matched == [2]


def test_a_text_holding_the_id_mark_is_finished_under_its_id(tmp_path):
    from pipeline.export import ID_MARK

    text = tmp_path / "cambridgeshire-marked.txt"
    text.write_text(CAMBRIDGESHIRE.read_text("utf-8") + f"\nA line with {ID_MARK} in it.\n", "utf-8")
    first, moved, direct = _finished_both_ways(tmp_path, tmp_path / "none", text=text)
    assert not first.marked and moved is None
    assert ID_MARK in first.load().document.decode("utf-8")  # the text's own, kept
    assert first.context[0] in first.load().csv["reports"].decode("utf-8")
