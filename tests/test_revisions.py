"""Revised documents: every claim re-anchored exact, moved, fuzzy (only when accepted) or orphaned."""

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.core.anchoring import make_anchor
from curator.core.commands import ReplaceDocument
from curator.core.errors import ValidationError
from curator.core.models import DocumentVersion
from curator.core.reanchor import FUZZY_THRESHOLD, relocate
from curator.core.records import ClaimDraft, NewDocument
from curator.core.revisions import plan_revision
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

ORIGINAL = (
    "Background. Dysbiosis is common in MS.\n\n"
    "Pilot trials report modest reductions in relapse rate and fatigue.\n\n"
    "Several double-blind RCTs showed no significant benefit in up to 40% of participants.\n\n"
    "Butyrate-producing taxa were depleted across cohorts.\n"
)
REVISED = (
    "Background. Dysbiosis is common in MS, as many cohorts show.\n\n"
    "Several double-blind RCTs showed no significant benefit in up to 40% of participants.\n\n"
    "Pilot trials report modest but consistent reductions in relapse rate and fatigue.\n\n"
    "Limitations are discussed.\n"
)


def new_document(text: str, name: str = "revised.txt") -> NewDocument:
    return NewDocument(title="t", text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), file_name=name)


@pytest.fixture
def revisable(session):
    doc_id, _ = session.documents.add(new_document(ORIGINAL, "original.txt"))
    ids = {}
    for key, quote in (
        ("exact", "Dysbiosis is common in MS"),
        ("moved", "Several double-blind RCTs showed no significant benefit"),
        ("fuzzy", "Pilot trials report modest reductions in relapse rate and fatigue"),
        ("orphaned", "Butyrate-producing taxa were depleted"),
    ):
        start = ORIGINAL.index(quote)
        ids[key] = session.claims.create(ClaimDraft(doc_id, start, start + len(quote), {"statement": key}))[0].id
    return doc_id, ids


def test_a_revision_sorts_every_claim_and_moves_only_what_is_safe(session, revisable):
    doc_id, ids = revisable
    plan = plan_revision(session, doc_id, new_document(REVISED))
    status = {r.claim_id: r.status for r in plan.relocations}
    # "exact" keeps its place but its context changed, so it counts as moved (same words, checked)
    assert status == {ids["exact"]: "moved", ids["moved"]: "moved", ids["fuzzy"]: "fuzzy", ids["orphaned"]: "orphaned"}
    assert plan.counts() == {"exact": 0, "moved": 2, "fuzzy": 1, "orphaned": 1}
    fuzzy = next(r for r in plan.relocations if r.claim_id == ids["fuzzy"])
    assert fuzzy.score >= FUZZY_THRESHOLD and "«Pilot trials report modest but consistent" in fuzzy.new_context
    command = ReplaceDocument(session, plan, accept_fuzzy=set())
    command.do()
    text = session.documents.get(doc_id).text
    assert text == REVISED
    for key in ("exact", "moved"):
        c = session.claims.get(ids[key])
        assert text[c.anchor.start : c.anchor.end] == c.anchor.exact and not c.orphaned
    for key in ("fuzzy", "orphaned"):  # not accepted: kept, with its quote, never on other text
        c = session.claims.get(ids[key])
        assert c.orphaned and c.anchor.exact in ORIGINAL
    version = DocumentVersion.get(DocumentVersion.document == doc_id)
    assert version.text == ORIGINAL
    command.undo()
    assert session.documents.get(doc_id).text == ORIGINAL
    assert all(not session.claims.get(i).orphaned for i in ids.values())
    assert DocumentVersion.select().count() == 0


def test_an_accepted_fuzzy_match_moves_the_claim_to_the_new_wording(session, revisable):
    doc_id, ids = revisable
    plan = plan_revision(session, doc_id, new_document(REVISED))
    ReplaceDocument(session, plan, accept_fuzzy={ids["fuzzy"]}).do()
    c = session.claims.get(ids["fuzzy"])
    assert not c.orphaned and c.anchor.exact.startswith("Pilot trials report modest but consistent reductions")
    assert session.documents.get(doc_id).text[c.anchor.start : c.anchor.end] == c.anchor.exact


def test_an_orphaned_claim_is_kept_edited_without_moving_and_reselected(session, revisable):
    doc_id, ids = revisable
    ReplaceDocument(session, plan_revision(session, doc_id, new_document(REVISED)), set()).do()
    orphan = session.claims.get(ids["orphaned"])
    draft = orphan.as_draft()
    draft.values["statement"] = "still mine"
    session.claims.update(orphan.id, draft)  # same positions: the anchor is not re-bound
    again = session.claims.get(orphan.id)
    assert again.orphaned and again.anchor == orphan.anchor and again.values["statement"] == "still mine"
    text = session.documents.get(doc_id).text
    start = text.index("Limitations are discussed")
    session.claims.update(orphan.id, ClaimDraft(doc_id, start, start + 25, again.values, again.terms))
    moved = session.claims.get(orphan.id)
    assert not moved.orphaned and moved.anchor.exact == "Limitations are discussed"


def test_the_same_text_or_another_documents_file_is_refused(session, revisable):
    doc_id, _ = revisable
    with pytest.raises(ValidationError, match="already has"):
        plan_revision(session, doc_id, new_document(ORIGINAL))
    seed = session.documents.get(doc_id_by_file(session, "001"))
    with pytest.raises(ValidationError, match="already the document"):
        plan_revision(session, doc_id, new_document(seed.text))


words = st.sampled_from(
    ["gut", "brain", "axis", "MS", "relapse", "trial", "≈", "0.85", "naïve", "🧪", "a", "the", "\u00a0", "\n"]
)
texts = st.lists(words, min_size=30, max_size=120).map(" ".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=texts, data=st.data())
def test_reanchoring_after_random_edits_never_returns_a_wrong_location(text, data):
    start = data.draw(st.integers(0, len(text) - 5))
    end = data.draw(st.integers(start + 1, min(len(text), start + 60)))
    if not text[start:end].strip():
        return
    anchor = make_anchor(text, start, end)
    edited = text
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(edited)))
        if data.draw(st.booleans()):
            edited = edited[:at] + data.draw(texts.map(lambda s: s[:20])) + edited[at:]
        else:
            edited = edited[:at] + edited[at + data.draw(st.integers(0, 15)) :]
    found = relocate(edited, anchor)
    if found.status in ("exact", "moved"):
        assert edited[found.start : found.end] == anchor.exact  # exact or nothing
    elif found.status == "fuzzy":
        assert found.score >= FUZZY_THRESHOLD and 0 <= found.start < found.end <= len(edited)
    else:
        assert found.start is None


def test_replace_from_the_command_line(tmp_path, capsys):
    from curator.cli import main
    from curator.core.session import open_session

    db = tmp_path / "p.sqlite3"
    (tmp_path / "v1.txt").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(REVISED, encoding="utf-8")
    assert main(["--db", str(db), "import", str(tmp_path / "v1.txt")]) == 0
    session = open_session(db)
    doc = next(d for d in session.documents.infos() if d.file_name == "v1.txt")
    quote = "Pilot trials report modest reductions in relapse rate and fatigue"
    start = ORIGINAL.index(quote)
    claim, _ = session.claims.create(ClaimDraft(doc.id, start, start + len(quote), {}))
    session.close()
    assert main(["--db", str(db), "import", str(tmp_path / "v2.txt"), "--replace", "v1.txt"]) == 0
    out = capsys.readouterr().out
    assert f"claim {claim.id}: fuzzy" in out and "now: …" in out and "--accept-fuzzy" in out
    session = open_session(db)
    assert session.claims.get(claim.id).orphaned and session.documents.get(doc.id).text == REVISED
    session.close()


def test_orphaned_claims_are_exported_with_their_quote_and_reimport_unchanged(session, revisable, tmp_path):
    from openpyxl import load_workbook

    from curator.io.claim_import import plan_import
    from curator.io.xlsx_export import export_xlsx

    doc_id, ids = revisable
    ReplaceDocument(session, plan_revision(session, doc_id, new_document(REVISED)), set()).do()
    export_xlsx(session, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["Claims"]
    rows = [dict(zip([c.value for c in sheet[1]], r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    orphan = next(r for r in rows if r["Claim ID"] == ids["orphaned"])
    assert orphan["Quote"] == "Butyrate-producing taxa were depleted" and orphan["Anchor"] == "orphaned"
    plan = plan_import(session, tmp_path / "out.xlsx")
    assert plan.ok and not plan.new and not plan.changed, plan.lines()[:5]


def test_check_and_json_ld_treat_orphaned_claims_as_kept_not_broken(session, revisable, tmp_path):
    import json

    from curator.core.checks import check_project
    from curator.io.flat_export import export_jsonld

    doc_id, ids = revisable
    ReplaceDocument(session, plan_revision(session, doc_id, new_document(REVISED)), set()).do()
    report = check_project(session)
    assert report.ok, report.problems
    assert any(f"claim {ids['orphaned']}" in n and "orphaned" in n for n in report.notes)
    export_jsonld(session, tmp_path / "out.jsonld")
    items = {a["id"]: a for a in json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))["first"]["items"]}
    orphan = items[f"urn:uuid:{session.claims.get(ids['orphaned']).uuid}"]["target"]
    assert (
        orphan["anchorStatus"] == "orphaned"
        and orphan["selector"][0]["exact"] == "Butyrate-producing taxa were depleted"
    )
    assert "anchorStatus" not in items[f"urn:uuid:{session.claims.get(ids['moved']).uuid}"]["target"]
