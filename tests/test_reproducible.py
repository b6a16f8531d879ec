"""Retraining gives the shipped classifier on any x86-64 CPU, whichever BLAS kernel runs.

Each retraining runs in a subprocess, since OpenBLAS reads ``OPENBLAS_CORETYPE`` (and
numpy ``NPY_DISABLE_CPU_FEATURES``) only when numpy is first imported. The retrainings
run side by side, about 10-20 s each.
"""
from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a retrained model may differ from the shipped one by, in any probability.
PROBABILITY_TOLERANCE = 1e-6
# numpy's SIMD code of an x86-64-v2 CPU (no AVX2): its float32 exp (the classifier's
# softmax) differs from the AVX2 one in the last bit, so the weights differ by ~1e-7.
WITHOUT_AVX2 = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"}

# name: (OpenBLAS kernel, the /proc/cpuinfo flag it needs, extra environment).
# Nehalem needs only SSE4.2, which numpy itself needs; the shipped model was trained
# with Haswell (AVX2); SkylakeX is the AVX-512 kernel that once trained other bytes.
RETRAININGS = {
    "Nehalem": ("Nehalem", "sse4_2", {}),
    "SkylakeX": ("SkylakeX", "avx512f", {}),
    "Nehalem-without-AVX2": ("Nehalem", "sse4_2", WITHOUT_AVX2),
}

CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_reproducible import blas_core, figures
from pipeline import training
work, corpus = Path(sys.argv[1]), Path(sys.argv[2]) if sys.argv[2] else None
model = training.train(work=work / "build", model_dir=work / "textcat")
result = {{"core": blas_core(), **figures(model, corpus)}}
(work / "figures.json").write_text(json.dumps(result), "utf-8")
"""


def blas_core() -> str | None:
    """The kernel numpy's OpenBLAS runs, or None if numpy's BLAS does not say."""
    import numpy  # noqa: F401  (loads its BLAS)

    try:
        libraries = [line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()]
    except OSError:
        return None
    for path in dict.fromkeys(libraries):
        library = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            corename = getattr(library, symbol, None)
            if corename is not None:
                corename.restype = ctypes.c_char_p
                return corename().decode()
    return None


def figures(model: Path, corpus: Path | None) -> dict:
    """What the classifier at ``model`` decides: its probabilities for every annotated
    sentence, and the held-out evaluation's counts with it in the pipeline."""
    from pipeline import classify
    from pipeline.evaluate import heldout_sentence_scores
    from pipeline.training import annotated_files

    # What the classifier reads: each annotated sentence with its context pseudo-tokens.
    texts = [text for annotated in annotated_files() for text, _ in annotated.examples()]
    cats = [doc.cats for doc in classify.load_classifier(model).pipe(texts)]
    shipped = model.resolve() == classify.MODEL_DIR.resolve()
    if not shipped:  # the evaluation loads the shipped model: give it this one
        load = classify.load_classifier
        classify.load_classifier = lambda path=None: load(model)
        classify.build_nlp.cache_clear()
    try:
        systems, skipped, scored = heldout_sentence_scores(corpus, ROOT / "raw")
    finally:
        if not shipped:
            classify.load_classifier = load
            classify.build_nlp.cache_clear()
    heldout = {mode: {label: dict(counts) for label, counts in scores.labels.items()} for mode, scores in systems.items()}
    return {"texts": texts, "cats": cats, "heldout": heldout, "skipped": skipped, "scored": scored}


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    return {flag for line in text.splitlines() if line.startswith("flags") for flag in line.split(":", 1)[1].split()}


@pytest.fixture(scope="module")
def corpus_or_none(pytestconfig) -> Path | None:
    path = Path(pytestconfig.getoption("--corpus"))
    if not (path / "texts").is_dir():
        # Training reads each annotated sentence in its report, and most are corpus texts.
        pytest.skip(f"annotated corpus not found at {path}: training needs its texts")
    return path


@pytest.fixture(scope="module")
def shipped(corpus_or_none):
    from pipeline.classify import MODEL_DIR

    return figures(MODEL_DIR, corpus_or_none)


@pytest.fixture(scope="module")
def retrained(tmp_path_factory, corpus_or_none) -> dict:
    """name -> (the retraining's figures and the BLAS kernel it ran, its model folder),
    or the reason it could not run on this CPU."""
    flags = cpu_flags()
    running, out = {}, {}
    for name, (kernel, flag, extra) in RETRAININGS.items():
        if flag not in flags:
            out[name] = f"this CPU lacks {flag}, which OpenBLAS's {kernel} kernel needs"
            continue
        work = tmp_path_factory.mktemp(name)
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "PEEL_CORPUS": str(corpus_or_none), **extra}
        if not extra:
            env.pop("NPY_DISABLE_CPU_FEATURES", None)
        child = CHILD.format(tests=str(Path(__file__).parent))
        process = subprocess.Popen(
            [sys.executable, "-c", child, str(work), str(corpus_or_none or "")],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        running[name] = (process, work)
    for name, (process, work) in running.items():
        log, _ = process.communicate(timeout=900)
        assert process.returncode == 0, f"retraining under {name} failed:\n{log[-3000:]}"
        out[name] = (json.loads((work / "figures.json").read_text("utf-8")), work / "textcat")
    return out


def _retraining(retrained: dict, name: str) -> tuple[dict, Path]:
    if isinstance(retrained[name], str):
        pytest.skip(retrained[name])
    return retrained[name]


@pytest.mark.parametrize("name", RETRAININGS)
def test_retraining_ran_the_kernel_asked_for(retrained, name):
    result, _ = _retraining(retrained, name)
    if result["core"] is None:
        pytest.skip("numpy's BLAS is not an OpenBLAS that names its kernel")
    assert result["core"].lower() == RETRAININGS[name][0].lower()


@pytest.mark.parametrize("name", RETRAININGS)
def test_retrained_model_gives_the_shipped_labels_and_probabilities(retrained, shipped, name):
    result, _ = _retraining(retrained, name)
    assert result["texts"] == shipped["texts"] and len(result["cats"]) == len(shipped["cats"]) > 1000
    worst = 0.0
    for text, ours, theirs in zip(shipped["texts"], result["cats"], shipped["cats"]):
        assert ours.keys() == theirs.keys()
        assert max(ours, key=ours.get) == max(theirs, key=theirs.get), text
        worst = max(worst, *(abs(ours[label] - theirs[label]) for label in theirs))
    assert worst <= PROBABILITY_TOLERANCE, f"{name}: a probability differs by {worst:.2e}"


@pytest.mark.parametrize("name", RETRAININGS)
def test_retrained_model_gives_the_shipped_heldout_figures(retrained, shipped, name):
    result, _ = _retraining(retrained, name)
    assert shipped["scored"] > 0 and shipped["heldout"]["combined"]
    assert (result["heldout"], result["skipped"], result["scored"]) == (
        shipped["heldout"], shipped["skipped"], shipped["scored"])


@pytest.mark.parametrize("name", [name for name, (_, _, extra) in RETRAININGS.items() if not extra])
def test_retraining_gives_the_shipped_bytes_with_any_blas_kernel(retrained, name):
    """`make train` gives the shipped classifier byte for byte, on a CPU with AVX2 (as
    the one that trained it), whichever OpenBLAS kernel runs."""
    from pipeline.classify import MODEL_DIR

    if not {"avx2", "fma"} <= cpu_flags():
        pytest.skip("without AVX2 numpy's exp differs in the last bit; the tolerance tests apply")
    _, model = _retraining(retrained, name)
    files = sorted(p.relative_to(MODEL_DIR) for p in MODEL_DIR.rglob("*") if p.is_file())
    assert sorted(p.relative_to(model) for p in model.rglob("*") if p.is_file()) == files
    for rel in files:
        assert (model / rel).read_bytes() == (MODEL_DIR / rel).read_bytes(), rel
