"""--workers: reports processed in parallel give the same bytes as one process, killed or not."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline import runner as runner_module
from pipeline.runner import default_workers, run, worker_results

from conftest import CAMBRIDGESHIRE, ROOT

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEADER = "report_id,table,key,field,value,reviewer,reason\n"


def _files(out: Path, skip: set[str] = frozenset()) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in skip}


@pytest.fixture
def reports(tmp_path, corpus) -> Path:
    """The Cambridgeshire report, every third corpus text (79), the PDF fixtures laid out by
    WeasyPrint (read in the workers too), and bad inputs (empty; the same bytes twice)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    texts = sorted((corpus / "texts").glob("*.txt"))
    for text in texts[::3]:
        shutil.copy(text, raw)
    for pdf in sorted((ROOT / "tests" / "fixtures" / "pdf" / "weasyprint").glob("*.pdf")):
        shutil.copy(pdf, raw)
    (raw / "empty.txt").write_bytes(b"")
    shutil.copy(texts[0], raw / "zz-copy.txt")
    return raw


def test_one_and_two_workers_write_the_same_bytes(reports, tmp_path):
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(HEADER, encoding="utf-8")
    outputs, results = [], []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        results.append(run([reports], out, corrections=corrections, now=NOW, workers=workers))
        outputs.append(_files(out))
    one, two = results
    assert one.report_count == two.report_count == len(list(reports.iterdir())) - 2 > 50
    assert one.errors == two.errors and len(one.errors) == 2  # the empty file, the copy: in input order
    assert one.warnings == two.warnings
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) > 80
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between 1 and 2 workers"


def test_the_whole_corpus_gives_the_same_bytes_with_two_workers_as_by_default(corpus, corpus_run, tmp_path):
    # corpus_run (conftest) ran with the default (one process: the corpus is under a megabyte).
    two = tmp_path / "two"
    run([corpus / "texts"], two, workers=2)
    skip = {"changes.csv", ".manifest.json"}  # they carry the run's time
    got, expected = _files(two, skip), _files(corpus_run, skip)
    assert got.keys() == expected.keys() and len(got) > 200
    assert [name for name in got if got[name] != expected[name]] == []


def test_a_run_with_workers_killed_part_way_and_run_again_gives_the_same_bytes(reports, tmp_path):
    (reports / "empty.txt").unlink()
    (reports / "zz-copy.txt").unlink()  # each an error line: the run would exit 1
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(HEADER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def command(out: Path, workers: int) -> list[str]:
        return [sys.executable, "-m", "pipeline", "run", str(reports), "--out", str(out),
                "--corrections", str(corrections), "--workers", str(workers)]

    complete = tmp_path / "complete"
    subprocess.run(command(complete, 1), check=True, capture_output=True, env=env)
    out = tmp_path / "processed"
    cache = tmp_path / ".processed-cache"
    process = subprocess.Popen(command(out, 2), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    total = len(list(reports.iterdir()))
    # Killed once its workers have handed back a few reports, long before all of them.
    deadline = time.monotonic() + 120
    while len(list(cache.glob("*.json"))) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(list(cache.glob("*.json")))
    assert 3 <= done < total, f"{done} reports cached when the run was killed: it was not killed part-way"
    assert workers, "the run had started no worker processes"
    assert not out.exists()  # nothing was written
    # Its workers end with it rather than work on for nobody.
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "worker processes outlived the killed run"
    subprocess.run(command(out, 2), check=True, capture_output=True, env=env)
    skip = {"changes.csv", ".manifest.json"}  # they carry the run's time
    assert _files(out, skip) == _files(complete, skip)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pytest.skip("no /proc to find the run's worker processes")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent (gone) would reap it


def test_by_default_workers_start_only_for_work_that_pays_for_them(reports, monkeypatch):
    files = [(path, "sha-of-" + path.name) for path in sorted(reports.iterdir())]
    small = [f for f in files if f[0].suffix == ".txt"][:5]
    with worker_results(small, None, None, None) as futures:
        assert futures == {}  # five texts: a worker would take longer to start than to read them
    with worker_results(small, None, None, 2) as futures:
        assert sorted(futures) == [0, 1, 2, 3, 4]  # asked for: started
        assert all(futures.get(index).result()[0] is not None for index in range(5))
    with worker_results(small, None, None, 1) as futures:
        assert futures == {}  # one worker: this process
    # One worker, more work than starting it costs: a process of its own, so the run's memory stays flat.
    monkeypatch.setattr(runner_module, "WORK_PER_WORKER", sum(path.stat().st_size for path, _ in small) - 1)
    with worker_results(small, None, None, 1) as futures:
        assert sorted(futures) == [0, 1, 2, 3, 4]
        assert [futures.get(index).result()[0].report.source.path for index in range(5)] == [p for p, _ in small]


def test_workers_are_given_files_a_few_ahead_of_the_one_the_run_takes(reports, monkeypatch):
    # So the run holds a few results at a time, not one per file, whatever the number of files.
    monkeypatch.setattr(runner_module, "AHEAD", 1)
    files = [(path, "sha-of-" + path.name) for path in sorted(reports.iterdir()) if path.suffix == ".txt"][:6]
    with worker_results(files, None, None, 2) as futures:
        assert len(futures.waiting) == 2  # two workers, one file each
        for index, (path, _) in enumerate(files):
            future = futures.get(index)
            assert len(futures.waiting) <= 2
            labelled, error, _ = future.result()
            assert error is None and labelled.report.source.path == path
        assert futures.get(0) is None  # each taken once, then let go


def test_workers_option_is_explained_and_checked(tmp_path):
    runner = CliRunner()
    assert "--workers" in runner.invoke(main, ["run", "--help"]).output
    result = runner.invoke(main, ["run", str(CAMBRIDGESHIRE), "--out", str(tmp_path / "out"), "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
    assert default_workers() >= 1
