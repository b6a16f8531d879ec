"""PEEL inspection reports to data: ingest -> structure -> classify -> export.

``load`` reads an output folder back as typed tables::

    from pipeline import load
    tables = load("processed")
    tables["grades"].groupby("grade", observed=True).size()
"""

__version__ = "0.1.0"


def load(folder="processed") -> dict:
    """The tables of an output folder as typed pandas DataFrames, by table name.

    Booleans are ``bool``, integers ``Int64`` (empty is ``<NA>``), codes (grades, labels,
    scopes, page types, sections) categories, dates datetimes, text ``string``. The
    reports' tables are read from ``peel.sqlite``, which holds the exact source text;
    the run's logs (``changes``, ``unmatched_corrections``) from their CSV files.
    """
    from .publish import read_tables  # pandas only when asked: a run with nothing to do stays light

    return read_tables(folder)
