"""Corpus-scale speed and memory (printed, never asserted): part of `make bench`.

Generates N distinct reports from the corpus excerpts ($PEEL_CORPUS or
../shared/corpus, else the Cambridgeshire report): report k is excerpt k mod 235
with its force's names swapped for another force's, its prose lines shuffled and
about 4% of the words of its prose mutated (a letter changed), so the vocabulary
grows with N; all of it from ``--seed``, so the same seed gives the same files.

For each size it times, each as a fresh process with an empty cache:
``python -m pipeline run`` with each number of ``--workers``; the bare
``spacy.blank("en")`` tokenizer over the same file texts; and blank + spaCy's
``sentencizer`` (those two with ``nlp.pipe(n_process=...)`` as the "workers").
It prints wall time, CPU time (the process and every process it waited for), peak
memory (each process's own peak, VmHWM polled from /proc every 50 ms: the largest,
and the sum over the run's processes), and the steady-state
rate: the words added from the smallest to the largest size over the CPU (and wall)
time they added, so start-up is excluded. A run that fails, or writes other than
one report per file, stops the benchmark with its stderr.

The machine's speed drifts, most of all with every core busy, so each pipeline run is
made ``--rounds`` times, the numbers of workers in turn, and the fastest kept; and
in each round the machine's own gain from a second process is measured on plain
Python work (one process doing two shares of a loop, then two processes doing one
each): what 2 workers can at most gain here, beside what they do gain.

    .venv/bin/python bench/scale.py [--sizes 1000,10000] [--workers 1,2] [--seed 14] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memory import peak_kb  # (this folder is first on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MUTATED = 0.04  # share of prose words given a changed letter
PROSE_WORDS = 12  # a line of at least this many words, not a list item, question or lead-in, is prose
TOOLS = ("pipeline", "tokenizer", "sentencizer")


# Generating reports ------------------------------------------------------------------

def _force_of(name: str, forces) -> tuple[str, str] | None:
    """The force a corpus file is about, from its name ("avon-and-somerset_2015_...")."""
    stem = name.split("_", 1)[0].replace("-", " ").lower()
    return next((f for f in forces if f[0].lower().replace("-", " ") == stem), None)


def _mutate(word: str, rng: random.Random) -> str:
    """``word`` with one inner letter changed (the case kept): a word no report had."""
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz".replace(word[i].lower(), ""))
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1:]


def generate(sources: list[Path], count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (file name, text) pairs made from ``sources`` as the module says."""
    from pipeline.vocabulary import FORCES

    texts = [(p.name, p.read_text("utf-8")) for p in sources]
    out, made = [], set()
    for k in range(count):
        for attempt in range(1000):  # an excerpt with little prose may come out as one made before
            name, text = _variant(*texts[k % len(texts)], random.Random(f"{seed}-{k}-{attempt}"), FORCES,
                                  every=attempt >= 10)
            if text not in made:
                break
        else:
            sys.exit(f"bench: cannot make {count} distinct reports from {len(texts)} texts")
        made.add(text)
        out.append((f"{k:05d}-{name}", text))
    return out


def _variant(name: str, text: str, rng: random.Random, forces, every: bool) -> tuple[str, str]:
    """One report made from the excerpt ``text``; ``every``: mutate words beyond the prose."""
    own = _force_of(name, forces)
    other = rng.choice([f for f in forces if f != own])
    if own is not None:
        # The full name first ("Kent Police"), then the short one where it stands alone.
        text = re.sub(rf"\b{re.escape(own[1])}\b", other[1], text)
        text = re.sub(rf"\b{re.escape(own[0])}\b", other[0], text)
    lines = text.split("\n")
    prose = [i for i, line in enumerate(lines)
             if len(line.split()) >= PROSE_WORDS and not line.lstrip().startswith(("•", "-", "*"))
             and not line.rstrip().endswith(("?", ":"))]  # questions and lead-ins stay where they are
    shuffled = [lines[i] for i in prose]
    rng.shuffle(shuffled)
    for i, line in zip(prose, shuffled):
        lines[i] = line
    # Words of any line of five or more (not grade lines), where prose alone gave nothing new.
    for i in [i for i, line in enumerate(lines) if len(line.split()) >= 5] if every else prose:
        lines[i] = re.sub(r"[a-z]{4,}" if every else r"[A-Za-z]{4,}",
                          lambda m: _mutate(m.group(), rng) if rng.random() < MUTATED else m.group(), lines[i])
    return f"{other[0].lower().replace(' ', '-')}-{name}", "\n".join(lines)


def write_reports(folder: Path, count: int, seed: int) -> tuple[int, int]:
    """Write ``count`` generated reports into ``folder``; (words, distinct tokens) in them."""
    corpus = Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus")) / "texts"
    sources = sorted(corpus.glob("*.txt")) or [ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"]
    folder.mkdir(parents=True)
    words, vocabulary = 0, set()
    for name, text in generate(sources, count, seed):
        (folder / name).write_text(text, encoding="utf-8")
        tokens = text.split()
        words += len(tokens)
        vocabulary.update(tokens)
    return words, len(vocabulary)


# Measuring processes -----------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def measure(command: list[str], cwd: Path) -> dict:
    """Run ``command`` to its end: wall and CPU seconds, largest and summed peak MB, stderr.

    Stops the benchmark if the command fails.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
        peaks: dict[int, int] = {}
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree, todo = _children(), [process.pid]
            while todo:
                current = todo.pop()
                peak = peak_kb(current)
                if peak is not None:
                    peaks[current] = max(peak, peaks.get(current, 0))
                todo += tree.get(current, [])
            time.sleep(0.05)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed with exit status {process.returncode}; nothing timed:\n"
                 f"{stderr.strip()[-3000:]}")
    # Each process's own peak (VmHWM), polled; wait4's ru_maxrss would also count the
    # peak of this benchmark's process, which Linux carries over the exec.
    largest = max(peaks.values(), default=usage.ru_maxrss) / 1024
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "largest": largest,
            "sum": max(sum(peaks.values()) / 1024, largest), "stderr": stderr}


#: One share of the plain-Python work the machine's gain from a second process is measured
#: on: about 2 seconds of one core here.
SPIN = 40_000_000


def spin(shares: int) -> None:
    """Child process: ``shares`` shares of a loop of plain Python (no memory to speak of)."""
    total = 0
    for _ in range(shares):
        for i in range(SPIN):
            total += i & 7
    if total != shares * (SPIN // 8) * 28:
        sys.exit(f"spin: wrong total {total}")


def ceiling(processes: int, rounds: int) -> list[float]:
    """How many times as fast ``processes`` processes do ``processes`` shares of plain
    Python work as one process does them (wall time), once per round."""
    command = [sys.executable, __file__, "--spin"]
    gains = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command + [str(processes)], check=True)
        alone = time.perf_counter() - start
        start = time.perf_counter()
        children = [subprocess.Popen(command + ["1"]) for _ in range(processes)]
        if any(child.wait() for child in children):
            sys.exit("bench: the plain-Python work failed")
        gains.append(alone / (time.perf_counter() - start))
    return gains


def tokenize(kind: str, folder: str, processes: int) -> None:
    """Child process: the bare tokenizer (or blank + sentencizer) over every file's text."""
    import spacy

    nlp = spacy.blank("en")
    if kind == "sentencizer":
        nlp.add_pipe("sentencizer")
    texts = (path.read_text("utf-8") for path in sorted(Path(folder).iterdir()))
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256, n_process=processes))
    if not tokens:
        sys.exit(f"{folder}: no tokens")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of reports, comma-separated")
    parser.add_argument("--workers", default="1,2", help="numbers of worker processes, comma-separated")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each pipeline figure, the fastest kept")
    parser.add_argument("--tokenize", nargs=3, metavar=("KIND", "FOLDER", "PROCESSES"), help=argparse.SUPPRESS)
    parser.add_argument("--spin", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tokenize:
        kind, folder, processes = args.tokenize
        tokenize(kind, folder, int(processes))
        return
    if args.spin:
        spin(args.spin)
        return
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    sizes = sorted(int(n) for n in args.sizes.split(","))
    workers = [int(n) for n in args.workers.split(",")]
    help_text = subprocess.run([sys.executable, "-m", "pipeline", "run", "--help"], cwd=ROOT, capture_output=True,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    if "--workers" not in help_text:  # a pipeline from before --workers: one process only
        workers = [1]
    figures: dict[tuple[str, int, int], dict] = {}
    walls: dict[tuple[int, int], list[float]] = {}  # each round's pipeline wall time
    words: dict[int, int] = {}
    gains: list[float] = []  # the machine's own, plain Python in most workers' processes vs one
    with tempfile.TemporaryDirectory(prefix="peel-scale-") as scratch:
        corrections = Path(scratch) / "corrections.csv"
        corrections.write_text("report_id,table,key,field,value,reviewer,reason\n", encoding="utf-8")
        for size in sizes:
            raw = Path(scratch) / f"raw-{size}"
            words[size], distinct = write_reports(raw, size, args.seed)
            print(f"{size:,} reports: {words[size]:,} words, {distinct:,} distinct tokens", flush=True)
        for round_ in range(args.rounds):
            if len(workers) > 1:
                gains += ceiling(max(workers), 3)
            for size in sizes:
                raw = Path(scratch) / f"raw-{size}"
                for n in workers:
                    out = Path(scratch) / f"out-{size}-{n}-{round_}"  # a new folder: its cache is empty
                    command = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out),
                               "--corrections", str(corrections)] + \
                        (["--workers", str(n)] if "--workers" in help_text else [])
                    got = measure(command, ROOT)
                    if f"wrote {size} reports" not in got["stderr"] or "error:" in got["stderr"]:
                        sys.exit(f"bench: {' '.join(command)} did not write one report per file:\n"
                                 f"{got['stderr'].strip()[-3000:]}")
                    shutil.rmtree(out)
                    shutil.rmtree(out.parent / f".{out.name}-cache", ignore_errors=True)
                    walls.setdefault((size, n), []).append(got["wall"])
                    if ("pipeline", size, n) not in figures or got["wall"] < figures["pipeline", size, n]["wall"]:
                        figures["pipeline", size, n] = got
                    if round_ == 0:
                        for kind in TOOLS[1:]:
                            figures[kind, size, n] = measure(
                                [sys.executable, __file__, "--tokenize", kind, str(raw), str(n)], ROOT)
            print(f"round {round_ + 1} of {args.rounds} done", flush=True)
    print()
    print(f"each a fresh process (pipeline: empty cache, the fastest of {args.rounds} "
          f"round{'s' if args.rounds > 1 else ''}); seed {args.seed}; {os.cpu_count()} cores")
    print(f"{'':12} {'reports':>7} {'workers':>7} {'wall s':>8} {'CPU s':>8} {'words/wall-s':>13} "
          f"{'largest MB':>10} {'sum MB':>8}")
    for kind in TOOLS:
        for n in workers:
            for size in sizes:
                f = figures[kind, size, n]
                print(f"{kind:12} {size:>7,} {n:>7} {f['wall']:>8.1f} {f['cpu']:>8.1f} "
                      f"{words[size] / f['wall']:>13,.0f} {f['largest']:>10,.0f} {f['sum']:>8,.0f}")
    low, high = sizes[0], sizes[-1]
    if low != high:
        added = words[high] - words[low]
        print()
        print(f"steady state, the {added:,} words from {low:,} to {high:,} reports (start-up excluded):")
        base = {}
        for kind in TOOLS:
            for n in workers:
                cpu = figures[kind, high, n]["cpu"] - figures[kind, low, n]["cpu"]
                wall = figures[kind, high, n]["wall"] - figures[kind, low, n]["wall"]
                base.setdefault((kind, n), cpu)
                ratio = "" if kind == "pipeline" else \
                    f"   pipeline's CPU cost {base['pipeline', n] / cpu:.1f}x this" if cpu > 0 else ""
                print(f"{kind:12} {n} worker{'s' if n > 1 else ' '}  {added / cpu if cpu > 0 else 0:>11,.0f} words per "
                      f"CPU-second  {added / wall if wall > 0 else 0:>11,.0f} words per wall-second{ratio}")
        if len(workers) > 1:
            one, most = workers[0], workers[-1]
            for size in sizes:
                speedup = figures["pipeline", size, one]["wall"] / figures["pipeline", size, most]["wall"]
                each = ", ".join(f"{a / b:.2f}" for a, b in zip(walls[size, one], walls[size, most]))
                print(f"pipeline at {size:,} reports: {most} workers {speedup:.2f}x as fast as {one} "
                      f"(wall, the fastest runs; round by round {each})")
            print(f"this machine: {max(workers)} processes {statistics.median(gains):.2f}x as fast as 1 "
                  f"at plain Python work (median of {len(gains)} rounds, "
                  f"{min(gains):.2f}-{max(gains):.2f}): the most {max(workers)} workers can gain here")
        for n in workers:
            grow = figures["pipeline", high, n]["largest"] / figures["pipeline", low, n]["largest"]
            print(f"pipeline peak memory, {n} worker{'s' if n > 1 else ''}: {high:,} reports {grow:.2f}x "
                  f"{low:,} (largest process)")


if __name__ == "__main__":
    main()
