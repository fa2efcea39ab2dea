"""Bring an edited Claims sheet back: plan every row first, show the plan, then write it in one go.

A row with a Claim ID updates that claim field by field; a row without one becomes a new claim,
its Quote located in the named document. Nothing is written while any row has a problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter
from typing import Any

from curator.core.anchoring import AnchorError, make_anchor
from curator.core.bulk_claims import no_cyclic_gc
from curator.core.claims import unstorable_text
from curator.core.commands import ImportClaims
from curator.core.errors import CuratorError
from curator.core.quote_search import FoldedText, same_quote
from curator.core.records import Changes, ClaimDraft, ClaimRecord, TermRef
from curator.core.session import Session
from curator.io.claim_table import ClaimColumn, claim_columns, find_column
from curator.io.import_cells import CUT_HINT, cell_text, display_value, split_cell
from curator.io.import_plan import FieldChange, ImportPlan, Problem, RowPlan, short
from curator.io.import_terms import TermMatcher
from curator.io.import_untouched import UntouchedRows, ValueCleaner
from curator.io.xlsx_read import CELL_LIMIT, SheetTable, read_sheet
from curator.io.xlsx_sheets import CUT_MARK

_CUT = re.compile(re.escape(CUT_MARK).replace(r"\{total:,\}", r"[\d,]+") + r"$")


class ClaimImportError(CuratorError):
    pass


def plan_import(
    session: Session,
    path: str | os.PathLike,
    add_unknown_terms: bool = False,
    progress: Callable[[int, int], bool] | None = None,
) -> ImportPlan:
    with no_cyclic_gc():
        # The sandbox's process parses the workbook while this one reads the stored claims: on two
        # cores the two overlap, and at 100,000 claims each is a second or more.
        reading = ThreadPoolExecutor(max_workers=1, thread_name_prefix="curator-read-sheet")
        table_read = reading.submit(read_sheet, path)
        reading.shutdown(wait=False)
        try:
            claims = session.claims.all()
        except Exception:
            table_read.result()  # a workbook that cannot be read is told first, as when the two ran in turn
            raise
        return Planner(session, table_read.result(), add_unknown_terms, claims).plan(progress)


class Planner:
    def __init__(
        self,
        session: Session,
        table: SheetTable,
        add_unknown_terms: bool,
        claims: list[ClaimRecord] | None = None,
    ):
        self.session = session
        self.claims = claims  # the stored claims, if already read
        self.table = table
        self.documents = session.documents.infos()
        self.titles = {d.id: d.title for d in self.documents}
        self.columns = claim_columns(session, self.titles)
        self.terms = TermMatcher(session, add_unknown_terms)
        self.plan_ = ImportPlan(table.path, table.sheet, role_labels={r.key: r.label for r in session.codebook.roles})
        self.folded: dict[int, FoldedText] = {}
        self.cleaner = ValueCleaner(session)

    # -- set-up -------------------------------------------------------------------------------
    def _map_header(self) -> dict[int, ClaimColumn]:
        mapped: dict[int, ClaimColumn] = {}
        seen: dict[str, int] = {}
        for i, header in enumerate(self.table.header):
            if not header:
                continue
            column = find_column(self.columns, header)
            if column is None:
                self.plan_.ignored_columns.append(header)
            elif column.header in seen:
                self.problem(None, header, "this column appears twice; keep one")
            else:
                seen[column.header] = i
                mapped[i] = column
        for required in ("Document", "Quote"):
            if required not in seen:
                self.problem(
                    None,
                    required,
                    f"the sheet has no {required} column (headers are read from row 1; found: {', '.join(h for h in self.table.header if h) or 'none'})",
                )
        return mapped

    def _document_index(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for d in self.documents:
            for key in {str(d.id), d.title.casefold().strip(), d.file_name.casefold()}:
                if key:
                    index.setdefault(key, []).append(d.id)
        return index

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.plan_.problems.append(Problem(row, column, message))

    # -- rows ---------------------------------------------------------------------------------
    def plan(self, progress: Callable[[int, int], bool] | None = None) -> ImportPlan:
        mapped = self._map_header()
        if self.plan_.problems:
            return self.plan_
        self.doc_index = self._document_index()
        existing = {c.id: c for c in (self.session.claims.all() if self.claims is None else self.claims)}
        # Several claims may share one passage (one sentence, two findings): keep them all.
        self.by_span: dict[tuple[int, int, int], list[ClaimRecord]] = {}
        for c in existing.values():
            self.by_span.setdefault((c.document_id, c.anchor.start, c.anchor.end), []).append(c)
        self.term_columns = {
            role: tuple(
                next((c.header for c in mapped.values() if c.kind == kind and c.role == role), None)
                for kind in ("terms", "term_ids")
            )
            for role in self.terms.roles
        }
        # (header, field, kind, the field's choice look-ups so far) of each value column
        self.value_specs = [(c.header, c.field, c.field.kind, {}) for c in mapped.values() if c.kind == "value"]
        self._terms_cache: dict[tuple, tuple[TermRef, ...]] = {}
        seen_ids: dict[int, int] = {}
        planned_new: set = set()
        total = len(self.table.rows)
        headers, columns = [c.header for c in mapped.values()], list(mapped.values())
        pick, width = itemgetter(*mapped), max(mapped) + 1  # mapped holds Document and Quote at least
        untouched = self._untouched_rows(mapped)
        for n, (row, cells) in enumerate(self.table.rows, 1):
            if len(cells) < width:  # a row's empty trailing cells are not stored
                cells = [*cells, *[None] * (width - len(cells))]
            picked = pick(cells)
            if untouched is not None and untouched.check(row, picked, existing, seen_ids):
                self.plan_.unchanged += 1
            else:
                self._plan_row(row, dict(zip(headers, zip(columns, picked))), picked, existing, seen_ids, planned_new)
            if progress and n % 1000 == 0 and progress(n, total) is False:
                raise ClaimImportError("import cancelled; nothing was written")
        self.plan_.new_terms = self.terms.new_terms()
        return self.plan_

    def _untouched_rows(self, mapped: dict[int, ClaimColumn]) -> UntouchedRows | None:
        return UntouchedRows.for_sheet(
            self.session, mapped, self.term_columns, self.doc_index, self.titles, self.cleaner
        )

    def _plan_row(
        self,
        row: int,
        cells: dict[str, tuple[ClaimColumn, Any]],
        picked: tuple,  # the same cells in mapped order
        existing: dict[int, ClaimRecord],
        seen_ids: dict[int, int],
        planned_new: set,
    ) -> None:
        if self._unreadable_cells(row, cells, picked):
            return
        claim_id = self._claim_id(row, cells)
        old = None
        if claim_id is not None:
            if claim_id in seen_ids:
                return self.problem(
                    row, "Claim ID", f"claim {claim_id} is also on row {seen_ids[claim_id]}; keep one row per claim"
                )
            seen_ids[claim_id] = row
            old = existing.get(claim_id)
            if old is None:
                return self.problem(
                    row,
                    "Claim ID",
                    f"claim {claim_id} is not in this project (deleted, or a workbook from another project?); "
                    "clear the Claim ID to add the row as a new claim",
                )
            # Ids are numbered per project; the UUID says whether this row was exported from this claim.
            # Workbooks without the column (older exports) are taken on the Claim ID alone.
            stated = cells.get("Claim UUID", (None, None))[1]
            stated = str(stated).strip().lower() if stated not in (None, "") else ""
            if stated and old.uuid and stated != old.uuid:
                return self.problem(
                    row,
                    "Claim UUID",
                    f"{stated[:36]} is not the UUID of claim {claim_id} in this project (is the workbook from another "
                    "project?); clear Claim ID and Claim UUID to add the row as a new claim",
                )
        document_id = self._document(row, cells, old)
        if document_id is None:
            return
        span = self._quote(row, cells, document_id, old)
        if span is None:
            return
        if old is None or span != (old.anchor.start, old.anchor.end):
            # The write anchors every new passage with make_anchor and refuses what it refuses; the plan
            # runs the same check, or a dry run would promise rows the import then refuses.
            try:
                make_anchor(self.folded[document_id].text, span[0], span[1])
            except AnchorError as exc:
                return self.problem(row, "Quote", str(exc))
        values = self._values(row, cells, old)
        terms = self._terms(row, cells, old)
        if values is None or terms is None:
            return
        draft = ClaimDraft(document_id, span[0], span[1], values, terms)
        try:
            cleaned = self.cleaner.clean(values)
        except CuratorError as exc:
            return self.problem(row, "", str(exc))
        draft = ClaimDraft(document_id, span[0], span[1], cleaned, terms)
        title = self.titles[document_id]
        if old is not None:
            changes = self._diff(old, draft)
            if changes:
                self.plan_.changed.append(RowPlan(row, claim_id, title, draft, changes))
            else:
                self.plan_.unchanged += 1
            return
        # A new row already imported once (same passage, same content) is not added again.
        twins = self.by_span.get((document_id, span[0], span[1]), ())
        key = (document_id, span, tuple(cleaned.items()), self._term_key(terms))
        if any(not self._diff(twin, draft) for twin in twins) or key in planned_new:
            self.plan_.unchanged += 1
            return
        planned_new.add(key)
        self.plan_.new.append(RowPlan(row, None, title, draft, quote=self.folded[document_id].text[span[0] : span[1]]))

    def _unreadable_cells(self, row: int, cells: dict[str, tuple[ClaimColumn, Any]], picked: tuple) -> bool:
        """Report cells no spreadsheet program writes or no database stores; True if there were any."""
        # One test of the row's text joined (by a character that is neither NUL nor a surrogate), and the
        # cells one by one only when it finds something: at 100,000 rows a call per cell cost seconds.
        joined = "\x01".join([value for value in picked if isinstance(value, str)])
        if len(joined) <= CELL_LIMIT and unstorable_text(joined) is None:
            return False
        errors_before = len(self.plan_.problems)
        for header, (_, value) in cells.items():
            if isinstance(value, str) and len(value) > CELL_LIMIT:
                self.problem(
                    row,
                    header,
                    f"{len(value):,} characters, more than a spreadsheet cell holds ({CELL_LIMIT:,}); this file was not written by a spreadsheet program",
                )
            # python-calamine has already decoded OOXML escapes (_x000C_ is a form feed again; see
            # curator/io/ooxml_text.py), so a cell may now hold what no database stores: _x0000_ is NUL.
            why = unstorable_text(value) if isinstance(value, str) else None
            if why:
                self.problem(row, header, why)
        return len(self.plan_.problems) > errors_before

    def _claim_id(self, row: int, cells) -> int | None:
        value = cells.get("Claim ID", (None, None))[1]
        if value in (None, ""):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if number != int(number) or number <= 0:
            self.problem(
                row, "Claim ID", f"'{value}' is not a claim id; ids are whole numbers (clear it for a new claim)"
            )
            return None
        return int(number)

    def _document(self, row: int, cells, old: ClaimRecord | None) -> int | None:
        value = cells["Document"][1]
        if value in (None, ""):
            if old is not None:
                return old.document_id
            self.problem(row, "Document", "empty; name the document by title, file name or Document ID")
            return None
        key = (
            str(int(value))
            if isinstance(value, float) and value.is_integer()
            else " ".join(str(value).split()).casefold()
        )
        found = self.doc_index.get(key) or self.doc_index.get(str(value).strip().casefold())
        if not found:
            self.problem(
                row,
                "Document",
                f"no document is called '{short(value)}'; use a title, file name or id from the Documents sheet",
            )
            return None
        if len(set(found)) > 1:
            self.problem(
                row, "Document", f"'{short(value)}' names {len(set(found))} documents; use the Document ID instead"
            )
            return None
        if old is not None and found[0] != old.document_id:
            self.problem(
                row,
                "Document",
                f"claim {old.id} belongs to “{short(self.titles[old.document_id])}”; a claim cannot move to another document",
            )
            return None
        return found[0]

    def _quote(self, row: int, cells, document_id: int, old: ClaimRecord | None) -> tuple[int, int] | None:
        value = cells["Quote"][1]
        quote = "" if value is None else str(value)
        if old is not None and (
            not quote.strip() or same_quote(quote, old.anchor.exact) or self._is_cut_of(quote, old.anchor.exact)
        ):
            return old.anchor.start, old.anchor.end
        if not quote.strip():
            self.problem(row, "Quote", "empty; paste the passage that makes the claim")
            return None
        if document_id not in self.folded:
            self.folded[document_id] = FoldedText(self.session.documents.get(document_id).text)
        start_hint = cells.get("Start", (None, None))[1]
        near = int(start_hint) if isinstance(start_hint, (int, float)) and float(start_hint).is_integer() else None
        if near is not None and near < 0:  # Python would read text[-30:] as the last 30 characters
            self.problem(row, "Start", f"{near} is not a position in the document (they count from 0); fix or clear it")
            return None
        if near is not None and self.folded[document_id].text[near : near + len(quote)] == quote:
            return near, near + len(quote)  # exactly where its Start says: an exported row, unedited
        if near is not None:
            near += len(quote) - len(quote.lstrip())  # a match starts at the first non-space character
        match = self.folded[document_id].find(quote, near)
        if match.kind == "not_found":
            self.problem(
                row,
                "Quote",
                f"“{short(quote, 60)}” is not in “{short(self.titles[document_id], 50)}”; copy the passage from the document again",
            )
            return None
        if match.kind == "ambiguous":
            self.problem(
                row,
                "Quote",
                f"“{short(quote, 60)}” occurs {match.count} times in the document; quote more words so it is found once, or give its Start",
            )
            return None
        return match.start, match.end

    @staticmethod
    def _is_cut_of(cell: str, full: str) -> bool:
        """The cell is this export's cut of a text too long for Excel."""
        mark = _CUT.search(cell) if CUT_HINT in cell else None
        # No length test: the cut is made on the escaped text, so a text full of control characters is
        # cut well before 32,767 characters of its own.
        return bool(mark) and len(full) > mark.start() and full.startswith(cell[: mark.start()])

    def _values(self, row: int, cells, old: ClaimRecord | None) -> dict[str, Any] | None:
        values = dict(old.values) if old else {}
        ok = True
        for header, f, kind, choices in self.value_specs:
            value = cells[header][1]
            if isinstance(value, str):
                if old is not None and self._is_cut_of(value, str(old.values.get(f.key) or "")):
                    continue  # unchanged: the full text stays in Curator
                if CUT_HINT in value and _CUT.search(value):
                    self.problem(
                        row, header, "this text was cut to fit Excel and then edited; edit long text in Curator instead"
                    )
                    ok = False
                    continue
            if kind == "choice":
                text = "" if value is None else str(value).strip()
                if not text:
                    values[f.key] = ""
                    continue
                # a sheet repeats a field's few choices on every row: each text is looked up once
                key = choices[text] if text in choices else choices.setdefault(text, f.choice_key_for(text))
                if key is None:
                    self.problem(
                        row, header, f"'{short(text)}' is not one of: {'; '.join(c.label for c in f.active_choices)}"
                    )
                    ok = False
                values[f.key] = key or ""
            elif kind == "number" or kind == "integer":
                if isinstance(value, bool):
                    value = None
                if isinstance(value, float) and kind == "integer" and value.is_integer():
                    value = int(value)
                values[f.key] = value.strip() if isinstance(value, str) else value
            else:
                values[f.key] = cell_text(value)
        return values if ok else None

    def _terms(self, row: int, cells, old: ClaimRecord | None) -> tuple[TermRef, ...] | None:
        """The row's terms; new rows with the same term cells as an earlier row reuse its answer
        (a 100,000-row sheet repeats a few hundred combinations)."""
        key = None
        if old is None:
            key = tuple((cells[a][1] if a else None, cells[b][1] if b else None) for a, b in self.term_columns.values())
            cached = self._terms_cache.get(key)
            if cached is not None:
                return cached
        result = self._match_terms(row, cells, old)
        if key is not None and result is not None:
            self._terms_cache[key] = result
        return result

    def _match_terms(self, row: int, cells, old: ClaimRecord | None) -> tuple[TermRef, ...] | None:
        current = list(old.terms) if old else []
        result: list[TermRef] = []
        ok = True
        for role, (labels_header, ids_header) in self.term_columns.items():
            kept = [t for t in current if t.role == role]
            labels_column = cells[labels_header] if labels_header else None
            ids_column = cells[ids_header] if ids_header else None
            if labels_column is not None:
                column, value = labels_column
                wanted = split_cell(value)
                if [w.casefold() for w in wanted] == [t.label.casefold() for t in kept]:
                    result += kept
                    continue
                by_label = {t.label.casefold(): t for t in kept}
                hints = (
                    [h.strip() for h in str(ids_column[1]).split(";")]
                    if ids_column is not None and ids_column[1]
                    else []
                )
                hints = hints if len(hints) == len(wanted) else [""] * len(wanted)
                for label, hint in zip(wanted, hints):
                    ref = by_label.get(label.casefold()) or self.terms.match(role, label, identifier_hint=hint)
                    if ref is None:
                        self.problem(row, column.header, self.terms.unknown_message(role, label))
                        ok = False
                    else:
                        result.append(ref)
            elif ids_column is not None:
                column, value = ids_column
                wanted = split_cell(value)
                if wanted == [t.identifier for t in kept]:
                    result += kept
                    continue
                for identifier in wanted:
                    ref = self.terms.match(role, identifier, by_identifier_only=True)
                    if ref is None:
                        self.problem(row, column.header, f"no {role} term has the identifier '{identifier}'")
                        ok = False
                    else:
                        result.append(ref)
            else:
                result += kept
        return tuple(result) if ok else None

    @staticmethod
    def _term_key(terms: tuple[TermRef, ...]) -> tuple:
        return tuple((t.role, t.label.casefold(), t.term_id) for t in terms)

    def _diff(self, old: ClaimRecord, draft: ClaimDraft) -> list[FieldChange]:
        same_span = (draft.start, draft.end) == (old.anchor.start, old.anchor.end)
        # Most rows of a re-import are untouched: equal values and terms (compared in C) mean no field
        # below differs; cleaned values are never NaN, so equality here is equality there.
        if same_span and draft.values == old.values and draft.terms == old.terms:
            return []
        changes = []
        if (draft.start, draft.end) != (old.anchor.start, old.anchor.end):
            text = (
                self.session.documents.get(old.document_id).text
                if old.document_id not in self.folded
                else self.folded[old.document_id].text
            )
            changes.append(FieldChange("Quote", old.anchor.exact, text[draft.start : draft.end]))
        for f in self.session.codebook.value_fields:
            before, after = old.values.get(f.key), draft.values.get(f.key)
            if before != after and not (before in (None, "") and after in (None, "")):
                changes.append(FieldChange(f.label, display_value(f, before), display_value(f, after)))
        for f in self.session.codebook.term_fields:
            before = [t.label for t in old.terms_for(f.key)]
            after = [t.label for t in draft.terms if t.role == f.key]
            if [b.casefold() for b in before] != [a.casefold() for a in after]:
                changes.append(FieldChange(f.label, "; ".join(before), "; ".join(after)))
        return changes


def import_command(session: Session, plan: ImportPlan) -> ImportClaims:
    """The plan as an undoable command; refuse a plan with problems."""
    if not plan.ok:
        raise ClaimImportError(
            f"{plan.source.name}: {len(plan.problems)} problem(s); nothing was written. First: {plan.problems[0]}"
        )
    return ImportClaims(
        session,
        creates=[(r.draft, f"{plan.source.name} row {r.row}") for r in plan.new],
        updates=[(r.claim_id, r.draft) for r in plan.changed],
        new_terms=plan.new_terms,
        source=plan.source.name,
    )


def apply_import(session: Session, plan: ImportPlan) -> Changes:
    """Write the plan in one transaction (all or nothing)."""
    return import_command(session, plan).do()
