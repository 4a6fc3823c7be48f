"""The ``beyond-protocol`` command line (also ``python -m analysis``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.data.codebook import write_codebook
from analysis.data.validate import DataValidationError, check_dataset
from analysis.pipeline.exits import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, RUN_EXIT_CODES
from analysis.version import __version__


def _cmd_validate(args: argparse.Namespace) -> int:
    result = check_dataset(args.data_dir)
    if result.note:
        print(f"note: {result.note}")
    if not result.ok:
        print(result.error(), file=sys.stderr)
        return EXIT_BAD_INPUT
    counts = result.counts()
    print("ok")
    width = max(len(name) for name in counts)
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>4} rows")
    return EXIT_OK


def _cmd_codebook(args: argparse.Namespace) -> int:
    path = write_codebook(args.output)
    print(f"wrote {path}")
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.pipeline.extras import notebooks_extra_problem

    if problem := notebooks_extra_problem("beyond-protocol run"):
        print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    from analysis.pipeline.run import RunError, parse_override, run

    try:
        overrides = dict(parse_override(text) for text in args.param)
    except RunError as exc:
        print("refused before running anything:", file=sys.stderr)
        for problem in exc.problems:
            print("  " + problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    return run(args.notebooks, overrides=overrides, params_file=args.params_file,
               output_dir=args.output_dir, jobs=args.jobs, timeout=args.timeout,
               progress=not args.quiet, notebooks_dir=args.notebooks_dir, force=args.force)


def _cmd_claims(args: argparse.Namespace) -> int:
    from analysis.data.load import load_dataset
    from analysis.exhibits.tables import to_markdown, write_table
    from analysis.indicators.claims import compute_claims_ledger, compute_errata_table

    try:
        data = load_dataset(args.data_dir)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    ledger = compute_claims_ledger(data.claims, data.engagements, data.trade)
    shown = ledger[["claim_id", "section", "claim", "article_value", "data_value", "official_value", "status"]]
    print(to_markdown(shown, caption="The article's claims against the data (explanations: --output-dir)."))
    counts = ledger["status"].value_counts()
    print(", ".join(f"{counts.get(s, 0)} {s}" for s in ("consistent", "inconsistent", "not checkable")))
    if args.output_dir:
        write_table(ledger, "claims_ledger", output_dir=args.output_dir,
                    caption="The article's checkable claims evaluated against the data.")
        write_table(compute_errata_table(data.errata), "errata", output_dir=args.output_dir,
                    caption="Errata: where the article contradicts itself or the record.")
        print(f"wrote {args.output_dir}/tables/claims_ledger.{{csv,tex,md}} and errata.{{csv,tex,md}}")
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from analysis.pipeline.provenance import compute_status

    rows = compute_status(args.output_dir)
    if not rows:
        print("no outputs recorded yet: run `beyond-protocol run` first")
        return EXIT_FAILED
    width = max(len(r["output"]) for r in rows)
    for r in rows:
        reasons = f"  ({'; '.join(r['reasons'])})" if r["reasons"] else ""
        print(f"{r['status']:<8}  {r['output']:<{width}}  {r['notebook']}{reasons}")
    counts = {s: sum(r["status"] == s for r in rows) for s in ("current", "stale", "modified", "missing")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    return EXIT_OK if counts["current"] == len(rows) else EXIT_FAILED


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.pipeline.promotion import read_consistently
    from analysis.pipeline.report import ReportError, build_report

    try:
        index = read_consistently(args.output_dir, lambda: build_report(args.output_dir))
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {index}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beyond-protocol",
        description="Curated China–Soviet/Russian engagement data (Singh 2025) and its analyses.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check the data against datapackage.json and the cross-field rules",
                       description="Print 'ok' and row counts (exit 0), or every problem as "
                                   "file:line: column: value — reason (exit 2).")
    p.add_argument("--data-dir", type=Path, default=None, help="directory of CSV tables (default: the packaged data/)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "run", help="execute the analysis notebooks headlessly (papermill)",
        description="Execute the notebooks (all, or those named) with the committed default parameters "
                    "(notebooks/params.yml), a parameters file and -p overrides. Parameters and data are "
                    "checked before any kernel starts (exit 2). Executed notebooks go to build/notebooks/, "
                    "figures to figures/, tables to tables/. One run at a time per output directory. " + RUN_EXIT_CODES)
    p.add_argument("notebooks", nargs="*", metavar="NAME",
                   help="notebooks to run, e.g. meeting_frequency or 02_meeting_frequency (default: all)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter; VALUE is read as YAML, e.g. -p start_year=1990 -p 'levels=[leader]'")
    p.add_argument("--params-file", type=Path, default=None, metavar="FILE.yml",
                   help="YAML with 'defaults' and/or 'notebooks: {name: {...}}', applied over notebooks/params.yml")
    p.add_argument("--output-dir", type=Path, default=None, metavar="DIR",
                   help="write figures/, tables/ and build/ under DIR (default: the project root in a checkout, the current directory for an installed package)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks run in parallel processes (default: the number of cores)")
    p.add_argument("--force", action="store_true",
                   help="re-run every notebook, even those whose inputs are unchanged since their last run")
    p.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                   help="per-cell timeout (default 600)")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-cell progress bars")
    p.add_argument("--notebooks-dir", type=Path, default=None, metavar="DIR",
                   help="run the notebooks of another directory (default: notebooks/)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("claims", help="print the claims ledger (the article's claims against the data)",
                       description="Evaluate every claim specified in data/claims.csv and print the ledger; with "
                                   "--output-dir also write it (and the errata table) as CSV, LaTeX and Markdown.")
    p.add_argument("--data-dir", type=Path, default=None, help="directory of CSV tables (default: the packaged data/)")
    p.add_argument("--output-dir", type=Path, default=None, metavar="DIR", help="also write DIR/tables/claims_ledger.*")
    p.set_defaults(func=_cmd_claims)

    p = sub.add_parser("status", help="which outputs are current and which are stale",
                       description="Compare every output recorded in figures/manifest.json and tables/manifest.json "
                                   "with the working tree: 'stale' when an input (notebook, data file, library module) "
                                   "changed, 'modified' when the file itself changed, 'missing' when it is gone. "
                                   "Exit 0 when all are current, 1 otherwise.")
    p.add_argument("--output-dir", type=Path, default=None, metavar="DIR",
                   help="the run's output directory (default: as for run)")
    p.set_defaults(func=_cmd_status)

    p = sub.add_parser("report", help="build reports/index.html, an offline site of every exhibit and its provenance",
                       description="From the outputs of `beyond-protocol run` build reports/index.html: the dataset "
                                   "summary, every figure and table with its caption, the claims ledger and errata, "
                                   "the executed notebooks as HTML and the provenance of each exhibit. "
                                   "Exit 1 when no run has recorded outputs.")
    p.add_argument("--output-dir", type=Path, default=None, metavar="DIR",
                   help="the run's output directory; the report goes to DIR/reports/ (default: as for run)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("codebook", help="regenerate docs/codebook.md from the descriptor and the notes")
    p.add_argument("--output", type=Path, default=None, help="where to write (default: docs/codebook.md)")
    p.set_defaults(func=_cmd_codebook)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
