"""`curator check`: the database's own integrity checks, then Curator's rules about its rows."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import peewee

from curator.core import backups, wal
from curator.core.db import is_sqlite
from curator.core.errors import CuratorError
from curator.core.models import ALL_MODELS, Claim, ClaimTerm, Document, DocumentVersion, FormDraft, Term

if TYPE_CHECKING:
    from curator.core.session import Session

SHOWN_PER_KIND = 20


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts worth knowing that are not damage
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"checked: {', '.join(self.checked)}"]
        out += [f"problem: {p}" for p in self.problems]
        out += [f"note: {n}" for n in self.notes]
        out.append("ok: no problems found" if self.ok else f"{len(self.problems)} problem(s) found")
        return out


def _listed(kind: str, items: list[str]) -> list[str]:
    shown = [f"{kind}: {item}" for item in items[:SHOWN_PER_KIND]]
    if len(items) > SHOWN_PER_KIND:
        shown.append(f"{kind}: … and {len(items) - SHOWN_PER_KIND} more")
    return shown


def _journal_problems(session: Session) -> list[str]:
    """Damaged journals found after unclean stops: SQLite's own checks cannot see what it discarded."""
    kept = wal.kept_journals(backups.backup_folder(session.path), session.path)
    problems = [
        f"journal: a damaged journal found after an unclean stop is kept at {path}; saved changes in it "
        "may be missing (compare with the newest backup, then delete the copy)"
        for path in kept
    ]
    if session.journal_damage and not kept:
        problems.append(f"journal: {session.journal_damage}")
    return problems


class UnreadableTextError(CuratorError):
    """Rows hold bytes that are not UTF-8 text (written by another program); the message names them."""


def _text_columns(model: type[peewee.Model]) -> list[str]:
    return [
        f.column_name
        for f in model._meta.sorted_fields
        if isinstance(f, (peewee.CharField, peewee.TextField)) and not isinstance(f, peewee.ForeignKeyField)
    ]


def invalid_text(db: peewee.Database, tables: set[str] | None = None) -> list[tuple[str, object, str, str]]:
    """(table, row id, column, what is wrong) for every text value that is not valid UTF-8 text.

    SQLite takes whatever bytes another program binds as TEXT; Python then fails on reading the row,
    so the values are read as bytes (CAST … AS BLOB) and decoded here. PostgreSQL refuses invalid
    UTF-8 itself, so only SQLite is looked at."""
    if not is_sqlite(db):
        return []
    found = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = _text_columns(model)
        if (tables is not None and table not in tables) or not columns:
            continue
        key = model._meta.primary_key.column_name
        selected = ", ".join(f'CAST("{c}" AS BLOB), typeof("{c}")' for c in columns)
        cursor = db.execute_sql(f'SELECT CAST("{key}" AS BLOB), {selected} FROM "{table}"')
        for row in cursor:
            row_id = bytes(row[0]).decode("utf-8", "replace") if row[0] is not None else None
            for i, column in enumerate(columns):
                raw, kind = row[1 + 2 * i], row[2 + 2 * i]
                if raw is None:
                    continue
                try:
                    bytes(raw).decode("utf-8")
                except UnicodeDecodeError as exc:
                    found.append((table, row_id, column, f"is not valid UTF-8 (byte {exc.start + 1} of {len(raw)})"))
                    continue
                if kind == "blob":
                    found.append((table, row_id, column, "holds binary data where text belongs"))
    return found


def unreadable_claims_error(db: peewee.Database) -> UnreadableTextError | None:
    """The error to show when claims cannot be read because of bytes another program wrote."""
    bad = invalid_text(db, {"claim", "claim_term", "reviewer"})
    if not bad:
        return None
    table, row_id, column, what = bad[0]
    where = {"claim": "claim", "claim_term": "claim term", "reviewer": "reviewer"}[table]
    more = f" ({len(bad) - 1} more value(s) too)" if len(bad) > 1 else ""
    return UnreadableTextError(
        f"{where} {row_id}, field {column}: the stored text {what}, so Curator cannot read it{more}; another "
        "program wrote it. Run `curator check` to list every such value, then fix them there or restore a backup"
    )


@contextmanager
def _tolerant_text(db: peewee.Database):
    """Read text that is not UTF-8 with replacement characters, so the later checks still run."""
    connection = db.connection()
    before = connection.text_factory
    connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        yield
    finally:
        connection.text_factory = before


def check_project(session: Session) -> CheckReport:
    report = CheckReport()
    db = session.database
    if is_sqlite(db):
        report.checked.append("text encoding")
        bad = invalid_text(db)
        report.problems += _listed(
            "text", [f"{table} row {row_id}, column {column}: {what}" for table, row_id, column, what in bad]
        )
        if bad:
            with _tolerant_text(db):
                _check_rows(session, report)
            return report
    else:
        report.checked.append("text encoding (enforced by the server)")
    _check_rows(session, report)
    return report


def _check_rows(session: Session, report: CheckReport) -> None:
    db = session.database
    if is_sqlite(db):
        report.checked.append("integrity")
        rows = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            report.problems += _listed("integrity", rows)
        report.checked.append("foreign keys")
        broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        report.problems += _listed(
            "foreign key",
            [f"{table} row {rowid} points at a missing {parent} row" for table, rowid, parent, *_ in broken],
        )
    else:
        report.checked.append("foreign keys (enforced by the server)")
    if session.path is not None:
        report.checked.append("journal")
        report.problems += _journal_problems(session)

    report.checked.append("anchors")
    texts = {
        d.id: (d.text, d.sha256, d.title)
        for d in Document.select(Document.id, Document.text, Document.sha256, Document.title)
    }
    wrong_quote, other_version, orphaned = [], [], []
    versions = {(v.document_id, v.sha256): v.text for v in DocumentVersion.select()}
    for c in Claim.select(
        Claim.id, Claim.document, Claim.start, Claim.end, Claim.exact, Claim.document_sha256, Claim.anchor_status
    ).iterator():
        text, sha, title = texts[c.document_id]
        if c.anchor_status == "orphaned":
            made_on = versions.get((c.document_id, c.document_sha256))
            if made_on is not None and made_on[c.start : c.end] != c.exact:
                wrong_quote.append(
                    f"orphaned claim {c.id}: its quote is not at {c.start}–{c.end} of the version it was made on"
                )
            else:
                orphaned.append(
                    f"claim {c.id} in “{title[:60]}” is orphaned (its quote is kept; re-anchor it in the window)"
                )
            continue
        if not (0 <= c.start <= c.end <= len(text)) or text[c.start : c.end] != c.exact:
            wrong_quote.append(f"claim {c.id} in “{title[:60]}”: its quote is no longer at {c.start}–{c.end}")
        elif c.document_sha256 and c.document_sha256 != sha:
            other_version.append(
                f"claim {c.id} was made on another version of “{title[:60]}” (its quote still matches)"
            )
    report.problems += _listed("anchor", wrong_quote)
    report.notes += _listed("anchor", other_version)
    report.notes += _listed("anchor", orphaned)

    report.checked.append("PDF pages")
    report.problems += _listed("pages", _page_problems())

    report.checked.append("claim terms")
    empty = [
        f"claim {ct.claim_id} has a {ct.role} term with no label"
        for ct in ClaimTerm.select().where(ClaimTerm.label == "")
    ]
    report.problems += _listed("term", empty)
    mismatched = (
        ClaimTerm.select(ClaimTerm.claim, ClaimTerm.label, Term.label.alias("term_label"))
        .join(Term)
        .where(ClaimTerm.label != Term.label)
        .dicts()
    )
    report.notes += _listed(
        "term",
        [f"claim {r['claim']} keeps “{r['label']}” for the term now called “{r['term_label']}”" for r in mismatched],
    )

    report.checked.append("drafts")
    drafts = FormDraft.select().count()
    if drafts:
        report.notes.append(
            f"drafts: {drafts} unsaved claim form(s) waiting to be recovered when their reviewer opens Curator"
        )


def _page_problems() -> list[str]:
    """Every PDF version has its pages, and they cover its text exactly (the Page view and the Page
    column read them). The PDFs themselves are not read: only the layouts."""
    from curator.core.models import DocumentPages
    from curator.core.pages import PageLayout

    texts: dict[str, tuple[int, str]] = {}
    for d in Document.select(Document.id, Document.sha256, Document.text, Document.title).where(
        Document.format == "pdf"
    ):
        texts[d.sha256] = (len(d.text), f"“{d.title[:60]}”")
    for v in (
        DocumentVersion.select(DocumentVersion.sha256, DocumentVersion.text, Document.title)
        .join(Document)
        .where(DocumentVersion.format == "pdf")
    ):
        texts.setdefault(v.sha256, (len(v.text), f"an earlier version of “{v.document.title[:60]}”"))
    problems = []
    stored = {
        row.sha256: row
        for row in DocumentPages.select(DocumentPages.sha256, DocumentPages.layout, DocumentPages.page_count)
    }
    for sha, (length, what) in texts.items():
        row = stored.get(sha)
        if row is None:
            problems.append(f"{what} is a PDF without its pages: the Page view and the Page column cannot show it")
            continue
        try:
            layout = PageLayout.from_bytes(bytes(row.layout))
        except Exception as exc:  # noqa: BLE001 - a damaged layout is a finding, whatever broke
            problems.append(f"{what}: its page layout cannot be read ({type(exc).__name__})")
            continue
        if len(layout) != length or layout.page_count != row.page_count:
            problems.append(f"{what}: its page layout does not fit its text ({len(layout)} characters for {length})")
    return problems
