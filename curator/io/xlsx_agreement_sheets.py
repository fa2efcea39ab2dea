"""The workbook's Agreement and Disagreements sheets, when two or more reviewers extracted a document.

Agreement: per field and term role, overall, per reviewer pair and per document — units, percent
agreement, Cohen's κ, Krippendorff's α, mean Jaccard for term roles, and why a coefficient is
undefined. Disagreements: every field on which two reviewers' matched claims differ, both values, and
how it was resolved; and every claim the other reviewer has no claim for.
"""

from __future__ import annotations

from itertools import combinations

from curator.core.agreement import AgreementReport, Unit, dual_documents, measure
from curator.core.agreement_stats import Coefficients
from curator.core.reconcile_view import resolutions
from curator.core.records import ClaimRecord
from curator.core.session import Session
from curator.io.xlsx_sheets import ExportReport, SheetLayout, TableSheet

NOT_RECONCILED = "not reconciled yet"
AGREEMENT_HEADERS = {
    "Scope": "Whose claims the row compares: all reviewers, one pair (A × B), or one document's reviewers.",
    "Field": "The form field or term role compared.",
    "Field key": "The codebook's key of the field or role.",
    "Units": "Matched units (claims of two or more reviewers overlapping on one passage) in which both coded it.",
    "Agreement": "Share of agreeing pairs of values (0–1). Number fields: exact agreement.",
    "Cohen's kappa": "Cohen's κ (exactly two reviewers; choice fields and term roles). Empty when undefined.",
    "Krippendorff's alpha": "Krippendorff's α (nominal; interval for numbers); any number of reviewers.",
    "Mean Jaccard": "Term roles: the mean overlap of the two reviewers' term sets per unit (0–1).",
    "Note": "Why a coefficient is undefined, or the span agreement of a pair.",
}
DISAGREEMENT_HEADERS = {
    "Document": "The document's title.",
    "Quote": "The first reviewer's quote of the unit.",
    "Field": "The field that differs ('Claim' when only one reviewer made a claim there).",
    "Reviewer A": "One reviewer.",
    "Value A": "Her value (terms joined with '; ').",
    "Reviewer B": "The other reviewer.",
    "Value B": "His or her value.",
    "Claim UUID A": "Reviewer A's claim.",
    "Claim UUID B": "Reviewer B's claim (empty if none).",
    "Resolution": "How the difference was resolved (reconciliation), or that it is not reconciled yet.",
}
AGREEMENT_LAYOUT = SheetLayout(
    widths={"Scope": 34, "Field": 24, "Field key": 18, "Units": 8, "Note": 50},
    wrapped=frozenset({"Scope", "Note"}),
    freeze="C2",
    fit_width=True,
)
DISAGREEMENT_LAYOUT = SheetLayout(
    widths={"Document": 30, "Quote": 50, "Value A": 30, "Value B": 30, "Claim UUID A": 20, "Claim UUID B": 20},
    wrapped=frozenset({"Quote", "Value A", "Value B", "Document"}),
    freeze="D2",
    fit_width=True,
)


def write_agreement_sheets(
    workbook, session: Session, claims: list[ClaimRecord], report: ExportReport, dictionary
) -> AgreementReport | None:
    """Both sheets, for the documents assigned to two or more extractors that both have claims on;
    None (no sheets) when there are none. A project without dual assignments gets no sheets: claims of
    several reviewers there were not made independently (`curator agreement` still compares them)."""
    dual = dual_documents(session)
    if not dual:
        return None
    agreement = measure(session, claims=claims, documents=dual)
    if len(agreement.reviewers) < 2:
        return None
    codebook = session.codebook
    labels = {f.key: f.label for f in codebook.fields} | {r.key: r.label for r in codebook.roles}
    titles = {d.id: d.title for d in session.documents.summaries()}
    rows = _agreement_rows(agreement, labels, titles)
    sheet = TableSheet(workbook, "Agreement", list(AGREEMENT_HEADERS), len(rows), report, AGREEMENT_LAYOUT)
    dictionary.add("Agreement", AGREEMENT_HEADERS.items())
    sheet.append_all((row, f"Agreement, row {n}") for n, row in enumerate(rows, 2))

    differences = _disagreements(agreement.units, session, titles, resolutions(session))
    sheet = TableSheet(
        workbook, "Disagreements", list(DISAGREEMENT_HEADERS), len(differences), report, DISAGREEMENT_LAYOUT
    )
    dictionary.add("Disagreements", DISAGREEMENT_HEADERS.items())
    sheet.append_all((row, f"Disagreements, row {n}") for n, row in enumerate(differences, 2))
    return agreement


def _agreement_rows(agreement: AgreementReport, labels: dict, titles: dict) -> list[list]:
    def row(scope: str, key: str, c: Coefficients, jaccard=None) -> list:
        note = "; ".join(dict.fromkeys(n for n in (c.kappa_note, c.alpha_note) if n))
        return [
            scope,
            labels.get(key, key),
            key,
            c.n,
            *(_round(v) for v in (c.percent, c.kappa, c.alpha, jaccard)),
            note,
        ]

    everyone = "All reviewers: " + ", ".join(agreement.reviewers)
    rows = [row(everyone, k, c, agreement.jaccard.get(k)) for k, c in agreement.fields.items()]
    for (a, b), spans in agreement.spans.items():
        f1 = f"{spans.f1:.2f}" if spans.f1 is not None else "—"
        note = f"spans: {spans.matched} matched, {spans.first_only} only {a}, {spans.second_only} only {b}, F1 {f1}"
        rows.append([f"{a} × {b}", "Claims (spans)", "", spans.matched, None, None, None, None, note])
    for (a, b), fields in agreement.by_pair.items():
        rows += [row(f"{a} × {b}", k, c) for k, c in fields.items()]
    for doc, fields in agreement.by_document.items():
        rows += [row(titles.get(doc, f"document {doc}"), k, c) for k, c in fields.items()]
    return rows


def _disagreements(units: tuple[Unit, ...], session: Session, titles: dict, resolved: dict) -> list[list]:
    codebook = session.codebook
    compared = [f for f in codebook.value_fields if f.kind in ("choice", "number", "integer")]
    out = []
    on_document: dict[int, set[str]] = {}
    for unit in units:
        on_document.setdefault(unit.document_id, set()).update(unit.claims)
    for unit in units:
        title = titles.get(unit.document_id, f"document {unit.document_id}")
        names = sorted(unit.claims)
        if len(names) == 1:
            claim = unit.claims[names[0]]
            others = ", ".join(sorted(on_document[unit.document_id] - {names[0]}))
            out.append(
                [
                    title,
                    claim.anchor.exact,
                    "Claim",
                    names[0],
                    "a claim",
                    others,
                    "no claim here",
                    claim.uuid,
                    "",
                    resolved.get((claim.uuid, ""), NOT_RECONCILED),
                ]
            )
            continue
        for a, b in combinations(names, 2):
            first, second = unit.claims[a], unit.claims[b]
            for f in compared:
                x, y = first.values.get(f.key), second.values.get(f.key)
                if (x or None) != (y or None):
                    shown = (
                        (f.choice_label(x) if x else "", f.choice_label(y) if y else "")
                        if f.kind == "choice"
                        else (x, y)
                    )
                    out.append(
                        [
                            title,
                            first.anchor.exact,
                            f.label,
                            a,
                            shown[0],
                            b,
                            shown[1],
                            first.uuid,
                            second.uuid,
                            resolved.get((first.uuid, f.key), NOT_RECONCILED),
                        ]
                    )
            for role in codebook.roles:
                x, y = _term_labels(first, role.key), _term_labels(second, role.key)
                if set(x) != set(y):
                    out.append(
                        [
                            title,
                            first.anchor.exact,
                            role.label,
                            a,
                            "; ".join(x),
                            b,
                            "; ".join(y),
                            first.uuid,
                            second.uuid,
                            resolved.get((first.uuid, role.key), NOT_RECONCILED),
                        ]
                    )
    return out


def _round(value: float | None) -> float | None:
    """Four decimals: reviews report agreement to two or three, and a sheet of 0.7428571428 reads badly."""
    return None if value is None else round(value, 4)


def _term_labels(claim: ClaimRecord, role: str) -> list[str]:
    return sorted(t.label for t in claim.terms if t.role == role)
