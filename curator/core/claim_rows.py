"""Plain claim rows for tables, with a filter and a sort fast enough for 100,000 claims in pure Python.

Everything a filter keystroke or a header click needs is computed once, when the row is built: the
labels, a case-folded haystack for the text filter, a sort key per column and the reading-order key.
`filter_rows` and `sort_rows` work on any list of rows (they are the reference semantics). A table of
100,000 rows uses a `RowIndex` instead: at that size any Python loop over every row costs 15–150 ms
on a 2-core machine, so the index answers a filter with bitsets and a sort with orders kept sorted,
and only C loops (`itemgetter`, `compress`) touch every row. Stable sorts over rows kept in reading
order give ties in reading order for free (Anki's browser keeps the same split: plain rows here, Qt
in the model).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from curator.core.codebook import Codebook
from curator.core.records import ClaimRecord

# Logical columns; a table shows a subset of them (the per-document table has no Document column).
ID, DOCUMENT, QUOTE, STATEMENT, TYPE, DIRECTION, STATUS, REVIEWER, TERMS = range(9)
COLUMN_TITLES = ("#", "Document", "Quote", "Statement", "Type", "Direction", "Status", "Reviewer", "Terms")


@dataclass(frozen=True, slots=True, eq=False)
class ClaimRow:
    """One claim as a table shows it. Identity equality: rows are compared by object, never field by field."""

    record: ClaimRecord
    id: int
    document_id: int
    document_title: str
    start: int
    quote: str  # white space collapsed
    statement: str
    claim_type_key: str
    claim_type: str  # label
    direction: str  # label
    status_key: str
    status: str  # label
    reviewer: str
    terms: str  # "; "-joined labels
    term_keys: frozenset[str]  # case-folded labels, for the exact term filter
    type_index: int  # position among the codebook's claim types, -1 if none
    orphaned: bool
    haystack: str  # case-folded text the text filter searches
    reading: tuple  # (title, document id, start, id): the default order and every sort's tie-break
    keys: tuple  # sort key per logical column

    @property
    def values(self) -> tuple:
        """Display values per logical column."""
        return (
            self.id,
            self.document_title,
            self.quote,
            self.statement,
            self.claim_type,
            self.direction,
            self.status,
            self.reviewer,
            self.terms,
        )


class RowBuilder:
    """Build rows for one codebook; the label look-ups are prepared once, not per claim."""

    def __init__(self, codebook: Codebook):
        def labels(key: str) -> dict[str, str]:
            try:
                return {c.key: c.label for c in codebook.field(key).choices}
            except KeyError:  # a codebook without this field shows the column empty
                return {}

        self.type_labels = labels("claim_type")
        self.direction_labels = labels("direction")
        self.status_labels = labels("status")
        self.type_index = {key: i for i, key in enumerate(self.type_labels)}
        self._folded: dict[str, str] = {}

    def _fold(self, text: str) -> str:
        # labels repeat across thousands of rows: fold each once and share the string
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = text.casefold()
        return folded

    def __call__(self, record: ClaimRecord, title: str = "") -> ClaimRow:
        values = record.values
        type_key = values.get("claim_type") or ""
        status_key = values.get("status") or ""
        direction_key = values.get("direction") or ""
        # an unknown key (a choice since removed from the codebook) shows as itself, as the form does
        claim_type = self.type_labels.get(type_key, type_key)
        direction = self.direction_labels.get(direction_key, direction_key)
        status = self.status_labels.get(status_key, status_key)
        quote = " ".join(record.anchor.exact.split())
        statement = values.get("statement") or ""
        reviewer = record.reviewer_name or ""
        terms = "; ".join(t.label for t in record.terms)
        fold = self._fold
        quote_key, statement_key, terms_key, title_key = (
            quote.casefold(),
            statement.casefold(),
            terms.casefold(),
            fold(title),
        )
        type_key_f, direction_key_f, status_key_f, reviewer_key = (
            fold(claim_type),
            fold(direction),
            fold(status),
            fold(reviewer),
        )
        # The text columns only (type, status and reviewer have their own filters): every character here
        # is scanned on a keystroke. "\n" joins them, so a word (never white space) cannot span two.
        haystack = "\n".join((quote_key, statement_key, terms_key, title_key))
        return ClaimRow(
            record=record,
            id=record.id,
            document_id=record.document_id,
            document_title=title,
            start=record.anchor.start,
            quote=quote,
            statement=statement,
            claim_type_key=type_key,
            claim_type=claim_type,
            direction=direction,
            status_key=status_key,
            status=status,
            reviewer=reviewer,
            terms=terms,
            term_keys=frozenset(fold(t.label) for t in record.terms),
            type_index=self.type_index.get(type_key, -1),
            orphaned=record.orphaned,
            haystack=haystack,
            reading=(title_key, record.document_id, record.anchor.start, record.id),
            keys=(
                record.id,
                title_key,
                quote_key,
                statement_key,
                type_key_f,
                direction_key_f,
                status_key_f,
                reviewer_key,
                terms_key,
            ),
        )


def build_rows(
    records: Iterable[ClaimRecord], codebook: Codebook, titles: dict[int, str] | None = None
) -> list[ClaimRow]:
    """Rows for `records`, in reading order (document title, start, id)."""
    build = RowBuilder(codebook)
    titles = titles or {}
    rows = [build(r, titles.get(r.document_id, "")) for r in records]
    rows.sort(key=reading_key)
    return rows


def claim_row(record: ClaimRecord, codebook: Codebook, title: str = "") -> ClaimRow:
    """One row (for a single claim; build_rows shares the look-ups across many)."""
    return RowBuilder(codebook)(record, title)


def reading_key(row: ClaimRow) -> tuple:
    return row.reading


# -- filter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFilter:
    """What a table shows. None (or empty text) means "any"; every criterion given must hold."""

    text: str = ""  # every white-space separated word must occur, in any case, in quote, statement, terms or title
    status: str | None = None  # status key
    claim_type: str | None = None  # claim type key
    reviewer: str | None = None  # reviewer name, exactly
    term: str | None = None  # a term label, whole (not a part of it), in any case

    @property
    def words(self) -> list[str]:
        # longest first: the rarest word usually cuts the list down most for the others
        return sorted(set(self.text.casefold().split()), key=len, reverse=True)

    @property
    def is_empty(self) -> bool:
        exact = (self.status, self.claim_type, self.reviewer, self.term)
        return not self.text.split() and all(value is None for value in exact)

    def narrows(self, previous: ClaimFilter) -> bool:
        """Whether every row this filter keeps is among the rows `previous` kept (typing on at the end).

        Each word of the previous text is then a word, or the start of a word, of this text.
        """
        return (
            self.status == previous.status
            and self.claim_type == previous.claim_type
            and self.reviewer == previous.reviewer
            and self.term == previous.term
            and self.text.casefold().startswith(previous.text.casefold())
        )


def filter_rows(rows: Sequence[ClaimRow], flt: ClaimFilter) -> list[ClaimRow]:
    """The rows `flt` keeps, in their given order (a new list)."""
    out = list(rows)
    # the exact criteria first: each is one comparison per row and may shrink the list for the words
    if flt.status is not None:
        status = flt.status
        out = [r for r in out if r.status_key == status]
    if flt.claim_type is not None:
        claim_type = flt.claim_type
        out = [r for r in out if r.claim_type_key == claim_type]
    if flt.reviewer is not None:
        reviewer = flt.reviewer
        out = [r for r in out if r.reviewer == reviewer]
    if flt.term is not None:
        term = flt.term.strip().casefold()
        out = [r for r in out if term in r.term_keys]
    for word in flt.words:
        out = [r for r in out if word in r.haystack]
    return out


# -- sort --------------------------------------------------------------------------------------


def sort_rows(
    rows: Sequence[ClaimRow], column: int, descending: bool = False, ranks: dict[ClaimRow, int] | None = None
) -> list[ClaimRow]:
    """`rows` (given in reading order) sorted by a logical column; ties keep reading order.

    column < 0 means reading order itself. Python's sort is stable also with reverse=True, so
    descending sorts keep ties in reading order too. `ranks` (from dense_ranks) give the same order
    faster: comparing small ints is several times cheaper than comparing long strings.
    """
    if column < 0:
        return list(rows)
    if ranks is not None:
        return sorted(rows, key=ranks.__getitem__, reverse=descending)
    keys = [r.keys[column] for r in rows]
    # sorting indices by a flat list of keys is faster than a key function over the rows
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    return [rows[i] for i in order]


def sort_with_ranks(rows: Sequence[ClaimRow], column: int) -> tuple[list[ClaimRow], dict[ClaimRow, int]]:
    """`rows` sorted ascending by `column`, and each row's rank among the column's distinct keys.

    Equal keys share a rank, so a later sort_rows(…, ranks) keeps ties in reading order both ways.
    """
    ordered = sort_rows(rows, column)
    ranks: dict[ClaimRow, int] = {}
    rank, previous = -1, object()
    for row in ordered:
        key = row.keys[column]
        if key != previous:
            rank, previous = rank + 1, key
        ranks[row] = rank
    return ordered, ranks


def dense_ranks(rows: Sequence[ClaimRow], column: int) -> dict[ClaimRow, int]:
    return sort_with_ranks(rows, column)[1]


def precedes(a: ClaimRow, b: ClaimRow, column: int, descending: bool) -> bool:
    """Whether `a` comes before `b` in the order sort_rows gives (used to place one row in a sorted list)."""
    if column >= 0:
        ka, kb = a.keys[column], b.keys[column]
        if ka != kb:
            return ka > kb if descending else ka < kb
    return a.reading < b.reading


def insert_position(rows: Sequence[ClaimRow], row: ClaimRow, column: int, descending: bool) -> int:
    """Where `row` goes in `rows`, sorted as sort_rows sorts them (binary search)."""
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if precedes(rows[mid], row, column, descending):
            lo = mid + 1
        else:
            hi = mid
    return lo


def position_of(rows: Sequence[ClaimRow], row: ClaimRow, column: int, descending: bool) -> int:
    """Where `row` (the very object) is in sorted `rows`, or -1 (binary search; the order is total)."""
    i = insert_position(rows, row, column, descending)
    return i if i < len(rows) and rows[i] is row else -1
