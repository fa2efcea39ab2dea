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
    export = sub.add_parser("export", help="export every claim to an Excel workbook")
    export.add_argument("out", metavar="OUT.xlsx", type=Path)
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
    from curator.io.xlsx_export import export_xlsx

    session = open_project(args)
    try:
        report = export_xlsx(session, args.out)
    finally:
        session.close()
    print(f"Exported {report.claims} claims and {report.documents} documents to {report.path}")
    for line in report.repaired + report.truncated:
        print(f"  warning: {line}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from curator.core.errors import user_message

    try:
        if args.command == "export":
            return run_export(args)
        from curator.ui.app import run_app  # Qt is loaded only for the window

        return run_app(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line, never a traceback
        print(f"curator: error: {user_message(exc)}", file=sys.stderr)
        return 1
