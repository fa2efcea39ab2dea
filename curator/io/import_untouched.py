"""The two shortcuts that make planning a 100,000-row import fast, each exact by construction.

`ValueCleaner.clean` gives what `ClaimService.clean_values` gives (or raises what it raises, by
calling it): the number and choice fields repeat a few hundred combinations in a large sheet, so their
checks are remembered per combination; the text fields are normalised directly.

`UntouchedRows.check` recognises a row of an untouched export from its raw cells: for each stored
claim it builds the cells an export writes for it, restricted to forms the full planning is known to
read back as that claim unchanged (a cell it would report, cut, split or normalise differently leaves
the claim to the full planning). A row equal to them, type for type, is counted unchanged without
being parsed. At 100,000 rows the full planning cost ≈ 150 µs a row (bench/results-import.md).
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from curator.core.claims import unstorable_text
from curator.core.errors import ValidationError
from curator.core.records import ClaimRecord
from curator.io.import_cells import CUT_HINT, split_cell
from curator.io.xlsx_read import CELL_LIMIT

if TYPE_CHECKING:
    from curator.core.session import Session
    from curator.io.claim_table import ClaimColumn

TEXT_KINDS = ("text", "longtext")
VALUE_KINDS = ("text", "longtext", "choice", "number", "integer")  # the kinds clean_values knows
_FAILED = object()


class ValueCleaner:
    """`clean_values`, exactly, with the checks of the number and choice fields remembered."""

    def __init__(self, session: Session):
        self.real = session.claims.clean_values
        fields = session.codebook.value_fields
        self.known = frozenset(f.key for f in fields)
        self.nontext_keys = tuple(f.key for f in fields if f.kind not in TEXT_KINDS)
        # (key, kind) in the codebook's order, so the cleaned dict has clean_values' key order
        self.order = tuple((f.key, f.kind) for f in fields)
        self.memo: dict[tuple, Any] = {}

    def _nontext(self, values: dict[str, Any]) -> tuple | None:
        """The number and choice fields cleaned, or None when clean_values itself must answer."""
        nontext = tuple(map(values.get, self.nontext_keys))
        # 1 == 1.0 == True and 0.0 == -0.0 share a dict slot but clean differently: the types go into the
        # key, and a zero (whose sign a remembered answer could lose) is never remembered.
        if 0.0 in nontext:
            return None
        key = (nontext, tuple(map(type, nontext)))
        cleaned = self.memo.get(key)
        if cleaned is None:
            try:
                whole = self.real(dict(zip(self.nontext_keys, nontext)))
            except ValidationError:
                cleaned = _FAILED
            else:
                cleaned = tuple(map(whole.get, self.nontext_keys))
            self.memo[key] = cleaned
        return None if cleaned is _FAILED else cleaned

    def nontext_ok(self, values: dict[str, Any]) -> bool:
        """clean_values accepts these number and choice values (zeros are asked every time)."""
        if self._nontext(values) is not None:
            return True
        try:
            self.real({k: values.get(k) for k in self.nontext_keys})
        except ValidationError:
            return False
        return True

    def clean(self, values: dict[str, Any]) -> dict[str, Any]:
        if not self.known.issuperset(values):
            return self.real(values)
        nontext = self._nontext(values)
        if nontext is None:
            return self.real(values)
        cleaned: dict[str, Any] = {}
        position = 0
        for key, kind in self.order:
            if kind not in TEXT_KINDS:
                cleaned[key] = nontext[position]
                position += 1
                continue
            value = values.get(key)
            if value is None:
                cleaned[key] = ""
                continue
            if value.__class__ is not str or unstorable_text(value):
                return self.real(values)  # its words for the problem, or its reading of a non-text value
            if "\r" in value:
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            cleaned[key] = value.strip() if kind == "text" else value
        return cleaned


class UntouchedRows:
    """Rows that hold exactly what an export of their claim holds."""

    def __init__(
        self,
        session: Session,
        mapped: dict[int, ClaimColumn],
        term_columns: dict[str, tuple[str | None, str | None]],
        document_index: dict[str, list[int]],
        titles: dict[int, str],
        cleaner: ValueCleaner,
    ):
        self.cleaner = cleaner
        by_header = {c.header: (position, c) for position, c in enumerate(mapped.values())}
        self.id_at = by_header["Claim ID"][0]
        self.has_uuid = "Claim UUID" in by_header
        compared = [by_header["Claim UUID"][0]] if self.has_uuid else []
        compared += [by_header["Document"][0], by_header["Quote"][0]]
        # The compared cells are taken grouped by kind, so each group's expected cells are built in one go.
        fields = {
            kind: [(p, c.field) for p, c in by_header.values() if c.kind == "value" and c.field.kind == kind]
            for kind in VALUE_KINDS
        }
        for kind in VALUE_KINDS:
            compared += [p for p, _ in fields[kind]]
        self.text_keys = tuple(f.key for _, f in fields["text"])
        self.longtext_keys = tuple(f.key for _, f in fields["longtext"])
        self.choice_keys = tuple(f.key for _, f in fields["choice"])
        self.choice_cells = tuple(_choice_cells(f) for _, f in fields["choice"])
        self.number_keys = tuple(f.key for _, f in fields["number"])
        self.integer_keys = tuple(f.key for _, f in fields["integer"])
        self.term_parts: list[tuple[str, bool]] = []  # (role, by label) in compared order
        for role, (labels, ids) in term_columns.items():
            # the full planning reads the IDs column only where the labels column is absent
            if labels is not None:
                compared.append(by_header[labels][0])
                self.term_parts.append((role, True))
            elif ids is not None:
                compared.append(by_header[ids][0])
                self.term_parts.append((role, False))
        self.take = itemgetter(*compared)
        # keyed by the ids of a record's TermRefs: the records (so the ids) live as long as this object is used
        self.term_cells: dict[tuple, tuple | None] = {}
        self.document_cells = {d: _document_cell(d, title, document_index) for d, title in titles.items()}

    @classmethod
    def for_sheet(
        cls,
        session: Session,
        mapped: dict[int, ClaimColumn],
        term_columns: dict[str, tuple[str | None, str | None]],
        document_index: dict[str, list[int]],
        titles: dict[int, str],
        cleaner: ValueCleaner,
    ) -> UntouchedRows | None:
        """The shortcut where it applies: rows naming their claim, and every value field in the sheet (a
        field left out keeps the stored value, which clean_values may still change)."""
        headers = {c.header for c in mapped.values()}
        fields = {c.field.key for c in mapped.values() if c.kind == "value"}
        value_fields = session.codebook.value_fields
        if (
            "Claim ID" not in headers
            or fields != {f.key for f in value_fields}
            or any(f.kind not in VALUE_KINDS for f in value_fields)
        ):
            return None
        return cls(session, mapped, term_columns, document_index, titles, cleaner)

    def check(self, row: int, cells: tuple, existing: dict[int, ClaimRecord], seen_ids: dict[int, int]) -> bool:
        """True (and the row's claim marked seen) if the row is its claim's export, unchanged."""
        claim = cells[self.id_at]
        if claim.__class__ is not float or not claim.is_integer() or claim <= 0:
            return False
        claim_id = int(claim)
        old = existing.get(claim_id)
        if old is None or claim_id in seen_ids:
            return False
        expected = self.expected(old)
        if expected is None:
            return False
        got = self.take(cells)
        if got != expected[0] or tuple(map(type, got)) != expected[1]:
            return False
        # what the full planning refuses in any mapped cell, read-only columns included
        joined = "\x01".join([value for value in cells if value.__class__ is str])
        if len(joined) > CELL_LIMIT or unstorable_text(joined) is not None:
            return False
        seen_ids[claim_id] = row
        return True

    def expected(self, old: ClaimRecord) -> tuple[tuple, tuple] | None:
        """The compared cells of `old`'s exported row and their types, or None to leave it to the full planning."""
        values = old.values
        document = self.document_cells.get(old.document_id)
        # the number and choice values pass clean_values' own checks together (a CI the wrong way round …)
        if document is None or not self.cleaner.nontext_ok(values):
            return None
        head: tuple = (document, old.anchor.exact)
        if self.has_uuid:
            if not old.uuid or old.uuid != old.uuid.strip().lower():
                return None
            head = (old.uuid, *head)
        texts = tuple(map(values.get, self.text_keys))
        longtexts = tuple(map(values.get, self.longtext_keys))
        if None in texts:
            texts = tuple("" if v is None else v for v in texts)
        if None in longtexts:
            longtexts = tuple("" if v is None else v for v in longtexts)
        try:
            joined = "\x02".join(texts + longtexts)
        except TypeError:  # a stored non-text value, which clean_values would turn into text
            return None
        # CR is normalised and a cut mark refused on the way in; text fields are stripped
        if "\r" in joined or CUT_HINT in joined or tuple(map(str.strip, texts)) != texts:
            return None
        choices = tuple(map(dict.get, self.choice_cells, map(values.get, self.choice_keys)))
        if None in choices:
            return None
        numbers = tuple(map(values.get, self.number_keys))
        if not _NUMBER_TYPES.issuperset(map(type, numbers)):
            return None
        integers = tuple(map(values.get, self.integer_keys))
        if not _INTEGER_TYPES.issuperset(map(type, integers)):
            return None
        if None in numbers:
            numbers = tuple("" if v is None else v for v in numbers)
        # a spreadsheet holds numbers as floats: a whole count comes back as 120.0
        integers = tuple("" if v is None else float(v) for v in integers)
        if any(v != "" and v > _EXACT_FLOAT for v in integers):
            return None
        # TermRefs are shared between the records of one read, so a few hundred combinations serve every claim
        key = tuple(map(id, old.terms))
        terms = self.term_cells.get(key, _FAILED)
        if terms is _FAILED:
            terms = self.term_cells[key] = self._term_cells(old)
        if terms is None:
            return None
        found = head + texts + longtexts + choices + numbers + integers + terms
        return found, tuple(map(type, found))

    def _term_cells(self, old: ClaimRecord) -> tuple | None:
        cells = []
        for role, by_label in self.term_parts:
            parts = [t.label if by_label else t.identifier for t in old.terms if t.role == role]
            cell = "; ".join(parts)
            if split_cell(cell) != parts:  # a label holding ";" or spaces at its ends reads back otherwise
                return None
            cells.append(cell)
        return tuple(cells)


_NUMBER_TYPES = frozenset({float, type(None)})
_INTEGER_TYPES = frozenset({int, type(None)})
_EXACT_FLOAT = 2**53  # above it a float no longer holds every whole number


def _choice_cells(f) -> dict[str, str]:
    """Stored key -> the label the export writes, for the keys whose label reads back as that key."""
    cells: dict[str | None, str] = {}
    for key in f.choice_keys:
        label = f.choice_label(key)
        if label and f.choice_key_for(label) == key:
            cells[key] = label
    if not f.default:
        cells[""] = cells[None] = ""  # an empty cell is an empty value only where the field has no default
    return cells


def _document_cell(document_id: int, title: str, index: dict[str, list[int]]) -> str | None:
    """The title, if the planning's look-up of it finds exactly this document."""
    if not title:
        return ""  # an empty Document cell keeps the claim's document
    found = index.get(" ".join(title.split()).casefold()) or index.get(title.strip().casefold())
    return title if found and len(set(found)) == 1 and found[0] == document_id else None
