"""peel.sqlite: the tables with keys, foreign keys and full-text search, served by datasette."""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3

import pandas as pd
import pytest

from pipeline import export, publish
from pipeline import tables as registry

from conftest import CAMBRIDGESHIRE, ROOT


def _connect(folder) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{folder / publish.DATABASE}?mode=ro", uri=True)


@pytest.fixture(params=["processed", "corpus"])
def folder(request):
    return ROOT / "processed" if request.param == "processed" else request.getfixturevalue("corpus_run")


def test_foreign_keys_hold_and_the_database_is_sound(folder):
    with _connect(folder) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        declared = {(t, r[2]) for t in ("sentences", "recommendations") for r in
                    db.execute(f"PRAGMA foreign_key_list({t})")}
        assert {("sentences", "questions"), ("recommendations", "causes_of_concern")} <= declared


def test_every_table_holds_the_csv_rows_with_exact_text(folder):
    with _connect(folder) as db:
        for table in registry.data_tables():
            csv = pd.read_csv(folder / table.file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            rows = db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid').fetchall()
            assert len(rows) == len(csv), table.name
            names = [d[1] for d in db.execute(f'PRAGMA table_info("{table.name}")')]
            assert names == table.names


def test_text_is_the_source_s_own_even_where_the_csv_guards_it(folder, request):
    sources = ROOT / "raw" if folder == ROOT / "processed" else request.getfixturevalue("corpus") / "texts"
    with _connect(folder) as db:
        files = dict(db.execute("SELECT report_id, source_file FROM reports"))
        texts: dict[str, str] = {}
        checked = 0
        for table in ("sentences", "grades", "areas_for_improvement", "causes_of_concern", "recommendations"):
            for report_id, start, end, said in db.execute(
                    f'SELECT report_id, char_start, char_end, text FROM "{table}" WHERE text IS NOT NULL'):
                text = texts.get(report_id) or texts.setdefault(
                    report_id, (sources / files[report_id]).read_bytes().decode("utf-8-sig"))
                assert text[start:end] == said, (table, report_id, said)
                checked += 1
        assert checked > 50


def test_full_text_search_finds_the_sentences_that_say_a_word(corpus_run):
    with _connect(corpus_run) as db:
        found = {r[0] for r in db.execute(
            "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'safeguarding'")}
        every = {rowid for rowid, text in db.execute("SELECT rowid, text FROM sentences")
                 if re.search(r"\bsafeguarding\b", text, re.I)}
        assert found == every and len(found) > 5
        items = db.execute("SELECT count(*) FROM recommendations_fts WHERE recommendations_fts MATCH 'should'")
        assert items.fetchone()[0] == db.execute(
            "SELECT count(*) FROM recommendations WHERE text LIKE '%should%' OR lead_in LIKE '%should%'").fetchone()[0]


def test_same_tables_give_the_same_database_bytes(tmp_path, cambridgeshire):
    one, two = tmp_path / "one", tmp_path / "two"
    export.write([cambridgeshire], one)
    export.write([cambridgeshire], two)
    assert (one / publish.DATABASE).read_bytes() == (two / publish.DATABASE).read_bytes()


def test_datasette_serves_the_tables_and_a_search(corpus_run):
    datasette = pytest.importorskip("datasette.app", reason="datasette is in the test extra: pip install -e .[test]")
    metadata = json.loads((corpus_run / publish.DATASETTE_METADATA).read_text("utf-8"))
    site = datasette.Datasette([str(corpus_run / publish.DATABASE)], metadata=metadata)

    async def fetch():
        grades = await site.client.get("/peel/grades.json?_shape=array&_size=max")
        search = await site.client.get("/peel/sentences.json?_search=safeguarding&_shape=array&_size=max")
        page = await site.client.get("/peel/sentences")
        return grades, search, page

    grades, search, page = asyncio.run(fetch())
    assert grades.status_code == 200 and search.status_code == 200 and page.status_code == 200
    csv = pd.read_csv(corpus_run / "grades.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted((r["report_id"], r["key"]) for r in grades.json()) == sorted(zip(csv["report_id"], csv["key"]))
    hits = search.json()
    assert hits and all(re.search(r"\bsafeguarding\b", r["text"], re.I) for r in hits)
    assert registry.SENTENCES.description in page.text  # the metadata's description on the table's page
    assert "Open Government Licence v3.0" in page.text
