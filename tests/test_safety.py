"""Safe wherever it is pointed: output folders, concurrent runs, partial runs, the cache,
special files, and CSV cells that stay one cell. Each case once lost files, hung,
crashed or wrote a wrong row (issue 9)."""
from __future__ import annotations

import csv
import io
import json
import os
import pickle
import pty
import shutil
import subprocess
import sys
import textwrap
import time
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import export
from pipeline import runner as runner_module
from pipeline.cli import main
from pipeline.runner import LOCK, cache_dir_for, pipeline_version, run

from conftest import CAMBRIDGESHIRE, ROOT

TEXT = CAMBRIDGESHIRE.read_text("utf-8")
HEADER = "report_id,table,key,field,value,reviewer,reason\n"


@pytest.fixture
def cli():
    return CliRunner()


def _invoke(cli, *args):
    return cli.invoke(main, [str(a) for a in args], catch_exceptions=False)


def _raw(tmp_path: Path, **texts: str) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (raw / f"{name}.txt").write_text(text, encoding="utf-8")
    return raw


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _cells(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _python(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env,
                          timeout=kwargs.pop("timeout", 300), **kwargs)


# --out: never anything that is not ours -----------------------------------------

@pytest.mark.parametrize("contents", [
    {"thesis.docx": b"my thesis"},
    {".git/HEAD": b"ref: refs/heads/main\n", ".git/config": b"[core]\n"},
    {"tests/test_mine.py": b"def test(): pass\n"},
], ids=["a-document", "a-git-folder", "a-tests-folder"])
def test_out_refuses_a_folder_this_pipeline_did_not_write(tmp_path, cli, contents):
    out = tmp_path / "mine"
    for name, data in contents.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    before = _snapshot(out)
    result = _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out)
    assert result.exit_code == 1
    assert "did not write" in result.stderr and str(out) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]  # nothing made beside it either


def test_out_refuses_our_folder_once_the_user_put_a_file_in_it(tmp_path, cli):
    out = tmp_path / "processed"
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out).exit_code == 0
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    (raw := _raw(tmp_path, edited=TEXT + "\nA new sentence at the end.\n"))
    result = _invoke(cli, "run", raw, "--out", out)
    assert result.exit_code == 1 and "my-notes.txt" in result.stderr
    assert (out / "my-notes.txt").read_text("utf-8") == "keep me"


def test_out_accepts_an_empty_folder_and_its_own_outputs(tmp_path, cli):
    out = tmp_path / "empty"
    out.mkdir()
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out).exit_code == 0
    (out / "sentences.csv").write_text("edited by hand", encoding="utf-8")  # ours, so rewritten
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out).exit_code == 0
    assert (out / "sentences.csv").read_text("utf-8-sig").startswith("report_id,")


def test_symlinked_out_writes_through_to_its_target(tmp_path, cli):
    target = tmp_path / "real-outputs"
    link = tmp_path / "processed"
    link.symlink_to(target, target_is_directory=True)
    for _ in range(2):  # a new target, then a swap over existing outputs
        result = _invoke(cli, "run", _raw(tmp_path, cambs=TEXT + f"\n{time.time()}\n"), "--out", link)
        assert result.exit_code == 0, result.stderr
        assert link.is_symlink() and os.readlink(link) == str(target)
        assert (target / "reports.csv").is_file()
    leftovers = [p.name for p in tmp_path.iterdir() if p.is_symlink() and not p.exists()]
    assert leftovers == []
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == \
        ["processed", "raw", "real-outputs"]


def test_unwritable_output_location_fails_before_any_work(tmp_path):
    parent = tmp_path / "shared-drive"
    parent.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(parent)], capture_output=True).returncode != 0:
            pytest.skip("running as root where chattr +i is not available: cannot make a folder read-only")
    else:
        parent.chmod(0o555)
    try:
        corpus = ROOT.parent / "shared" / "corpus" / "texts"
        inputs = [str(p) for p in sorted(corpus.glob("*.txt"))[:30]] if corpus.is_dir() else [str(CAMBRIDGESHIRE)]
        result = _python("run", *inputs, "--out", str(parent / "processed"))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(parent)], check=True)
        else:
            parent.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "cannot write" in result.stderr and "please report this" not in result.stderr


# Two runs at once --------------------------------------------------------------

def _lock_held(lock: Path) -> bool:
    """Whether some process holds a flock on ``lock`` (from /proc/locks, without taking it)."""
    try:
        inode = lock.stat().st_ino
    except OSError:
        return False
    return any(line.split()[5].endswith(f":{inode}") for line in Path("/proc/locks").read_text().splitlines()
               if len(line.split()) > 5)


def test_two_runs_into_one_folder_one_writes_the_other_is_told(tmp_path, corpus):
    raw = tmp_path / "raw"
    raw.mkdir()
    for text in sorted((corpus / "texts").glob("*.txt"))[:60]:
        shutil.copy(text, raw)
    out = tmp_path / "processed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lock = cache_dir_for(out) / LOCK
    deadline = time.monotonic() + 120
    while not _lock_held(lock) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    second = _python("run", str(raw), "--out", str(out))
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert second.returncode == 1
    assert second.stderr.strip() == f"Error: another run is writing {out}; try again when it has finished " \
                                    "(or use --wait)"
    log = pd.read_csv(out / "changes.csv", encoding="utf-8-sig", dtype=str)
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig", dtype=str)
    assert len(reports) == 60 and list(log["change"]) == ["report added"] * 60
    assert len(set(log["run_time"])) == 1
    # --wait: the second run waits its turn and then finds nothing to do.
    waiting = _python("run", str(raw), "--out", str(out), "--wait")
    assert waiting.returncode == 0 and "up to date" in waiting.stderr


# Rows: CSV cells stay cells, JSON and CSV agree ---------------------------------

def _wrapped(text: str) -> str:
    """The report with its long lines wrapped at 70 characters, as a text editor saves it."""
    lines = []
    for line in text.split("\n"):
        lines += textwrap.wrap(line, 70, break_long_words=False, break_on_hyphens=False) if len(line) > 70 else [line]
    return "\n".join(lines)


@pytest.mark.parametrize("line_end", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_wrapped_paragraphs_with_any_line_end_stay_one_row_each(tmp_path, line_end):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "cambs.txt").write_bytes(_wrapped(TEXT).replace("\n", line_end).encode("utf-8"))
    out = tmp_path / "out"
    result = run([raw], out, corrections=None)
    assert result.errors == [] and len(result.reports) == 1
    labelled = runner_module.process_file(raw / "cambs.txt")  # the run keeps each report slim
    assert any("\r" in s.text or "\n" in s.text for s in labelled.sentences)  # sentences span lines
    frame = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(frame["report_id"].unique()) == ["cambridgeshire-2015-effectiveness"]
    assert len(frame) == len(labelled.sentences)
    source = labelled.report.source.text
    for row in frame.to_dict("records"):
        assert source[int(row["char_start"]):int(row["char_end"])] == row["text"].removeprefix("'"), row


def test_a_stray_carriage_return_in_a_paragraph_stays_inside_its_cell(tmp_path):
    """A wrapped paragraph of an LF file whose one line break is a lone CR."""
    wrapped = _wrapped(TEXT)
    stray = wrapped.replace("It is\ngood at preventing crime", "It is\rgood at preventing crime", 1)
    assert stray != wrapped
    raw = _raw(tmp_path, cambs=stray)
    assert len(run([raw], tmp_path / "out", corrections=None).reports) == 1
    labelled = runner_module.process_file(next(raw.glob("*.txt")))
    frame = pd.read_csv(tmp_path / "out" / "sentences.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(frame["report_id"].unique()) == ["cambridgeshire-2015-effectiveness"]
    assert len(frame) == len(labelled.sentences)
    assert "It is\rgood at preventing crime and anti-social behaviour." in set(frame["text"])


def test_every_line_of_a_cell_is_guarded_and_quoted():
    frame = pd.DataFrame({"text": ["one\r=two", "a\n+b\r\n@c", " =d", "plain, \"quoted\""], "n": [1, 2, 3, 4]})
    data = export.csv_text(frame)
    assert data == ('text,n\n"one\r\'=two",1\n"a\n\'+b\r\n\'@c",2\n\' =d,3\n"plain, ""quoted""",4\n')
    assert [r["text"] for r in csv.DictReader(io.StringIO(data, newline=""))] == \
        ["one\r'=two", "a\n'+b\r\n'@c", "' =d", 'plain, "quoted"']


def test_file_names_and_corrections_that_look_like_formulas_are_guarded(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / " =HYPERLINK(1).txt").write_text(TEXT, encoding="utf-8")
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(HEADER + 'cambridgeshire-2015-effectiveness,sentences,s-0000000000,label,finding,'
                           '"=HYPERLINK(""http://x"")",@reason\n', encoding="utf-8")
    out = tmp_path / "out"
    run([raw], out, corrections=corrections)
    (report,) = _cells(out / "reports.csv")
    assert report["source_file"] == "' =HYPERLINK(1).txt"
    (unmatched,) = _cells(out / "unmatched_corrections.csv")
    assert unmatched["reviewer"].startswith("'=") and unmatched["reason"] == "'@reason"


def test_json_holds_each_item_once_and_the_same_rows_as_the_csv(tmp_path):
    """A text holding its page twice once nested every item under every copy of its question."""
    raw = _raw(tmp_path, twice=TEXT + "\n" + TEXT)
    out = tmp_path / "out"
    run([raw], out, corrections=None)
    (doc_path,) = (out / "json").glob("*.json")
    doc = json.loads(doc_path.read_text("utf-8"))
    for table in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        in_json = [i["key"] for i in doc[table]] + [i["key"] for q in doc["questions"] for i in q[table]]
        in_csv = [r["key"] for r in _cells(out / f"{table}.csv")]
        assert sorted(in_json) == sorted(in_csv) and len(in_csv) == len(set(in_csv)) > 0, table
    for table in ("grades", "sentences"):
        assert [r["key"] for r in doc[table]] == [r["key"] for r in _cells(out / f"{table}.csv")]
    assert [q["key"] for q in doc["questions"]] == [r["key"] for r in _cells(out / "questions.csv")]
    assert doc_path.stat().st_size < 4 * (out / "sentences.csv").stat().st_size


def test_a_page_repeated_to_two_megabytes_gives_outputs_in_proportion(tmp_path):
    copies = 2_000_000 // len(TEXT)
    raw = _raw(tmp_path, big="\n".join([TEXT] * copies))
    out = tmp_path / "out"
    run([raw], out, corrections=None)
    one = tmp_path / "one"
    run([_raw(tmp_path / "single", one=TEXT)], one, corrections=None)
    size = sum(p.stat().st_size for p in out.rglob("*.json"))
    single = sum(p.stat().st_size for p in one.rglob("*.json"))
    assert size < 1.5 * copies * single


# Partial runs ------------------------------------------------------------------

@pytest.fixture
def three_reports(tmp_path, corpus):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    for name in ("essex_2016_effectiveness", "gwent_2014_overview"):
        shutil.copy(corpus / "texts" / f"{name}.txt", raw)
    out = tmp_path / "processed"
    assert len(run([raw], out, corrections=None).reports) == 3
    return raw, out


def test_a_run_over_one_file_updates_it_and_keeps_the_others(three_reports, cli):
    raw, out = three_reports
    before = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    essex = raw / "essex_2016_effectiveness.txt"
    essex.write_text(essex.read_text("utf-8") + "\nThe force must do better at recording crime.\n", encoding="utf-8")
    result = _invoke(cli, "run", essex, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "2 kept from the last run" in result.stderr and "report removed" not in result.stderr
    after = pd.read_csv(out / "sentences.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(pd.read_csv(out / "reports.csv", encoding="utf-8-sig")) == 3
    others = lambda f: f[~f["report_id"].str.startswith("essex")].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(others(before), others(after))
    assert "The force must do better at recording crime." in set(after["text"])
    log = pd.read_csv(out / "changes.csv", encoding="utf-8-sig", dtype=str)
    assert "report removed" not in set(log["change"])


@pytest.mark.parametrize("damage", [b"", b"\x00\x01binary now", b"\xff\xfe" + "UTF-16".encode("utf-16-le")],
                         ids=["emptied", "binary", "utf-16"])
def test_a_file_that_cannot_be_read_this_time_keeps_its_last_results(three_reports, cli, damage):
    raw, out = three_reports
    before = _cells(out / "reports.csv")
    (raw / "gwent_2014_overview.txt").write_bytes(damage)
    result = _invoke(cli, "run", raw, "--out", out)
    assert result.exit_code == 1
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "gwent_2014_overview.txt" in error and "its results from the last run are kept" in error
    assert [r["report_id"] for r in _cells(out / "reports.csv")] == [r["report_id"] for r in before]


def test_a_named_file_that_is_missing_keeps_its_report(three_reports, cli):
    raw, out = three_reports
    (raw / "gwent_2014_overview.txt").rename(raw.parent / "moved.txt")
    result = _invoke(cli, "run", raw / "gwent_2014_overview.txt", "--out", out)
    assert result.exit_code == 1 and "no such file" in result.stderr
    assert len(_cells(out / "reports.csv")) == 3


# The cache: data, not code -------------------------------------------------------

class _Payload:
    def __reduce__(self):
        return (Path.write_text, (Path(os.environ["PEEL_MARKER"]), "code ran"))


def test_the_cache_never_runs_code_and_a_bad_entry_is_a_miss(tmp_path, monkeypatch):
    raw = _raw(tmp_path, cambs=TEXT)
    out = tmp_path / "out"
    run([raw], out, corrections=None)
    cache = cache_dir_for(out)
    (entry,) = cache.glob("*.json")
    marker = tmp_path / "marker"
    monkeypatch.setenv("PEEL_MARKER", str(marker))
    payload = pickle.dumps(_Payload())
    (cache / entry.name.replace(".json", ".pickle")).write_bytes(payload)  # the format of earlier versions
    for bad in (payload, b"[1, 2]", b'{"report": {}}', b"\x00" * 10):
        entry.write_bytes(bad)
        (out / "sentences.csv").write_text("touched", encoding="utf-8")  # so the run does its work again
        result = run([raw], out, corrections=None)
        assert result.errors == [] and len(result.reports) == 1 and result.reused == 0, bad
        assert _cells(out / "sentences.csv")
    assert not marker.exists()
    assert not list(cache.glob("*.pickle"))
    assert json.loads(entry.read_bytes())["report"]["report_id"] == "cambridgeshire-2015-effectiveness"


def test_the_cache_key_names_the_libraries_results_depend_on(monkeypatch):
    pipeline_version.cache_clear()
    ours = pipeline_version()
    real = metadata.version

    def upgraded(name):
        return "99.0" if name == "spacy" else real(name)

    monkeypatch.setattr(runner_module.metadata, "version", upgraded)
    pipeline_version.cache_clear()
    try:
        assert pipeline_version() != ours
    finally:
        monkeypatch.undo()
        pipeline_version.cache_clear()
    assert pipeline_version() == ours


# Special files: never block, always named -----------------------------------------

@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/urandom", "loop", "dangling", "folder"])
def test_special_files_named_as_inputs_get_one_line_and_never_block(tmp_path, special):
    path = tmp_path / "input.txt"
    if special == "fifo":
        os.mkfifo(path)
    elif special == "loop":
        path.symlink_to(path)
    elif special == "dangling":
        path.symlink_to(tmp_path / "gone.txt")
    elif special == "folder":
        path.mkdir()
        (path / "notes.md").write_text("x", encoding="utf-8")
    else:
        path = Path(special)
    result = _python("run", str(path), str(CAMBRIDGESHIRE), "--out", str(tmp_path / "out"), timeout=120)
    assert result.returncode == 1
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert str(path) in error
    assert (tmp_path / "out" / "reports.csv").is_file()  # the other input was still processed


def test_what_a_folder_holds_but_is_not_read_is_said_once(tmp_path, cli):
    raw = _raw(tmp_path, cambs=TEXT)
    os.mkfifo(raw / "pipe.txt")
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (raw / "sub").mkdir()
    (raw / "page.docx").write_bytes(b"PK\x03\x04")
    (raw / "README.md").write_text("notes", encoding="utf-8")
    result = _invoke(cli, "run", raw, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    (note,) = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    for what in ("1 .docx file", "1 .md file", "1 FIFO", "1 subfolder", "1 symbolic link loop",
                 "1 dangling symbolic link"):
        assert what in note, (what, note)


# The command line ----------------------------------------------------------------

def _stderr_on_terminal(command: list[str], env: dict, resize=None) -> str:
    """What ``command`` writes to stderr when stderr is a terminal (a pty; ``resize`` sets its size)."""
    leader, follower = pty.openpty()
    if resize is not None:
        resize(follower)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_and_quiet_silences_it(tmp_path):
    raw = _raw(tmp_path, one=TEXT, two=TEXT.replace("Cambridgeshire", "Dorset"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def on_terminal(*args: str) -> str:
        return _stderr_on_terminal([sys.executable, "-m", "pipeline", "run", str(raw), *args], env)

    shown = on_terminal("--out", str(tmp_path / "a"))
    assert "2/2 reports" in shown and "wrote 2 reports" in shown
    assert on_terminal("--out", str(tmp_path / "b"), "--quiet") == ""
    piped = _python("run", str(raw), "--out", str(tmp_path / "c"))
    assert "2/2 reports" not in piped.stderr and "wrote 2 reports" in piped.stderr


def test_counts_are_in_words_a_person_would_write(tmp_path, cli):
    raw = _raw(tmp_path, one=TEXT)
    result = _invoke(cli, "run", raw, "--out", tmp_path / "out")
    assert "wrote 1 report to" in result.stderr and "changes: 1 report added" in result.stderr
    (raw / "two.txt").write_text(TEXT.replace("Cambridgeshire", "Dorset"), encoding="utf-8")
    (raw / "three.txt").write_text(TEXT.replace("Cambridgeshire", "Kent"), encoding="utf-8")
    result = _invoke(cli, "run", raw, "--out", tmp_path / "out")
    assert "wrote 3 reports to" in result.stderr and "changes: 2 reports added" in result.stderr
    result = _invoke(cli, "run", raw, "--out", tmp_path / "out")
    assert "3 reports in" in result.stderr and "are up to date" in result.stderr


def test_a_repaired_decoding_is_a_warning_naming_the_file_on_every_run(tmp_path, cli):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = TEXT.encode("utf-8").replace(b"constabulary identifies", b"constabulary\x92s identifies", 1)
    (raw / "cambs.txt").write_bytes(data)
    for run_number, said in enumerate(["wrote 1 report", "up to date", "read from the cache"]):
        if run_number == 2:
            (tmp_path / "out" / "sentences.csv").write_text("touched", encoding="utf-8")  # work to do again
        result = _invoke(cli, "run", raw, "--out", tmp_path / "out")
        assert result.exit_code == 0 and said in result.stderr
        assert f"warning: {raw / 'cambs.txt'}: decoded as utf-8 (1 byte read as Windows-1252)" in result.stderr


def test_short_version_flag(cli):
    result = cli.invoke(main, ["-V"])
    assert result.exit_code == 0 and result.output.startswith("peel-pipeline, version ")


def test_train_honours_no_color():
    code = ("import os; os.environ['NO_COLOR'] = '1'\n"
            "from pipeline import cli; cli.honour_no_color()\n"
            "from wasabi import Printer; print(Printer().show_color)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.strip() == "False"


# From a second attack as a new user --------------------------------------------------

def test_a_folder_whose_files_became_unreachable_keeps_every_report(tmp_path, cli, corpus):
    share, raw, out = tmp_path / "share", tmp_path / "raw", tmp_path / "processed"
    share.mkdir()
    raw.mkdir()
    for name in ("essex_2016_overview", "gwent_2017_overview"):
        shutil.copy(corpus / "texts" / f"{name}.txt", share)
        (raw / f"{name}.txt").symlink_to(share / f"{name}.txt")
    assert _invoke(cli, "run", raw, "--out", out).exit_code == 0
    before = _snapshot(out)
    share.rename(tmp_path / "unmounted")  # every link in raw/ now dangles
    result = _invoke(cli, "run", raw, "--out", out)
    assert result.exit_code == 1
    assert "the 2 reports there are kept as they were" in result.stderr
    assert [line for line in result.stderr.splitlines() if "its results from the last run are kept" in line]
    assert _snapshot(out) == before
    for link in raw.iterdir():  # emptied altogether: still nothing is removed
        link.unlink()
    assert _invoke(cli, "run", raw, "--out", out).exit_code == 1 and _snapshot(out) == before


def test_one_dangling_link_keeps_its_report_while_the_others_update(tmp_path, cli, corpus):
    share, raw, out = tmp_path / "share", tmp_path / "raw", tmp_path / "processed"
    share.mkdir()
    raw.mkdir()
    shutil.copy(corpus / "texts" / "essex_2016_overview.txt", share)
    (raw / "essex.txt").symlink_to(share / "essex_2016_overview.txt")
    shutil.copy(corpus / "texts" / "gwent_2017_overview.txt", raw)
    _invoke(cli, "run", raw, "--out", out)
    (share / "essex_2016_overview.txt").unlink()
    result = _invoke(cli, "run", raw, "--out", out)
    assert result.exit_code == 1 and "essex.txt" in result.stderr
    assert len(_cells(out / "reports.csv")) == 2


def test_reports_of_files_a_folder_search_does_not_read_are_kept(tmp_path, cli, corpus):
    """Named once explicitly (a subfolder, a hidden or extension-less file), they do not leave raw/."""
    raw, out = tmp_path / "raw", tmp_path / "processed"
    (raw / "2016").mkdir(parents=True)
    shutil.copy(corpus / "texts" / "essex_2016_overview.txt", raw)
    shutil.copy(corpus / "texts" / "gwent_2017_overview.txt", raw / "2016")
    shutil.copy(corpus / "texts" / "dorset_2017_legitimacy.txt", raw / "dorset")
    assert _invoke(cli, "run", raw, raw / "2016", raw / "dorset", "--out", out).exit_code == 0
    result = _invoke(cli, "run", raw, "--out", out)
    assert result.exit_code == 0 and "removed" not in result.stderr
    assert len(_cells(out / "reports.csv")) == 3


def test_report_ids_stay_when_a_partial_run_starts_elsewhere(tmp_path, corpus, monkeypatch):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    for part in ("part1", "part2"):
        shutil.copy(corpus / "texts" / f"avon-and-somerset_2016_overview_{part}.txt", raw)
    monkeypatch.chdir(tmp_path)
    run([Path("raw")], Path("processed"), corrections=None)
    ids = {r["source_file"]: r["report_id"] for r in _cells(out / "reports.csv")}
    part2 = raw / "avon-and-somerset_2016_overview_part2.txt"
    part2.write_text(part2.read_text("utf-8") + " edit", encoding="utf-8")
    monkeypatch.chdir(raw)
    run([Path(part2.name)], Path("../processed"), corrections=None)
    assert {r["source_file"]: r["report_id"] for r in _cells(out / "reports.csv")} == ids
    log = pd.read_csv(out / "changes.csv", encoding="utf-8-sig", dtype=str)
    assert "report removed" not in set(log["change"])


@pytest.mark.parametrize("leftover", ["empty-folders", "a-folder-in-json", "a-link", "a-link-to-a-folder"])
def test_out_refuses_folders_and_links_it_did_not_make(tmp_path, cli, leftover):
    out = tmp_path / "processed"
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out).exit_code == 0
    (tmp_path / "data").mkdir()
    if leftover == "empty-folders":
        (out / "thesis" / "chapters").mkdir(parents=True)
    elif leftover == "a-folder-in-json":
        (out / "json" / "mine").mkdir()
    elif leftover == "a-link":
        (out / "link.csv").symlink_to(tmp_path / "data")
    else:
        (out / "link").symlink_to(tmp_path / "data", target_is_directory=True)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    result = _invoke(cli, "run", _raw(tmp_path, cambs=TEXT + "\nOne more sentence.\n"), "--out", out)
    assert result.exit_code == 1 and "not written by this pipeline" in result.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    fresh = tmp_path / "fresh"
    (fresh / "thesis" / "chapters").mkdir(parents=True)  # a folder tree of empty folders is not empty
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", fresh).exit_code == 1 and (fresh / "thesis").is_dir()


def test_folders_beside_out_that_only_look_like_ours_are_left_alone(tmp_path, cli):
    out = tmp_path / "out_g"
    backup, old = tmp_path / ".out_g.new-mybackup", tmp_path / ".out_g.old"
    for folder in (backup, old):
        folder.mkdir()
        (folder / "important.txt").write_text("mine", encoding="utf-8")
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", tmp_path / "processed.new-model").exit_code == 0
    sibling_cache = tmp_path / ".processed.new-model-cache"
    assert sibling_cache.is_dir()
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out).exit_code == 0
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", tmp_path / "processed").exit_code == 0
    assert (backup / "important.txt").read_text("utf-8") == "mine"
    assert (old / "important.txt").read_text("utf-8") == "mine"
    assert sibling_cache.is_dir() and list(sibling_cache.glob("*.json"))
    assert (out / "reports.csv").is_file()


def test_a_mount_point_as_out_is_refused_before_any_work(tmp_path):
    out = tmp_path / "volume"
    out.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(out), str(out)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount a folder here (needs root and mount permission)")
    try:
        result = _python("run", str(CAMBRIDGESHIRE), "--out", str(out))
    finally:
        subprocess.run(["umount", str(out)], check=True)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "mount point" in result.stderr


def test_an_output_folder_that_cannot_be_replaced_is_one_line(tmp_path, cli):
    out = tmp_path / "processed"
    assert _invoke(cli, "run", CAMBRIDGESHIRE, "--out", out).exit_code == 0
    if os.geteuid() != 0 or subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        result = _python("run", str(_raw(tmp_path, cambs=TEXT + "\nOne more.\n")), "--out", str(out))
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "cannot be replaced" in result.stderr and "previous outputs are kept" in result.stderr
    assert not list(tmp_path.glob(".processed.new-*"))


@pytest.mark.parametrize("case", ["out-link-loop", "long-input-name", "deleted-working-folder"])
def test_odd_paths_get_one_line_not_a_traceback(tmp_path, case):
    args, cwd = [str(CAMBRIDGESHIRE), "--out", str(tmp_path / "out")], None
    if case == "out-link-loop":
        (tmp_path / "l1").symlink_to(tmp_path / "l2")
        (tmp_path / "l2").symlink_to(tmp_path / "l1")
        args = [str(CAMBRIDGESHIRE), "--out", str(tmp_path / "l1")]
    elif case == "long-input-name":
        args = [str(tmp_path / ("x" * 300 + ".txt")), *args]
    else:
        cwd = tmp_path / "gone"
        cwd.mkdir()
    code = "import os, sys, runpy; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); sys.argv = sys.argv[1:]; " \
           "runpy.run_module('pipeline', run_name='__main__')"
    command = [sys.executable, "-c", code, str(cwd), "run", *args] if cwd else \
        [sys.executable, "-m", "pipeline", "run", *args]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert all(line.startswith(("error:", "Error:", "wrote", "changes:")) for line in done.stderr.splitlines())


def test_a_second_text_with_a_very_long_name_gets_a_short_distinct_id(tmp_path):
    raw = _raw(tmp_path, cambs=TEXT)
    long_name = "-".join(f"w{n:02d}" for n in range(61))
    (raw / f"{long_name}.txt").write_text(TEXT + "\nA second text of the same report.\n", encoding="utf-8")
    result = run([raw], tmp_path / "out", corrections=None)
    assert result.errors == [] and len(result.reports) == 2
    ids = [r.report.report_id for r in result.reports]
    assert len(set(ids)) == 2 and max(map(len, ids)) < 120


def test_a_repaired_text_is_written_beside_the_tables_so_offsets_can_be_checked(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "cambs.txt").write_bytes(TEXT.replace("’", "â€™").encode("utf-8"))
    (labelled,) = run([raw], tmp_path / "out", corrections=None).reports
    assert "repaired" in labelled.report.source.encoding
    rebuilt = (tmp_path / "out" / "text" / f"{labelled.report.report_id}.txt").read_text("utf-8")
    for row in _cells(tmp_path / "out" / "sentences.csv"):
        assert rebuilt[int(row["char_start"]):int(row["char_end"])] == row["text"].removeprefix("'")


def test_a_cache_entry_of_the_wrong_shape_is_a_miss(tmp_path):
    raw = _raw(tmp_path, cambs=TEXT)
    out = tmp_path / "out"
    run([raw], out, corrections=None)
    (entry,) = cache_dir_for(out).glob("*.json")
    data = json.loads(entry.read_bytes())
    data["report"]["grades"][0]["grade"] = ["a"]
    data["sentences"][0]["text"] = None
    entry.write_text(json.dumps(data), encoding="ascii")
    (out / "sentences.csv").write_text("touched", encoding="utf-8")
    result = run([raw], out, corrections=None)
    assert result.reused == 0
    assert "['a']" not in (out / "grades.csv").read_text("utf-8-sig")


def test_the_same_input_named_twice_is_read_once(tmp_path, cli):
    raw = _raw(tmp_path, cambs=TEXT)
    result = _invoke(cli, "run", raw, raw, raw / "cambs.txt", "--out", tmp_path / "out")
    assert result.exit_code == 0 and "same text" not in result.stderr


def test_messages_stay_one_line_whatever_a_file_is_called(tmp_path, cli):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bad\nname.txt").write_bytes(b"")
    (raw / "cambs.txt").write_text(TEXT, encoding="utf-8")
    fifo = tmp_path / "corrections.csv"
    os.mkfifo(fifo)
    result = _invoke(cli, "run", raw, "--out", tmp_path / "out", "--corrections", fifo)
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    result = _invoke(cli, "run", raw, "--out", tmp_path / "out")
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "bad\\nname.txt" in error


def test_progress_never_wraps_on_a_narrow_terminal(tmp_path):
    import fcntl
    import struct
    import termios

    raw = _raw(tmp_path, **{f"r{n}": TEXT.replace("Cambridgeshire", name)
                            for n, name in enumerate(["Dorset", "Kent", "Essex", "Surrey"])})
    shown = _stderr_on_terminal([sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(tmp_path / "o")],
                                {**os.environ, "PYTHONPATH": str(ROOT)},
                                resize=lambda fd: fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 50, 0, 0)))
    updates = [part for line in shown.split("\n") for part in line.split("\r") if "reports:" in part]
    assert updates and max(len(u) for u in updates) <= 49, updates


def test_formula_guard_knows_every_line_end():
    for end in ("\x0b", "\x0c", "\u2028", "\u2029", "\x85"):
        assert export.csv_text(pd.DataFrame({"t": [f"a{end}=1+2"]})).count("'=1+2") == 1, repr(end)
