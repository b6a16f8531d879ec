"""The per-report step is a pure map: run under Dask (a bag of files, Dask's local
process scheduler), it gives the bytes ``pipeline run`` gives for the same files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import export
from pipeline.runner import process_file, run

from conftest import CAMBRIDGESHIRE

dask_bag = pytest.importorskip("dask.bag", reason="Dask is an optional extra: pip install -e '.[dask]' "
                               "(make test installs it with the test extra)")

# The files a run and the data outputs share (a run adds its change log, review pages and
# manifest, and its data package describes the change log too).
SHARED = ("reports.csv", "questions.csv", "grades.csv", "areas_for_improvement.csv", "causes_of_concern.csv",
          "recommendations.csv", "sentences.csv", "grades_by_force.csv", "peel.sqlite", "peel.xlsx")


def test_reports_mapped_by_dask_give_the_bytes_of_a_run(tmp_path, corpus):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    for text in sorted((corpus / "texts").glob("*.txt"))[::40]:
        shutil.copy(text, raw)
    files = sorted(raw.iterdir())
    assert len(files) >= 6

    bag = dask_bag.from_sequence(files, npartitions=2).map(process_file)
    reports = bag.compute(scheduler="processes", num_workers=2)
    ids = [r.report.report_id for r in reports]
    assert len(set(ids)) == len(ids) == len(files)  # distinct reports: the run names them the same
    export.write(sorted(reports, key=lambda r: r.report.report_id), tmp_path / "mapped")

    result = run([raw], tmp_path / "run", corrections=None, workers=1)
    assert result.errors == [] and sorted(r.report.report_id for r in result.reports) == sorted(ids)
    for name in SHARED:
        assert (tmp_path / "mapped" / name).read_bytes() == (tmp_path / "run" / name).read_bytes(), name
    documents = sorted(p.name for p in (tmp_path / "run" / "json").iterdir())
    assert documents == sorted(f"{i}.json" for i in ids)
    for name in documents:
        assert (tmp_path / "mapped" / "json" / name).read_bytes() == (tmp_path / "run" / "json" / name).read_bytes()
