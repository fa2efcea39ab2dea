"""Read another reviewer's project file for a merge: in the sandbox, read-only, as plain values.

Another reviewer's file is untrusted like any other input: it may not be SQLite, belong to another
program, be truncated or carry a newer schema, and its cells may hold anything SQLite lets a column
hold. It is opened with a `mode=ro` URI (no pragma that writes, no journal replayed into it) in the
sandbox's worker, and every way it can be unusable becomes one sentence naming the file.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
import uuid
import zlib
from functools import partial
from pathlib import Path
from urllib.parse import quote

from curator.core.db import APPLICATION_ID
from curator.core.errors import ValidationError
from curator.core.merge_identity import PROJECT_PATH_KEY
from curator.core.merge_types import (
    FLOAT_COLUMNS,
    INT_COLUMNS,
    VALUE_COLUMNS,
    VALUE_DEFAULTS,
    AssignmentRow,
    ChoiceRow,
    ClaimRow,
    ClaimTermRow,
    DecisionRow,
    DocumentRow,
    EntityRow,
    PagesRow,
    ProjectSnapshot,
    ReviewerRow,
    SourceRow,
    TermRow,
    TombstoneRow,
    VersionRow,
    VocabularyRow,
)
from curator.core.migrations import LATEST_VERSION, PROJECT_UUID_KEY
from curator.io import sandbox

OLDEST_MERGEABLE = 5  # claims carry UUIDs from schema v5 on
SQLITE_MAGIC = b"SQLite format 3\x00"


class ProjectReadError(ValidationError):
    """The other project cannot be merged as it is; the message names the file and what to do."""


def read_project(path: str | Path) -> ProjectSnapshot:
    """The project at `path` as plain values, read in the sandbox; ProjectReadError if unusable."""
    path = Path(path).expanduser().absolute()
    name = sandbox.display_name(path)
    sandbox.check_regular_file(path, ProjectReadError)
    packed = sandbox.run(_read, str(path), name, name=name, limits=sandbox.limits_for(path), error=ProjectReadError)
    snapshot = pickle.loads(packed)  # the worker's own pickle of plain values, as the sandbox's reply is
    claim, term = partial(tuple.__new__, ClaimRow), partial(tuple.__new__, ClaimTermRow)
    return snapshot._replace(claims=tuple(claim((*c[:14], tuple(map(term, c[14])))) for c in snapshot.claims))


# ---- in the worker -------------------------------------------------------------------------------


def _read(path: str, name: str) -> bytes:
    """The snapshot, pickled without the memo (a plain tree of values has nothing to share): at
    100,000 claims the memo's bookkeeping was four fifths of the pickling time."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(_read_snapshot(path, name))
    return buffer.getvalue()


def _read_snapshot(path: str, name: str) -> ProjectSnapshot:
    with open(path, "rb") as f:
        head = f.read(100)
    if not head.startswith(SQLITE_MAGIC):
        raise ProjectReadError(f"{name}: is not a Curator project (not an SQLite database); choose the .sqlite3 file")
    try:
        con = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ProjectReadError(f"{name}: cannot be opened ({exc}); check the file and its permissions") from None
    try:
        try:
            return _snapshot(con, path, name)
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
            # bytes that are not UTF-8 must not stop the read: they are shown as U+FFFD (a slower
            # read, so only for a file that needs it)
            con.text_factory = lambda b: b.decode("utf-8", "replace")
            return _snapshot(con, path, name)
    except sqlite3.DatabaseError as exc:
        raise ProjectReadError(
            f"{name}: cannot be read as a Curator project ({exc}); it may be damaged or truncated: "
            "ask its reviewer for a fresh copy (curator backup)"
        ) from None
    finally:
        con.close()


def _check_project(con: sqlite3.Connection, name: str) -> int:
    if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise ProjectReadError(f"{name}: is an SQLite database of another program, not a Curator project")
    row = con.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()
    try:
        version = int(row[0]) if row else 0
    except (TypeError, ValueError):
        version = 0
    if version > LATEST_VERSION:
        raise ProjectReadError(
            f"{name}: was written by a newer Curator (schema version {version}; this one reads up to "
            f"{LATEST_VERSION}); update Curator to merge it"
        )
    if version < OLDEST_MERGEABLE:
        raise ProjectReadError(
            f"{name}: uses an older schema (version {version}) whose claims have no identity to merge by; "
            "open it once with this Curator (which upgrades it) and merge again"
        )
    return version


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f'PRAGMA table_info("{table}")')}


def _has_table(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None


def _text(value) -> str:
    return "" if value is None else str(value)


def _snapshot(con: sqlite3.Connection, path: str, name: str) -> ProjectSnapshot:
    version = _check_project(con, name)
    info = dict(con.execute("SELECT key, value FROM schema_info"))
    # A v5 project has no identity of its own yet: one derived from where it lies keeps the merge
    # bases recorded for it valid from one merge of that file to the next.
    project_uuid = _text(info.get(PROJECT_UUID_KEY)) or str(uuid.uuid5(uuid.NAMESPACE_URL, f"curator-v5:{path}"))
    documents, shas = _documents(con)
    return ProjectSnapshot(
        name=name,
        path=path,
        project_uuid=project_uuid,
        project_path=_text(info.get(PROJECT_PATH_KEY)),
        schema_version=version,
        documents=documents,
        vocabularies=tuple(
            VocabularyRow(_text(row[0]), _text(row[1]), _text(row[2]))
            for row in con.execute('SELECT "key", "name", "roles" FROM vocabulary ORDER BY id')
        ),
        terms=tuple(
            TermRow(row[0], _text(row[1]), _text(row[2]), _text(row[3]), _text(row[4]), _text(row[5]))
            for row in con.execute(
                'SELECT t.id, v."key", t.label, t.identifier, t.synonyms, t.description '
                "FROM term AS t JOIN vocabulary AS v ON v.id = t.vocabulary_id ORDER BY t.id"
            )
        ),
        reviewers=_reviewers(con),
        claims=_claims(con, shas, name),
        assignments=_assignments(con, shas),
        tombstones=tuple(
            TombstoneRow(_text(u), _text(at), _text(who))
            for u, at, who in (
                con.execute("SELECT uuid, deleted_at, reviewer_name FROM claim_tombstone ORDER BY uuid")
                if _has_table(con, "claim_tombstone")
                else ()
            )
        ),
        merge_bases=tuple(
            (_text(p), _text(u), _text(d))
            for p, u, d in (
                con.execute("SELECT project, claim_uuid, digest FROM merge_base")
                if _has_table(con, "merge_base")
                else ()
            )
        ),
        choices=tuple(
            ChoiceRow(_text(f), _text(k), _text(label), int(pos or 0), bool(retired))
            for f, k, label, pos, retired in con.execute(
                "SELECT field_key, choice_key, label, position, retired FROM codebook_choice "
                "ORDER BY field_key, position, id"
            )
        ),
        consensus_sources=_consensus_sources(con),
        decisions=tuple(
            DecisionRow(_text(u), _text(decision), _text(who), _text(at))
            for u, decision, who, at in (
                con.execute(
                    "SELECT claim_uuid, decision, decided_by, decided_at FROM reconciliation_decision "
                    "ORDER BY claim_uuid"
                )
                if _has_table(con, "reconciliation_decision")
                else ()
            )
        ),
        pages=_pages(con, documents),
    )


def _pages(con: sqlite3.Connection, documents: tuple[DocumentRow, ...]) -> tuple[PagesRow, ...]:
    """The PDF versions' pages (schema v8), only those whose layout is what Curator writes for the
    text of a document or version of this file: checked here, in the worker, with the decompression
    bounded, so the app never unpacks a layout another file made up (a zip bomb, a wrong length)."""
    if not _has_table(con, "document_pages"):
        return ()
    lengths = {d.sha256: len(d.text) for d in documents}
    lengths.update({v.sha256: len(v.text) for d in documents for v in d.versions})
    found = []
    query = (
        "SELECT sha256, pdf, layout, page_count FROM document_pages "
        "WHERE typeof(pdf) = 'blob' AND typeof(layout) = 'blob' AND typeof(page_count) = 'integer' ORDER BY sha256"
    )
    for sha, pdf, layout, count in con.execute(query):
        if sha in lengths and _layout_covers(layout, lengths[sha], count):
            found.append(PagesRow(sha, bytes(pdf), bytes(layout), count))
    return tuple(found)


def _layout_covers(data: bytes, n_chars: int, page_count: int) -> bool:
    """Whether `data` unpacks (within the size it must have) to a layout of n_chars characters on page_count pages."""
    header = 4 + 4 + 4 * (1 + 2 * page_count) + 4
    size = header + 18 * n_chars
    try:
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(data, size + 1)
    except zlib.error:
        return False
    if len(raw) != size or unpacker.unconsumed_tail or not unpacker.eof or raw[:4] != b"CPL1":
        return False
    n_header = int.from_bytes(raw[4:8], "little")
    return n_header == 1 + 2 * page_count and int.from_bytes(raw[header - 4 : header], "little") == n_chars


def _consensus_sources(con: sqlite3.Connection) -> tuple[SourceRow, ...]:
    """Consensus claims' sources (schema v7; an older file has none), by their claim's uuid, in their order."""
    if not _has_table(con, "consensus_source"):
        return ()
    query = (
        "SELECT c.uuid, s.field_key, s.source_uuid, s.source_reviewer, s.edited FROM consensus_source AS s "
        "JOIN claim AS c ON c.id = s.claim_id ORDER BY s.claim_id, s.id"
    )
    return tuple(
        SourceRow(_text(u), _text(key), _text(source), _text(who), edited == 1)
        for u, key, source, who, edited in con.execute(query)
    )


def _documents(con: sqlite3.Connection) -> tuple[tuple[DocumentRow, ...], dict[int, str]]:
    versions: dict[int, list[VersionRow]] = {}
    for row in con.execute(
        "SELECT document_id, sha256, text, file_name, format, encoding, styles, replaced_at "
        "FROM document_version ORDER BY id"
    ):
        versions.setdefault(row[0], []).append(VersionRow(*(_text(v) for v in row[1:])))
    entities: dict[int, list[EntityRow]] = {}
    for row in con.execute(
        'SELECT document_id, section, kind, label, identifier, start, "end" FROM document_entity ORDER BY id'
    ):
        start, end = (v if isinstance(v, int) else None for v in row[5:7])
        entities.setdefault(row[0], []).append(EntityRow(*(_text(v) for v in row[1:5]), start, end))
    columns = (
        "id, sha256, title, source_kind, authors, venue, published, doi, url, file_name, text, format, "
        "reading_status, notes, imported_at, encoding, styles"
    )
    documents, shas = [], {}
    for row in con.execute(f"SELECT {columns} FROM document ORDER BY id"):
        doc_id, *fields = row
        fields = [_text(v) for v in fields]
        shas[doc_id] = fields[0]
        documents.append(DocumentRow(*fields, tuple(versions.get(doc_id, ())), tuple(entities.get(doc_id, ()))))
    return tuple(documents), shas


def _reviewers(con: sqlite3.Connection) -> tuple[ReviewerRow, ...]:
    role = "role" if "role" in _columns(con, "reviewer") else "'extractor'"
    return tuple(
        ReviewerRow(_text(n), _text(i), _text(r))
        for n, i, r in con.execute(f"SELECT name, initials, {role} FROM reviewer ORDER BY id")
    )


def _text_sql(column: str) -> str:
    return f"COALESCE(CAST({column} AS TEXT), '')"


def _check_claim_cells(con: sqlite3.Connection, present: set[str], name: str) -> None:
    """Refuse, naming the claim, a cell SQLite let another program fill with what its column cannot
    mean (SQLite types values, not columns): one indexed scan per column instead of a check per cell."""
    bad = con.execute(
        "SELECT COALESCE(uuid, id) FROM claim WHERE typeof(start) != 'integer' OR typeof(\"end\") != 'integer' "
        "OR typeof(uuid) != 'text' OR uuid = '' LIMIT 1"
    ).fetchone()
    if bad:
        raise ProjectReadError(
            f"{name}: claim {bad[0]} has no valid position or identity; "
            "run `curator check` on that project and merge again"
        )
    for column in sorted((FLOAT_COLUMNS | INT_COLUMNS) & present):
        allowed = "('real', 'integer', 'null')" if column in FLOAT_COLUMNS else "('integer', 'null')"
        bad = con.execute(
            f'SELECT uuid, CAST("{column}" AS TEXT) FROM claim WHERE typeof("{column}") NOT IN {allowed} LIMIT 1'
        ).fetchone()
        if bad:
            raise ProjectReadError(
                f"{name}: claim {bad[0]} holds {bad[1][:40]!r} in {column}, which must be "
                f"{'a number' if column in FLOAT_COLUMNS else 'a whole number'}; "
                "correct it in that project and merge again"
            )


def _value_sql(column: str, present: set[str]) -> str:
    if column not in present:
        default = VALUE_DEFAULTS[column]
        return "NULL" if default is None else f"'{default}'"
    if column in FLOAT_COLUMNS:
        return f'CAST(c."{column}" AS REAL)'  # NULL stays NULL; 2 becomes 2.0, as PostgreSQL gives it
    if column in INT_COLUMNS:
        return f'c."{column}"'
    return _text_sql(f'c."{column}"')


def _claims(con: sqlite3.Connection, shas: dict[int, str], name: str) -> tuple[tuple, ...]:
    """The claims as plain tuples in ClaimRow's order (terms as tuples in ClaimTermRow's): they cross
    the pipe at C speed, where pickling 100,000 NamedTuples calls Python for each (read_project wraps them)."""
    present = _columns(con, "claim")
    _check_claim_cells(con, present, name)
    terms: dict[int, list[tuple]] = {}
    term_sql = (
        f"SELECT claim_id, {_text_sql('role')}, {_text_sql('label')}, {_text_sql('identifier')}, "
        "CASE WHEN typeof(term_id) = 'integer' THEN term_id END FROM claim_term ORDER BY claim_id, position, id"
    )
    for claim_id, *term in con.execute(term_sql):
        terms.setdefault(claim_id, []).append(tuple(term))
    version = 'COALESCE(CAST(c."version" AS INTEGER), 1)' if "version" in present else "1"
    texts = ", ".join(map(_text_sql, ("c.exact", "c.prefix", "c.suffix", "c.anchor_status", "r.name")))
    stamps = f"{_text_sql('c.created_at')}, {_text_sql('c.updated_at')}"
    values = ", ".join(_value_sql(c, present) for c in VALUE_COLUMNS)
    query = (
        f'SELECT c.id, c.document_id, c.uuid, {_text_sql("c.document_sha256")}, c.start, c."end", {texts}, '
        f"{stamps}, {version}, {values} "
        "FROM claim AS c LEFT OUTER JOIN reviewer AS r ON r.id = c.reviewer_id ORDER BY c.id"
    )
    no_terms: tuple = ()
    return tuple(
        (row[2], shas.get(row[1], ""), *row[3:10], row[14:], *row[10:14], tuple(terms.get(row[0], no_terms)))
        for row in con.execute(query)
    )


def _assignments(con: sqlite3.Connection, shas: dict[int, str]) -> tuple[AssignmentRow, ...]:
    if not _has_table(con, "assignment"):
        return ()
    query = (
        "SELECT a.document_id, r.name, a.assigned_at, a.done_at FROM assignment AS a "
        "JOIN reviewer AS r ON r.id = a.reviewer_id ORDER BY a.id"
    )
    return tuple(
        AssignmentRow(shas[doc], _text(who), _text(at), None if done is None else _text(done))
        for doc, who, at, done in con.execute(query)
        if doc in shas
    )
