"""Command line: `curator` opens the window; subcommands work on the project without it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from curator import __version__
from curator.cli_suggest import SUGGEST_COMMANDS, add_suggest_command
from curator.cli_team import TEAM_COMMANDS, add_team_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curator", description="Offline evidence curation: read, select, claim, export."
    )
    parser.add_argument("--version", action="version", version=f"curator {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=os.environ.get("CURATOR_DB"),
        help="project database: an SQLite file or a database URL such as postgresql://host/curator "
        "(default: $CURATOR_DB, else db/curator.sqlite3 in a checkout)",
    )
    parser.add_argument("--reviewer", metavar="NAME", help="work as this reviewer (created if new)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = sub.add_parser(
        "export",
        help="export every claim: .xlsx (the full workbook), .csv (the Claims sheet) or .jsonld (W3C Web Annotations)",
    )
    export.add_argument("out", metavar="OUT.xlsx|OUT.csv|OUT.jsonld", type=Path)
    export.add_argument(
        "--all-reviewers",
        action="store_true",
        help="every reviewer's claims, not only the consensus claims and the claims not reconciled yet",
    )
    imp = sub.add_parser(
        "import-claims",
        help="bring back claims from an edited workbook: shows what changes, then writes it all or nothing",
    )
    imp.add_argument("workbook", metavar="FILE.xlsx", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="show the preview and write nothing")
    imp.add_argument(
        "--add-terms", action="store_true", help="add terms the vocabulary lacks instead of refusing the rows"
    )
    docs = sub.add_parser("import", help="import documents: .txt, .md, .html, .docx, .pdf files or whole folders")
    docs.add_argument("paths", metavar="PATH", type=Path, nargs="+")
    docs.add_argument(
        "--encoding",
        metavar="NAME",
        help="the encoding of files that are not UTF-8 and have no BOM, e.g. cp1252 (recorded with each document)",
    )
    docs.add_argument(
        "--password-stdin",
        action="store_true",
        help="read a password-protected PDF's password from the first line of standard input "
        "(otherwise it is asked for on the terminal; it is used for that file only and never stored)",
    )
    docs.add_argument(
        "--replace",
        metavar="DOCUMENT",
        help="the one PATH is a revised version of DOCUMENT (its id, title or file name): re-anchor its claims",
    )
    docs.add_argument(
        "--accept-fuzzy",
        action="store_true",
        help="with --replace: move claims to passages that match closely but not exactly (otherwise they are kept as orphaned)",
    )
    backup = sub.add_parser("backup", help="copy the project, safely even while it is open elsewhere (SQLite projects)")
    backup.add_argument(
        "out",
        metavar="OUT.sqlite3",
        type=Path,
        nargs="?",
        help="where to write the copy (default: a new file in the backups folder beside the project)",
    )
    sub.add_parser("backups", help="list the project's backups, newest first")
    restore = sub.add_parser(
        "restore", help="make the project a copy of a backup; the project as it was is kept as another backup"
    )
    restore.add_argument("backup", metavar="BACKUP.sqlite3", type=Path)
    codebook = sub.add_parser(
        "codebook-export",
        help="write the project's codebook (fields, its choices, vocabularies and terms) as TOML to share or start a project from",
    )
    codebook.add_argument("out", metavar="OUT.toml", type=Path)
    add_team_commands(sub)
    add_suggest_command(sub)
    sub.add_parser("migrate", help="upgrade the database's schema (needed for shared PostgreSQL databases)")
    sub.add_parser("check", help="run integrity and foreign-key checks and report inconsistent rows")
    return parser


def open_project(args, reading: bool = False):
    """Open (creating and seeding if new) the project the arguments name, as their reviewer.

    `reading`: the command only reads, so opening writes nothing and needs no write lock."""
    from curator.core.session import READING_ONLY
    from curator.io.project import open_project as open_for

    session = open_for(args.db, args.reviewer, reading=reading)
    for warning in session.warnings:
        print(f"curator: warning: {warning}", file=sys.stderr)
    if session.read_only and session.read_only != READING_ONLY:
        print(f"curator: read-only: {session.read_only}", file=sys.stderr)
    return session


def run_export(args) -> int:
    from curator.core.errors import ValidationError
    from curator.io.flat_export import export_csv, export_jsonld
    from curator.io.xlsx_export import export_xlsx

    exporters = {".xlsx": export_xlsx, ".csv": export_csv, ".jsonld": export_jsonld}
    exporter = exporters.get(args.out.suffix.lower())
    if exporter is None:
        raise ValidationError(f"{args.out.name}: export to a file ending in .xlsx, .csv or .jsonld")
    session = open_project(args, reading=True)
    try:
        report = exporter(session, args.out, all_reviewers=args.all_reviewers)
    finally:
        session.close()
    print(f"Exported {report.claims} claims and {report.documents} documents to {report.path}")
    for line in report.warnings:
        print(f"  warning: {line}", file=sys.stderr)
    return 0


def run_import_claims(args) -> int:
    from curator.core.errors import ValidationError
    from curator.io.claim_import import import_command, plan_import

    session = open_project(args)
    try:
        if session.reviewer is None and not args.dry_run:
            raise ValidationError("say who is importing: curator --reviewer NAME import-claims …")
        plan = plan_import(session, args.workbook, add_unknown_terms=args.add_terms)
        print("\n".join(plan.lines()))
        if not plan.ok:
            print(
                f"curator: nothing was written: fix the {len(plan.problems)} problem(s) above and import again",
                file=sys.stderr,
            )
            return 1
        if args.dry_run:
            print("dry run: nothing was written")
        elif plan.has_changes:
            command = import_command(session, plan)
            command.do()
            added = len(command.created_ids)
            print(f"imported: {added} new, {len(plan.changed)} changed")
            if added < len(plan.new):  # the write looks again: another import stored them meanwhile
                print(f"  {len(plan.new) - added} new row(s) were already in the project; not added again")
        else:
            print("nothing to change")
    finally:
        session.close()
    return 0


def project_file(args) -> Path:
    from curator.core.db import is_url
    from curator.core.errors import ValidationError
    from curator.core.paths import default_database

    target = args.db or str(default_database())
    if is_url(target):
        raise ValidationError(
            "backups and restores of a shared PostgreSQL database are made on its server (pg_dump, pg_restore)"
        )
    return Path(target).expanduser().absolute()


def run_backup(args) -> int:
    from curator.core.backups import backup_to_file

    session = open_project(args)
    try:
        path = backup_to_file(session.database.connection(), args.out) if args.out else session.backup_now("manual")
    finally:
        session.close()
    print(f"backed up to {path}")
    return 0


def run_backups(args) -> int:
    from curator.core.backups import backup_folder, list_backups

    db_path = project_file(args)
    found = list_backups(db_path)
    if not found:
        print(f"no backups of {db_path.name} in {backup_folder(db_path)}")
    for b in found:
        print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.reason:<28} {b.size / 1024:>8.0f} KB  {b.path}")
    return 0


def run_restore(args) -> int:
    from curator.core.backups import restore_backup

    db_path = project_file(args)
    report = restore_backup(args.backup, db_path)
    print(f"restored {db_path} from {report.restored_from}")
    if report.previous_kept_as:
        print(f"the project as it was is kept at {report.previous_kept_as}")
    return 0


def run_migrate(args) -> int:
    from curator.core import db as dbmod
    from curator.core.migrations import current_version, migrate
    from curator.core.paths import default_database

    target = args.db or str(default_database())
    if not dbmod.is_url(target):  # opening an SQLite project backs it up and migrates it
        session = open_project(args)
        print(f"schema version {current_version(session.database)}")
        session.close()
        return 0
    database = dbmod.bind(dbmod.make_database(target))
    database.connect()
    try:
        applied = migrate(database)
        version = current_version(database)
    finally:
        database.close()
    print(f"applied schema versions {', '.join(map(str, applied))}" if applied else "nothing to do")
    print(f"schema version {version}")
    return 0


def run_check(args) -> int:
    from curator.core.checks import check_project

    session = open_project(args, reading=True)
    try:
        report = check_project(session)
    finally:
        session.close()
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


def run_codebook_export(args) -> int:
    from curator.core.codebook_toml import export_codebook
    from curator.core.errors import ValidationError

    if args.out.suffix.lower() != ".toml":
        raise ValidationError(f"{args.out.name}: write the codebook to a file ending in .toml")
    session = open_project(args)
    try:
        report = export_codebook(session, args.out)
    finally:
        session.close()
    print(
        f"Wrote the codebook ({report.fields} fields, {report.vocabularies} vocabularies, {report.terms} terms) "
        f"to {report.path}"
    )
    return 0


def find_document(session, wanted: str) -> int:
    from curator.core.errors import ValidationError

    infos = session.documents.infos()
    for test in (
        lambda d: str(d.id) == wanted,
        lambda d: d.title == wanted,
        lambda d: d.file_name == wanted,
        lambda d: d.title.casefold().startswith(wanted.casefold()),
    ):
        hits = [d for d in infos if test(d)]
        if len(hits) == 1:
            return hits[0].id
        if len(hits) > 1:
            raise ValidationError(f"'{wanted}' names {len(hits)} documents; give the id (curator export lists them)")
    raise ValidationError(f"no document is called '{wanted}'; give its id, title or file name")


def run_replace_document(args) -> int:
    from curator.core.commands import ReplaceDocument
    from curator.core.errors import ValidationError
    from curator.core.revisions import plan_revision
    from curator.io.document_files import read_document

    if len(args.paths) != 1:
        raise ValidationError("--replace takes exactly one file: the revised version")
    session = open_project(args)
    try:
        plan = plan_revision(session, find_document(session, args.replace), read_document(args.paths[0], args.encoding))
        print("\n".join(plan.lines()))
        accepted = {r.claim_id for r in plan.relocations if r.status == "fuzzy"} if args.accept_fuzzy else set()
        ReplaceDocument(session, plan, accepted).do()
        print(
            f"replaced; {plan.left_orphaned(accepted)} claim(s) kept as orphaned"
            + (
                ""
                if args.accept_fuzzy or not plan.counts()["fuzzy"]
                else " (add --accept-fuzzy to move the fuzzy ones)"
            )
        )
    finally:
        session.close()
    return 0


def run_import_documents(args) -> int:
    from curator.io.document_files import import_documents

    if args.replace:
        return run_replace_document(args)
    session = open_project(args)
    try:
        summary = import_documents(session, args.paths, encoding=args.encoding, ask_password=password_asker(args))
    finally:
        session.close()
    print("\n".join(summary.lines()))
    return 1 if summary.refused else 0


def password_asker(args):
    """How `import` gets a protected PDF's password: the first line of stdin once (--password-stdin),
    else the terminal's hidden prompt (again after a wrong one), else none (the file is refused)."""
    if args.password_stdin:
        given = [sys.stdin.readline().rstrip("\r\n")]

        def from_stdin(needed):
            return given.pop() if given and given[0] and not needed.wrong else None

        return from_stdin
    if sys.stdin.isatty():
        import getpass

        def from_terminal(needed):
            try:
                return getpass.getpass(f"{needed}.\nPassword (Enter to skip the file): ") or None
            except (EOFError, KeyboardInterrupt):
                return None

        return from_terminal
    return None


COMMANDS = {
    "import": run_import_documents,
    "export": run_export,
    "import-claims": run_import_claims,
    "backup": run_backup,
    "backups": run_backups,
    "restore": run_restore,
    "migrate": run_migrate,
    "check": run_check,
    "codebook-export": run_codebook_export,
    **TEAM_COMMANDS,
    **SUGGEST_COMMANDS,
}


def start_checks(db: str | None) -> None:
    """Start the project file's integrity check now, so it runs while Qt and the window load (the
    open takes its result); a database URL or a new project has nothing to check ahead."""
    from curator.core.db import is_url
    from curator.core.paths import default_database
    from curator.core.storage import start_quick_check

    if not (db and is_url(db)):
        start_quick_check(Path(db) if db else default_database())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from curator.core.errors import user_message

    try:
        if args.command in COMMANDS:
            return COMMANDS[args.command](args)
        start_checks(args.db)
        from curator.ui.app import run_app  # Qt is loaded only for the window

        return run_app(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `curator agreement | head`: the reader left; nothing more to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
        print(f"curator: error: {user_message(exc)}", file=sys.stderr)
        return 1
