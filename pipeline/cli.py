"""Command line: a thin click layer over ``pipeline.runner`` and ``pipeline.evaluate``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="peel-pipeline")
def main() -> None:
    """Turn HMIC / HMICFRS PEEL inspection reports into CSV and JSON tables."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("processed"),
    show_default=True, help="Folder to write the tables and json/ into (replaced as a whole).",
)
def run(paths: tuple[Path, ...], out: Path) -> None:
    """Process report files into tables.

    PATHS are report files (.txt) or folders of them; the default is raw/. Each file
    that cannot be processed is named on stderr with the reason, and the others are
    still written. Exit status: 0 when every input was processed, 1 when any failed,
    2 for usage errors.
    """
    from .runner import run as run_pipeline

    result = run_pipeline(list(paths) or [Path("raw")], out)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.reports:
        click.echo(f"wrote {len(result.reports)} report(s) to {out}/", err=True)
    else:
        click.echo(f"nothing written to {out}/: no report could be processed", err=True)
    sys.exit(1 if result.errors or not result.reports else 0)


if __name__ == "__main__":
    main()
