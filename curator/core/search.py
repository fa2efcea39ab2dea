"""Search across every document and claim.

On SQLite with FTS5 an index (`search_index`, derived data, rebuilt whenever it is missing) is kept
current from the change log: each search first re-indexes the documents and claims changed since
the last indexed change-log row. Elsewhere (PostgreSQL, or SQLite built without FTS5) a portable
LIKE scan finds the same rows. Either way the snippet and the position to jump to are found in
Python on the canonical text, so they are exact code-point offsets.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from curator.core.anchoring import in_context
from curator.core.db import is_sqlite, read_only_reason, write_transaction
from curator.core.models import ChangeLog, Claim, Document, SchemaInfo

if TYPE_CHECKING:
    from curator.core.session import Session

INDEXED_UPTO_KEY = "search_indexed_upto"
SNIPPET_CONTEXT = 60
_TOKEN = re.compile(r"\w[\w'’\-]*", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "document" | "claim"
    document_id: int
    document_title: str
    claim_id: int | None
    start: int  # where the first matching word is, in the document's text (code points)
    end: int
    snippet: str  # "…before «match» after…", one line


DOCUMENT_TEXTS = (Document.text, Document.title)  # what the scan searches
CLAIM_TEXTS = (Claim.exact, Claim.statement, Claim.notes)
MAX_TERMS = 12  # a search of more words finds nothing more worth finding, and each costs a pass
MAX_TERM_CHARS = 64
MAX_QUERY_CHARS = 2000  # what is read of a pasted query at all


def query_terms(query: str) -> list[str]:
    """The distinct words searched for, in order, at most MAX_TERMS of them: "alpha " × 2,000 is one
    word, not 2,000 (which took minutes on SQLite and overflowed the query builder on PostgreSQL)."""
    return list(_words(query))[:MAX_TERMS]


def dropped_words(query: str) -> int:
    """How many distinct words of `query` the search leaves out (to say so to the reviewer)."""
    return max(0, len(_words(query, cut=False)) - MAX_TERMS)


def _words(query: str, cut: bool = True) -> dict[str, None]:
    if cut and len(query) > MAX_QUERY_CHARS:  # cut between words, not inside the last one
        query = query[:MAX_QUERY_CHARS].rsplit(None, 1)[0]
    # lower(), not casefold(): casefold makes "Straße" "strasse", which neither FTS5 nor LIKE finds in the text
    return dict.fromkeys(t.lower()[:MAX_TERM_CHARS] for t in _TOKEN.findall(query))


def _spellings(term: str) -> list[str]:
    """How the scan looks for a word: LIKE ignores the case of ASCII letters only (SQLite, and PostgreSQL
    under the C locale), so a word with other letters is also looked for capitalised and in capitals."""
    if term.isascii():
        return [term]
    return list(dict.fromkeys((term, term.capitalize(), term.upper())))


def _snippet(text: str, terms: list[str]) -> tuple[int, int, str]:
    folded = text.lower()  # same length as text for nearly all scripts; checked below
    at, length = -1, 0
    for term in terms:
        found = folded.find(term)
        if found != -1 and (at == -1 or found < at):
            at, length = found, len(term)
    if at == -1 or len(folded) != len(text):
        at, length = 0, 0
    if not length:
        head = text[: 2 * SNIPPET_CONTEXT]
        if len(text) > len(head) and text[len(head)].isalnum() and " " in head:
            head = head[: head.rindex(" ")]  # between words, never mid-word
        return at, at, " ".join((head + ("…" if len(text) > len(head) else "")).split())
    return at, at + length, in_context(text, at, at + length, SNIPPET_CONTEXT)


class SearchService:
    def __init__(self, session: Session):
        self.session = session
        self._fts: bool | None = None

    # -- the FTS5 index ---------------------------------------------------------------------
    def uses_fts(self) -> bool:
        if self._fts is None:
            self._fts = is_sqlite(self.session.database) and self._ensure_index()
        return self._fts

    def _ensure_index(self) -> bool:
        db = self.session.database
        if "search_index" in db.get_tables():
            return True
        if read_only_reason(db):
            return False
        try:
            with write_transaction():
                db.execute_sql(
                    "CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED, ref_id UNINDEXED, "
                    "document_id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2')"
                )
                SchemaInfo.delete().where(SchemaInfo.key == INDEXED_UPTO_KEY).execute()
        except peewee.OperationalError:
            return False  # SQLite without FTS5: the portable scan serves
        return True

    def refresh(self) -> int:
        """Bring the index up to date with the change log; return how many rows were re-indexed."""
        if not self.uses_fts() or read_only_reason(self.session.database):
            return 0
        db = self.session.database
        row = SchemaInfo.get_or_none(SchemaInfo.key == INDEXED_UPTO_KEY)
        upto = int(row.value) if row else 0
        latest = ChangeLog.select(peewee.fn.MAX(ChangeLog.id)).scalar() or 0
        if upto == latest and row is not None:
            return 0
        with write_transaction():
            if row is None:  # first build: everything
                db.execute_sql("DELETE FROM search_index")
                docs = [d.id for d in Document.select(Document.id)]
                claims = [c.id for c in Claim.select(Claim.id)]
            else:
                changed = ChangeLog.select(ChangeLog.entity, ChangeLog.entity_id).where(ChangeLog.id > upto).distinct()
                docs = sorted({c.entity_id for c in changed if c.entity == "document"})
                claims = sorted({c.entity_id for c in changed if c.entity == "claim"})
            for kind, ids in (("document", docs), ("claim", claims)):
                for i in range(0, len(ids), 500):
                    chunk = ids[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    db.execute_sql(f"DELETE FROM search_index WHERE kind = ? AND ref_id IN ({marks})", [kind, *chunk])
                    if kind == "document":
                        rows = (
                            Document.select(Document.id, Document.text, Document.title)
                            .where(Document.id.in_(chunk))
                            .tuples()
                        )
                        values = [("document", d, d, f"{title}\n{text}") for d, text, title in rows]
                    else:
                        rows = (
                            Claim.select(Claim.id, Claim.document, Claim.exact, Claim.statement, Claim.notes)
                            .where(Claim.id.in_(chunk))
                            .tuples()
                        )
                        values = [
                            ("claim", c, doc, f"{exact}\n{statement}\n{notes}")
                            for c, doc, exact, statement, notes in rows
                        ]
                    if values:
                        db.cursor().executemany(
                            "INSERT INTO search_index (kind, ref_id, document_id, body) VALUES (?, ?, ?, ?)", values
                        )
            SchemaInfo.insert(key=INDEXED_UPTO_KEY, value=str(latest)).on_conflict(
                conflict_target=[SchemaInfo.key], update={SchemaInfo.value: str(latest)}
            ).execute()
        return len(docs) + len(claims)

    # -- searching ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 100) -> list[SearchHit]:
        terms = query_terms(query)
        if not terms:
            return []
        if self.uses_fts():
            self.refresh()
            match = " ".join('"' + t.replace('"', '""') + '"*' for t in terms)  # every word, as a prefix
            rows = self.session.database.execute_sql(
                "SELECT kind, ref_id, document_id FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
                (match, limit),
            ).fetchall()
        else:
            rows = self._scan(terms, limit)
        return self._hits(rows, terms)

    def _scan(self, terms: list[str], limit: int) -> list[tuple[str, int, int]]:
        doc_where = claim_where = None
        for t in terms:
            spellings = _spellings(t)
            d = functools.reduce(operator.or_, (f.contains(v) for v in spellings for f in DOCUMENT_TEXTS))
            c = functools.reduce(operator.or_, (f.contains(v) for v in spellings for f in CLAIM_TEXTS))
            doc_where = d if doc_where is None else doc_where & d
            claim_where = c if claim_where is None else claim_where & c
        docs = [("document", d.id, d.id) for d in Document.select(Document.id).where(doc_where).limit(limit)]
        claims = [
            ("claim", c.id, c.document_id)
            for c in Claim.select(Claim.id, Claim.document).where(claim_where).limit(limit)
        ]
        return (claims + docs)[:limit]

    def _hits(self, rows, terms: list[str]) -> list[SearchHit]:
        doc_ids = {r[2] for r in rows}
        docs = {
            d.id: (d.title, d.text)
            for d in Document.select(Document.id, Document.title, Document.text).where(Document.id.in_(doc_ids))
        }
        claim_ids = [r[1] for r in rows if r[0] == "claim"]
        where = Claim.id.in_(claim_ids)
        visible = self.session.team.visible_claims()  # blind extraction: others' claims are not found either
        if visible is not None:
            where &= visible
        claims = {c.id: c for c in Claim.select().where(where)} if claim_ids else {}
        hits = []
        for kind, ref_id, doc_id in rows:
            if doc_id not in docs:
                continue
            title, text = docs[doc_id]
            if kind == "claim":
                c = claims.get(ref_id)
                if c is None:
                    continue
                body = f"{c.exact} — {c.statement}" if c.statement else c.exact
                _, _, snippet = _snippet(body, terms)
                start, end = (c.start, c.end) if c.anchor_status != "orphaned" else (0, 0)
                hits.append(SearchHit("claim", doc_id, title, ref_id, start, end, snippet))
            else:
                start, end, snippet = _snippet(text, terms)
                hits.append(SearchHit("document", doc_id, title, None, start, end, snippet))
        return hits
