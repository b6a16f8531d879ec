"""Outputs assembled report by report (pipeline.finish, export.assemble): the run keeps
each report slim, its parts go through a spool folder that is always removed, and
where no spool can be made the parts stay in memory with the same bytes out."""
from __future__ import annotations

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
