"""Command line: a thin click layer over ``pipeline.runner`` and ``pipeline.evaluate``."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="peel-pipeline")
def main() -> None:
    """Turn HMIC / HMICFRS PEEL inspection reports into CSV and JSON tables."""


def _plural(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"


class _Progress:
    """"12/1000 reports: raw/essex.txt" on one rewritten stderr line, only when stderr is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int, path: Path) -> None:
        if self.enabled and total > 1:
            # One character short of the terminal's width, so the line never wraps.
            try:
                self.width = os.get_terminal_size(sys.stderr.fileno()).columns - 1 or 79
            except OSError:
                self.width = shutil.get_terminal_size((80, 24)).columns - 1
            line = _one_line(f"{done}/{total} reports: {path}")
            click.echo("\r" + line[:self.width].ljust(self.width), nl=False, err=True)
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)
            self.shown = False


def _one_line(message: str) -> str:
    """A message as one line: line ends and other control characters in it (a file name's) escaped."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in message)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("processed"),
    show_default=True,
    help="Folder to write the tables and json/ into: new, empty, or written by this pipeline before "
         "(it is replaced as a whole; a folder holding other files is refused). A symbolic link is "
         "written through to its target.",
)
@click.option(
    "--max-pages", type=click.IntRange(min=1), default=1000, show_default=True,
    help="Refuse PDFs with more pages than this.",
)
@click.option(
    "--corrections", type=click.Path(dir_okay=False, path_type=Path), default=Path("corrections.csv"),
    show_default=True, help="Reviewers' corrections to apply (see README). The default file is optional; a file named here must exist.",
)
@click.option("--wait", is_flag=True, help="If another run is writing OUT, wait for it instead of stopping.")
@click.option("--quiet", "-q", is_flag=True, help="Say nothing but errors and warnings (no progress, no summary).")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Process reports (PDFs too) in this many processes at once; the outputs are the same bytes "
                   "whatever the number.  [default: the machine's cores, one for each megabyte or so of "
                   "input to process]")
def run(paths: tuple[Path, ...], out: Path, max_pages: int, corrections: Path, wait: bool, quiet: bool,
        workers: int | None) -> None:
    """Process report files into tables.

    PATHS are report files (.txt web-page text, .html/.htm saved web pages, or .pdf)
    or folders of them; the default is raw/. Only reports whose text changed are processed again; what
    changed is added to OUT/changes.csv. Reports that OUT holds from files not among
    PATHS are kept as they were: a report is removed only when its file has left a
    folder this run reads. Each file that cannot be processed is named on stderr with
    the reason, and the others are still written (a file that was processed before
    keeps its last results). Exit status: 0 when every input was processed, 1 when
    any failed, 2 for usage errors.

    With the tables, OUT/review/index.html and a page per report show the results for
    review in a browser (from file://, no server); a run over more than one force also
    draws OUT/grades_heatmap.png and .svg.
    """
    from .model import PipelineError
    from .runner import run as run_pipeline

    source = click.get_current_context().get_parameter_source("corrections")
    if source is not click.core.ParameterSource.DEFAULT and not corrections.is_file():
        what = "not a regular file" if corrections.exists() else "no such file"
        raise click.BadParameter(f"{corrections}: {what}", param_hint="--corrections")

    progress = _Progress(not quiet)
    try:
        result = run_pipeline(list(paths) or [Path("raw")], out, max_pages, corrections, wait=wait,
                              progress=progress, workers=workers)
    except PipelineError as exc:
        raise click.ClickException(_one_line(str(exc))) from None
    except OSError as exc:  # the file system said no where no check foresaw it: one line, not a traceback
        raise click.ClickException(_one_line(f"{exc.filename or out}: {exc.strerror or exc}")) from None
    finally:
        progress.clear()
    for error in result.errors:
        click.echo(f"error: {_one_line(error)}", err=True)
    for warning in result.problems + result.warnings:
        click.echo(f"warning: {_one_line(warning)}", err=True)
    for name in result.unmatched:
        click.echo(f"warning: {name} matches nothing; it is listed in {out}/unmatched_corrections.csv", err=True)
    if not quiet:
        for note in result.skipped:
            click.echo(f"note: {_one_line(note)}", err=True)
    if quiet:
        pass
    elif result.unchanged:
        click.echo(f"no changes: {_plural(result.report_count, 'report')} in {out}/ "
                   f"{'is' if result.report_count == 1 else 'are'} up to date", err=True)
    elif result.reports:
        details = []
        if result.reused:
            details.append(f"{result.reused} unchanged since the last run, read from the cache")
        if result.kept:
            details.append(f"{result.kept} kept from the last run")
        extra = f" ({'; '.join(details)})" if details else ""
        click.echo(f"wrote {_plural(len(result.reports), 'report')} to {out}/{extra}", err=True)
        if result.changes:
            from .review import summary

            click.echo(f"changes: {summary(result.changes)} (see {out}/changes.csv)", err=True)
    elif result.report_count:
        click.echo(f"nothing written to {out}/: no report could be processed; the "
                   f"{_plural(result.report_count, 'report')} there {'is' if result.report_count == 1 else 'are'} "
                   "kept as they were", err=True)
    else:
        click.echo(f"nothing written to {out}/: no report could be processed", err=True)
    sys.exit(1 if result.errors or not (result.reports or result.unchanged) else 0)


@main.command("fetch")
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--into", type=click.Path(file_okay=False, path_type=Path), default=Path("raw"), show_default=True,
    help="Folder to save the files in (made if missing); where each came from is kept in its sources.csv.",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for a server to connect or answer.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Tries again this many times after a connection error, a timeout, HTTP 429 or 5xx "
                   "(never after another HTTP error).")
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds before the first retry; each next waits twice as long, or as long as the "
                   "server's Retry-After asks.")
@click.option("--max-wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="The longest wait before a retry, Retry-After included.")
def fetch_command(urls: tuple[str, ...], into: Path, timeout: float, retries: int, backoff: float,
                  max_wait: float) -> None:
    """Download report pages and PDFs from the web into INTO (raw/).

    URLS are http or https addresses, fetched one at a time. Each is saved under a
    name made from the URL's last segments, back to the one naming the year
    (.../peel-2015/kent/legitimacy/ gives peel-2015-kent-legitimacy.html), suffixed
    by what came back: .html for a web page, .pdf for a PDF, .txt for plain text;
    anything else is refused. Fetching a URL again replaces its file (how an updated
    report is picked up), unless it was edited since; a file of the same name that
    was not fetched from that URL is never overwritten: the new file takes the name
    with a digest of the URL added. INTO/sources.csv records each
    file's URL, final URL after redirects, retrieval time (UTC), HTTP status, content
    type and SHA-256; `peel-pipeline run` shows the URL and time in reports.csv while
    the file's bytes are still those fetched. Each URL that fails is named on stderr
    with the reason and the others are still fetched. Exit status: 0 when every URL
    was saved, 1 when any failed, 2 for usage errors.
    """
    from .fetch import ManifestError, Settings, fetch

    settings = Settings(timeout=timeout, retries=retries, backoff=backoff, max_wait=max_wait)
    failed = False
    try:
        for result in fetch(list(urls), into, settings):
            if result.error:
                failed = True
                click.echo(f"error: {_one_line(result.error)}", err=True)
            else:
                what = "replaced" if result.replaced else "saved"
                click.echo(_one_line(f"{what} {result.path} ({result.source.content_type or 'no content type'}, "
                                     f"{result.size:,} bytes) from {result.url}"))
    except ManifestError as exc:
        raise click.ClickException(_one_line(f"--into {exc}")) from None
    sys.exit(1 if failed else 0)


@main.command("text")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--pages", is_flag=True, help="Mark where each PDF page begins, on a line of its own: [page 3].")
@click.option("--max-pages", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Refuse PDFs with more pages than this.")
def text_command(file: Path, pages: bool, max_pages: int) -> None:
    """Print the text the pipeline reads from FILE, PEEL report or not.

    FILE is anything the readers read: a PDF, a saved web page (.html, .htm) or
    web-page text (.txt). The text is what sentences, grades and items are found in
    and what their offsets index: a PDF's paragraphs, headings, list items and table
    rows rebuilt one to a line, blank lines between, without running headers and
    footers, page numbers, contents pages and footnotes. With --pages, each PDF page's
    start is marked on a line of its own (a paragraph running across a page break is
    split there for the mark only). A file that cannot be read gives a one-line error
    and exit status 1.
    """
    from .ingest import read
    from .model import PipelineError

    warnings: list[str] = []
    try:
        source = read(file, max_pages, warnings)
    except PipelineError as exc:
        raise click.ClickException(_one_line(str(exc))) from None
    for warning in warnings:
        click.echo(f"warning: {_one_line(warning)}", err=True)
    text = source.text
    if pages and source.page_starts:
        out, at = [], 0
        for start, number in source.page_starts:
            out.append(text[at:start])
            if out[-1] and not out[-1].endswith("\n"):
                out.append("\n")
            out.append(f"[page {number}]\n")
            at = start
        out.append(text[at:])
        text = "".join(out)
    click.echo(text, nl=not text.endswith("\n"))


def _default_corpus() -> Path:
    return Path(os.environ.get("PEEL_CORPUS", "../shared/corpus"))


@main.command()
@click.option(
    "--gold", "gold_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("tests/data"),
    show_default=True, help="Folder of NAME.gold.json (and NAME.sentences.jsonl) files.",
)
@click.option(
    "--raw", type=click.Path(file_okay=False, path_type=Path), default=Path("raw"),
    show_default=True, help="Folder holding NAME.txt for each gold file.",
)
@click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Annotated corpus (texts/, gold/, gold_sentences/). Default: $PEEL_CORPUS or ../shared/corpus; skipped if absent.",
)
@click.option(
    "--folds", type=click.IntRange(min=0), default=0, show_default=True,
    help="Also score the corpus leave-forces-out in this many folds of forces, retraining the "
         "classifier without each fold (about 25 s a fold; `make evaluate` uses 5). 0: not done.",
)
@click.option("--errors", is_flag=True, help="Also list every mismatch with gold.")
def evaluate(gold_dir: Path, raw: Path, corpus: Path | None, folds: int, errors: bool) -> None:
    """Score extraction and sentence labels against annotated gold data.

    Prints per-field accuracy, item precision/recall and per-label precision, recall
    and F1, first for the acceptance reports (gold in tests/data, text in raw/),
    then for the corpus, whole and split into the forces the rules were written on
    and the forces added later (pages the pipeline was not written against); then
    the classifier on its held-out forces and, with --folds, leave-forces-out figures.
    """
    from . import evaluate as scoring
    from .model import PipelineError

    try:
        runs = [("Acceptance reports (" + str(gold_dir) + ")", scoring.acceptance_pairs(gold_dir, raw))]
    except PipelineError as exc:  # a missing --gold or --raw folder
        raise click.ClickException(str(exc)) from None
    corpus_dir = corpus or _default_corpus()
    has_corpus = (corpus_dir / "texts").is_dir()
    if has_corpus:
        runs.append(("Corpus (" + str(corpus_dir) + ")", scoring.corpus_pairs(corpus_dir)))
    elif corpus is not None:
        raise click.UsageError(f"{corpus}: no texts/ folder; not an annotated corpus")
    else:
        click.echo(f"corpus not found at {corpus_dir}; scoring the acceptance reports only", err=True)
    anything = False
    for number, (title, pairs) in enumerate(runs):
        parts = scoring.split_by_added(pairs) if number else [pairs]
        scored = [scoring.evaluate_pairs(part) for part in parts]
        scores = scoring.combine([s for s, _ in scored])
        anything |= scores.scored
        click.echo(scoring.format_scores(f"== {title}: {_plural(len(pairs), 'text')}", scores))
        for _, failures in scored:
            for failure in failures:
                click.echo(f"  error: {failure}")
        if errors:
            click.echo("\n".join(f"  {line}" for line in scores.failures))
        click.echo()
        if number and parts[1]:
            (original, _), (added, _) = scored
            click.echo(scoring.format_columns(
                f"== Corpus by forces: the {len({scoring.force_of_text(p[0]) for p in parts[0]})} the rules were "
                f"written on ({len(parts[0])} texts) and the {len(scoring.ADDED_FORCES)} added later "
                f"({len(parts[1])} texts, pages the pipeline was not written against)",
                {"whole": scoring.headline(scores), "original": scoring.headline(original),
                 "added": scoring.headline(added)}))
            click.echo()

    from .training import split

    test_forces = ", ".join(split()["test"])
    systems, skipped, scored = scoring.heldout_sentence_scores(corpus_dir if has_corpus else None, raw)
    click.echo(f"== Sentence labels on held-out forces ({test_forces}; never trained on): {_plural(scored, 'text')}")
    if skipped:
        click.echo(f"  ({len(skipped)} annotated texts skipped: their source text is not here or was edited)")
    click.echo(scoring.format_systems(systems))
    if folds and has_corpus:
        click.echo()
        results = scoring.leave_forces_out(corpus_dir, folds, log=lambda line: click.echo(line, err=True))
        click.echo(scoring.format_folds(results, errors))
    elif folds:
        click.echo("no corpus: no leave-forces-out figures", err=True)
    if not (anything or scored):
        raise click.ClickException("nothing was scored: no gold annotation matched a text that could be read")


def honour_no_color() -> None:
    """NO_COLOR (no-color.org) set: tell spaCy's printer (wasabi), which reads its own variable."""
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("ANSI_COLORS_DISABLED", "1")


@main.command()
def train() -> None:
    """Retrain the sentence classifier shipped in pipeline/model/textcat.

    Builds the training and dev corpora from the annotated sentences (tests/data,
    train/gold_sentences, train/annotated; forces split by train/split.json), each
    sentence read in its context as the pipeline reads it (so the corpus texts must
    be at $PEEL_CORPUS or ../shared/corpus), plus the sentence label corrections of
    corrections.csv (reports in raw/; never those of the test forces). Trains with
    train/config.cfg (fixed seed, so the same data gives the same model) and installs
    the best model into the package. Run `make evaluate` afterwards.
    """
    honour_no_color()
    from .training import train as train_model

    path = train_model()
    click.echo(f"installed the trained classifier in {path}", err=True)


if __name__ == "__main__":
    main()
