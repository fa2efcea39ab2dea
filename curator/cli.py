"""Command line: `curator` opens the window; subcommands work on the project without it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from curator import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="curator", description="Offline evidence curation: read, select, claim, export.")
    parser.add_argument("--version", action="version", version=f"curator {__version__}")
    parser.add_argument(
        "--db", metavar="PATH_OR_URL", default=os.environ.get("CURATOR_DB"),
        help="project database: an SQLite file or a database URL such as postgresql://host/curator "
        "(default: $CURATOR_DB, else db/curator.sqlite3 in a checkout)",
    )
    parser.add_argument("--reviewer", metavar="NAME", help="work as this reviewer (created if new)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = sub.add_parser(
        "export", help="export every claim: .xlsx (the full workbook), .csv (the Claims sheet) or .jsonld (W3C Web Annotations)"
    )
    export.add_argument("out", metavar="OUT.xlsx|OUT.csv|OUT.jsonld", type=Path)
    imp = sub.add_parser(
        "import-claims", help="bring back claims from an edited workbook: shows what changes, then writes it all or nothing"
    )
    imp.add_argument("workbook", metavar="FILE.xlsx", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="show the preview and write nothing")
    imp.add_argument("--add-terms", action="store_true", help="add terms the vocabulary lacks instead of refusing the rows")
    return parser


def open_project(args):
    """Open (creating and seeding if new) the project the arguments name, as their reviewer."""
    from curator.core.paths import SEEDS, default_database
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project

    session = open_session(args.db or default_database())
    seed_new_project(session, SEEDS)
    if args.reviewer:
        session.use_reviewer(args.reviewer)
    return session


def run_export(args) -> int:
    from curator.core.errors import ValidationError
    from curator.io.flat_export import export_csv, export_jsonld
    from curator.io.xlsx_export import export_xlsx

    exporters = {".xlsx": export_xlsx, ".csv": export_csv, ".jsonld": export_jsonld}
    exporter = exporters.get(args.out.suffix.lower())
    if exporter is None:
        raise ValidationError(f"{args.out.name}: export to a file ending in .xlsx, .csv or .jsonld")
    session = open_project(args)
    try:
        report = exporter(session, args.out)
    finally:
        session.close()
    print(f"Exported {report.claims} claims and {report.documents} documents to {report.path}")
    for line in report.warnings:
        print(f"  warning: {line}", file=sys.stderr)
    return 0


def run_import_claims(args) -> int:
    from curator.core.errors import ValidationError
    from curator.io.claim_import import apply_import, plan_import

    session = open_project(args)
    try:
        if session.reviewer is None and not args.dry_run:
            raise ValidationError("say who is importing: curator --reviewer NAME import-claims …")
        plan = plan_import(session, args.workbook, add_unknown_terms=args.add_terms)
        print("\n".join(plan.lines()))
        if not plan.ok:
            print(f"curator: nothing was written: fix the {len(plan.problems)} problem(s) above and import again", file=sys.stderr)
            return 1
        if args.dry_run:
            print("dry run: nothing was written")
        elif plan.has_changes:
            apply_import(session, plan)
            print(f"imported: {len(plan.new)} new, {len(plan.changed)} changed")
        else:
            print("nothing to change")
    finally:
        session.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from curator.core.errors import user_message

    try:
        if args.command == "export":
            return run_export(args)
        if args.command == "import-claims":
            return run_import_claims(args)
        from curator.ui.app import run_app  # Qt is loaded only for the window

        return run_app(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line, never a traceback
        print(f"curator: error: {user_message(exc)}", file=sys.stderr)
        return 1
