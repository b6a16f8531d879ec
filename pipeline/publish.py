"""Publish the tables the way the field's tools read them, all made from ``pipeline.tables``.

- ``datapackage.json``: a Frictionless Data Package describing every CSV file (Table
  Schema types, codes, primary and foreign keys, the licence and source);
- ``report.schema.json``: a JSON Schema of ``json/<report_id>.json``;
- ``peel.sqlite``: the tables with their keys, indexes and full-text search (SQLite
  FTS5) on sentences and items, and ``metadata.json`` for datasette
  (``datasette processed/peel.sqlite -m processed/metadata.json``);
- ``peel.xlsx``: one sheet per table, every text written as text.

The database and the workbook hold the exact source text (no formula guard: a
workbook's text cell never runs as a formula); the CSV files are guarded
(``export.csv_text``). Every file is the same bytes for the same tables: no timestamps,
rows in the tables' order.
"""
from __future__ import annotations

import json
import math
import sqlite3
from datetime import datetime
from pathlib import Path

import pandas as pd

from . import tables as registry

DATABASE = "peel.sqlite"
WORKBOOK = "peel.xlsx"
DATAPACKAGE = "datapackage.json"
JSON_SCHEMA = "report.schema.json"
DATASETTE_METADATA = "metadata.json"
#: What this module writes beside the CSV files.
FILES = (DATAPACKAGE, JSON_SCHEMA, DATABASE, DATASETTE_METADATA, WORKBOOK)

TITLE = "PEEL police inspection reports as data"
DESCRIPTION = ("The judgments, grades, causes of concern, recommendations, areas for improvement and "
               "labelled sentences of HMIC/HMICFRS PEEL inspection reports, each row traced to its source "
               "text by character offsets.")
LICENCE = {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
           "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}
SOURCE = {"title": "HMICFRS PEEL inspections (Crown copyright)",
          "path": "https://hmicfrs.justiceinspectorates.gov.uk/our-work/article/peel-assessments/"}

# -- Frictionless Data Package and JSON Schema ------------------------------------------


def _field(column: registry.Column) -> dict:
    field = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    constraints = {}
    if column.null is None:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: registry.Table) -> dict:
    schema = {"fields": [_field(c) for c in table.columns], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if any(fk.package for fk in table.foreign_keys):
        schema["foreignKeys"] = [{"fields": list(fk.fields),
                                  "reference": {"resource": fk.table, "fields": list(fk.reference)}}
                                 for fk in table.foreign_keys if fk.package]
    return schema


def datapackage(names: list[str]) -> dict:
    """The data package of the CSV files ``names`` (of the registry's tables)."""
    resources = []
    for table in registry.TABLES.values():
        if table.file not in names:
            continue
        resources.append({
            "name": table.name, "path": table.file, "title": table.title, "description": table.description,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig",  # with a byte-order mark, for spreadsheets
            "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True},
            "schema": table_schema(table),
        })
    return {"profile": "tabular-data-package", "name": "peel-reports", "title": TITLE, "description": DESCRIPTION,
            "licenses": [LICENCE], "sources": [SOURCE], "resources": resources}


_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
               "date": "string", "datetime": "string"}


def _row_schema(table: registry.Table, extra: dict | None = None) -> dict:
    properties = {}
    for column in table.columns:
        if column.name == "report_id" and table.name != "reports":
            continue  # the document is of one report
        kind = _JSON_TYPES[column.type]
        prop: dict = {"type": kind if column.null is None else [kind, "null"], "description": column.description}
        if column.type == "date":
            prop["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
        if column.enum:
            prop["enum"] = list(column.enum) + ([] if column.null is None else [None])
        properties[registry.JSON_NAMES.get((table.name, column.name), column.name)] = prop
    properties.update(extra or {})
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def json_schema() -> dict:
    """A JSON Schema (2020-12) of one report's document, ``json/<report_id>.json``."""
    items = ("areas_for_improvement", "causes_of_concern", "recommendations")
    arrays = {name: {"type": "array", "items": {"$ref": f"#/$defs/{name}"}} for name in items}
    defs = {name: _row_schema(registry.TABLES[name]) for name in ("grades", *items, "sentences")}
    defs["questions"] = _row_schema(registry.QUESTIONS, arrays)
    properties = {"report": _row_schema(registry.REPORTS),
                  "grades": {"type": "array", "items": {"$ref": "#/$defs/grades"}},
                  "questions": {"type": "array", "items": {"$ref": "#/$defs/questions"}},
                  **arrays,
                  "sentences": {"type": "array", "items": {"$ref": "#/$defs/sentences"}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "One PEEL report: json/<report_id>.json",
            "description": "The report's row, its grades, its questions each with the items under it, the items "
            "outside any question, and its sentences; column meanings as in datapackage.json.",
            "type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False, "$defs": defs}


# -- SQLite and datasette -------------------------------------------------------------------

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT",
              "datetime": "TEXT"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_statements(table: registry.Table) -> list[str]:
    """The table, its indexes and its full-text index, as SQL."""
    parts = []
    for column in table.columns:
        sql = f"{_q(column.name)} {_SQL_TYPES[column.type]}"
        if column.null is None:
            sql += " NOT NULL"
        if column.type == "boolean":
            sql += f" CHECK ({_q(column.name)} IN (0, 1))"
        elif column.enum:
            sql += f" CHECK ({_q(column.name)} IN ({', '.join(_literal(v) for v in column.enum)}))"
        parts.append(sql)
    if table.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(map(_q, table.primary_key))})")
    for fields in table.unique:
        parts.append(f"UNIQUE ({', '.join(map(_q, fields))})")
    for fk in table.foreign_keys:
        parts.append(f"FOREIGN KEY ({', '.join(map(_q, fk.fields))}) REFERENCES {_q(fk.table)} "
                     f"({', '.join(map(_q, fk.reference))})")
    statements = [f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"]
    indexed = {tuple(fk.fields) for fk in table.foreign_keys} - {tuple(table.primary_key)}
    for fields in sorted(indexed):
        statements.append(f"CREATE INDEX {_q('idx_' + table.name + '_' + '_'.join(fields))} "
                          f"ON {_q(table.name)} ({', '.join(map(_q, fields))})")
    if table.search:
        statements.append(f"CREATE VIRTUAL TABLE {_q(table.name + '_fts')} USING fts5("
                          f"{', '.join(map(_q, table.search))}, content={_q(table.name)})")
    return statements


def _value(value, column: registry.Column):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.type == "boolean":
        return int(bool(value))
    if column.type == "integer":
        return int(value)
    if column.type == "number":
        return float(value)
    return str(value)


def _columns(table: registry.Table) -> list[tuple[registry.Column, bool]]:
    """A table's columns, each with whether it holds text (whose strings go in as they are)."""
    return [(column, column.type not in ("boolean", "integer", "number")) for column in table.columns]


def _row(values, columns: list[tuple[registry.Column, bool]]) -> list:
    """A row's values by their columns' types (``_value``), text as it is: as the database holds them."""
    return [v if v is None or (text and type(v) is str) else _value(v, c) for v, (c, text) in zip(values, columns)]


class Database:
    """peel.sqlite written as rows come, report by report: every table made first, rows
    added in the tables' order, the full-text indexes filled and the file compacted on
    ``close`` (so its bytes do not depend on the order the tables' rows came in)."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = OFF")  # written once, in a staging folder
        self.connection.execute("BEGIN")
        self.inserts = {}
        for table in registry.data_tables():
            for statement in create_statements(table):
                self.connection.execute(statement)
            marks = ", ".join("?" for _ in table.columns)
            self.inserts[table.name] = (f"INSERT INTO {_q(table.name)} VALUES ({marks})", _columns(table))

    def add(self, table: str, rows) -> None:
        """Rows of ``table``: sequences of its columns' values (``export.records``)."""
        sql, columns = self.inserts[table]
        self.connection.executemany(sql, (_row(values, columns) for values in rows))

    def close(self) -> None:
        for table in registry.data_tables():
            if table.search:
                names = ", ".join(map(_q, table.search))
                self.connection.execute(f"INSERT INTO {_q(table.name + '_fts')} (rowid, {names}) "
                                        f"SELECT rowid, {names} FROM {_q(table.name)} ORDER BY rowid")
        self.connection.execute("COMMIT")
        self.connection.execute("VACUUM")  # the same layout whatever the order pages were filled in
        self.connection.close()

    def abandon(self) -> None:
        self.connection.close()


def datasette_metadata() -> dict:
    """datasette's metadata.json for peel.sqlite: titles, column descriptions, licence, source."""
    tables = {}
    for table in registry.data_tables():
        entry = {"title": table.title, "description": table.description,
                 "columns": {c.name: c.description for c in table.columns}}
        if table.search:
            entry["fts_table"] = f"{table.name}_fts"
        tables[table.name] = entry
    return {"title": TITLE, "description": DESCRIPTION, "license": LICENCE["title"], "license_url": LICENCE["path"],
            "source": SOURCE["title"], "source_url": SOURCE["path"],
            "databases": {Path(DATABASE).stem: {"tables": tables}}}


# -- The workbook ---------------------------------------------------------------------------

#: Fixed workbook properties: a workbook's creation time would otherwise change its bytes.
_CREATED = datetime(2000, 1, 1)


class Workbook:
    """peel.xlsx written as rows come, one sheet per table: header frozen, filters on,
    text as text (no formula can run). Each sheet's rows go to disk as they are
    written (``xlsx``), so memory does not grow with the rows."""

    def __init__(self, path: Path):
        from . import xlsx

        self.workbook = xlsx.Workbook(path, title=TITLE, author="peel-pipeline", comments=LICENCE["title"],
                                      created=_CREATED)
        self.sheets = {}
        for table in registry.data_tables():
            sheet = self.workbook.add_sheet(table.name, [column.name for column in table.columns])
            flags = [k for k, column in enumerate(table.columns) if column.type == "boolean"]
            self.sheets[table.name] = (sheet, _columns(table), flags)

    def add(self, table: str, rows) -> None:
        """Rows of ``table``: sequences of its columns' values (``export.records``)."""
        sheet, columns, flags = self.sheets[table]
        for values in rows:
            # Each cell by its column's type, so text is never read as a number or formula;
            # booleans as such (the database holds them as 0 and 1).
            cells = _row(values, columns)
            for k in flags:
                if cells[k] is not None:
                    cells[k] = bool(cells[k])
            sheet.add(cells)

    def close(self) -> None:
        self.workbook.close()


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_descriptions(folder: Path, csv_names: list[str]) -> None:
    """The data package, JSON Schema and datasette metadata into ``folder``; ``csv_names``
    are the CSV files written there."""
    folder = Path(folder)
    (folder / DATAPACKAGE).write_bytes(_json_bytes(datapackage(csv_names)))
    (folder / JSON_SCHEMA).write_bytes(_json_bytes(json_schema()))
    (folder / DATASETTE_METADATA).write_bytes(_json_bytes(datasette_metadata()))


# -- Reading back ---------------------------------------------------------------------------


def typed(table: registry.Table, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (text, or what SQLite gives) with the registry's types: booleans ``bool``
    (``boolean`` where a cell may be empty), integers ``Int64``, codes categories, dates
    datetimes, text ``string``."""
    out = {}
    for column in table.columns:
        values = pd.Series([None if v is None or v is pd.NA or v == "" or (isinstance(v, float) and math.isnan(v))
                            else v for v in frame[column.name].tolist()], dtype=object)
        if column.type == "boolean":
            flags = values.map(lambda v: None if v is None else v in (1, True, "true"))
            out[column.name] = flags.astype(bool) if flags.notna().all() else flags.astype("boolean")
        elif column.type == "integer":
            out[column.name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        elif column.type == "number":
            out[column.name] = values.astype(float)
        elif column.type == "date":
            out[column.name] = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif column.type == "datetime":
            out[column.name] = pd.to_datetime(values, utc=True, errors="coerce")
        elif column.enum:
            out[column.name] = pd.Categorical(values, categories=list(column.enum))
        else:
            out[column.name] = values.astype("string")
    return pd.DataFrame(out, index=range(len(frame)))


def read_tables(folder) -> dict[str, pd.DataFrame]:
    """Every table of an output folder, typed (see ``typed``), by name."""
    folder = Path(folder)
    database = folder / DATABASE
    frames = {}
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True) if database.is_file() else None
    try:
        for table in registry.TABLES.values():
            if connection is not None and table.data:
                raw = pd.read_sql_query(f"SELECT * FROM {_q(table.name)} ORDER BY rowid", connection)
            elif (folder / table.file).is_file():
                raw = pd.read_csv(folder / table.file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            else:
                continue
            frames[table.name] = typed(table, raw)
    finally:
        if connection is not None:
            connection.close()
    return frames
