"""Shared fixtures: the Cambridgeshire acceptance report and the annotated corpus."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.runner import process_file

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CAMBRIDGESHIRE = ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"


def pytest_addoption(parser):
    parser.addoption(
        "--corpus",
        default=os.environ.get("PEEL_CORPUS", str(ROOT.parent / "shared" / "corpus")),
        help="annotated corpus folder (texts/, gold/, gold_sentences/); default $PEEL_CORPUS or ../shared/corpus",
    )


@pytest.fixture(scope="session")
def corpus(pytestconfig) -> Path:
    path = Path(pytestconfig.getoption("--corpus"))
    if not (path / "texts").is_dir():
        pytest.skip(f"annotated corpus not found at {path} (set --corpus or $PEEL_CORPUS)")
    return path


@pytest.fixture(scope="session")
def cambridgeshire():
    """The Cambridgeshire report through ingest, structure and classify."""
    return process_file(CAMBRIDGESHIRE)


@pytest.fixture(scope="session")
def cambridgeshire_gold() -> dict:
    return json.loads((DATA / "cambridgeshire-peel-2015-effectiveness.gold.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def cambridgeshire_sentences() -> list[dict]:
    path = DATA / "cambridgeshire-peel-2015-effectiveness.sentences.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus_run(corpus, tmp_path_factory) -> Path:
    """The pipeline run over every corpus text, as `peel-pipeline run` writes it."""
    from pipeline import runner

    out = tmp_path_factory.mktemp("corpus-run") / "processed"
    result = runner.run([corpus / "texts"], out)
    assert result.report_count > 200, result.errors
    return out
