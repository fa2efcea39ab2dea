"""Offline team work (issue 11): reviewers' SQLite projects merged into the lead's and back.

Each reviewer's project is a file copy of the lead's, as a lead hands them out; opening the copy at
its own path gives it its own identity. One session is open at a time (the models bind to one
database), so each step opens, works and closes, as the reviewers would on their own machines.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from curator.core.merge import BOTH_EDITED, DELETED_HERE, DELETED_THERE, MergeError, plan_merge
from curator.core.merge_apply import MergeProject
from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from curator.io.project_reader import read_project
from curator.io.seeds import seed_new_project
from tests.conftest import doc_id_by_file

LEAD, ANN, BEN = "Lena Lead", "Ann Extractor", "Ben Extractor"
MIGRAINE_QUOTE = "A narrative review in migraine and the gut–brain axis"


def opened(path: Path, reviewer: str):
    session = open_session(path)
    seed_new_project(session, SEEDS)
    session.use_reviewer(reviewer)
    return session


def claim_on(session, file_prefix: str, quote: str, terms=(), **values):
    doc = doc_id_by_file(session, file_prefix)
    text = session.documents.get(doc).text
    start = text.index(quote)
    record, _ = session.claims.create(ClaimDraft(doc, start, start + len(quote), values, tuple(terms)))
    return record


def term(session, role: str, label: str) -> TermRef:
    t = next(t for t in session.terms.for_role(role) if t.label == label)
    return TermRef(role, t.label, t.identifier, t.id)


def merge(session, other: Path, prefer=None):
    plan = plan_merge(session, read_project(other), prefer)
    command = MergeProject(session, plan)
    if plan.has_changes:
        command.do()
    return plan, command


def all_claims(session) -> dict[str, tuple]:
    """Every claim by uuid as (quote, reviewer, statement, terms), as the lead sees them."""
    return {
        c.uuid: (c.anchor.exact, c.reviewer_name, c.values.get("statement"), tuple((t.role, t.label) for t in c.terms))
        for c in session.claims.all()
    }


def dump(path: Path) -> dict[str, list]:
    """Every row of every table but the change log (undo adds to it, as every write does)."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        skip = {"change_log", "sqlite_sequence"}
        out = {}
        for t in tables:
            if t in skip:
                continue
            # undo bumps a claim's version: a client still holding the merged version must not write over it
            columns = [
                f'"{c[1]}"' for c in con.execute(f'PRAGMA table_info("{t}")') if (t, c[1]) != ("claim", "version")
            ]
            out[t] = sorted(map(repr, con.execute(f'SELECT {", ".join(columns)} FROM "{t}"').fetchall()))
        return out
    finally:
        con.close()


@pytest.fixture
def team(tmp_path):
    """The lead's seeded project with document 000 assigned to Ann and Ben, and their two copies."""
    lead = tmp_path / "lead.sqlite3"
    s = opened(lead, LEAD)
    doc = doc_id_by_file(s, "000")
    ids = []
    for name in (ANN, BEN):
        ids.append(s.use_reviewer(name).id)
    s.use_reviewer(LEAD)
    s.team.assign(doc, ids)
    s.close()
    paths = {"lead": lead}
    for name in ("ann", "ben"):
        paths[name] = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(lead, paths[name])
    return paths


def test_two_reviewers_merged_into_the_lead_twice_then_back_to_a_reviewer(team):
    ann = opened(team["ann"], ANN)
    a1 = claim_on(ann, "000", MIGRAINE_QUOTE, terms=[term(ann, "condition", "Migraine")], statement="Ann's reading")
    ann.team.set_done(doc_id_by_file(ann, "000"))
    ann.close()
    ben = opened(team["ben"], BEN)
    b1 = claim_on(ben, "000", "narrative review", statement="Ben's reading")
    ben.close()

    lead = opened(team["lead"], LEAD)
    plan, _ = merge(lead, team["ann"])
    assert (len(plan.new_claims), len(plan.conflicts), len(plan.skipped)) == (1, 0, 0)
    assert len(plan.done_assignments) == 1  # Ann marked 000 done in her copy
    plan, _ = merge(lead, team["ben"])
    assert len(plan.new_claims) == 1
    claims = all_claims(lead)
    assert claims[a1.uuid] == (MIGRAINE_QUOTE, ANN, "Ann's reading", (("condition", "Migraine"),))
    assert claims[b1.uuid] == ("narrative review", BEN, "Ben's reading", ())
    # the claims' terms point at the lead's own vocabulary term
    migraine = next(c for c in lead.claims.all() if c.uuid == a1.uuid).terms[0]
    assert migraine.term_id == term(lead, "condition", "Migraine").term_id

    for other in ("ann", "ben"):  # the second merge changes nothing
        again = plan_merge(lead, read_project(team[other]))
        assert not again.has_changes and not again.conflicts, again.summary_lines()
    assert again.summary_lines()[-1] == "  nothing to change: ben.sqlite3 brings nothing new"
    lead.close()

    ann = opened(team["ann"], ANN)
    plan, _ = merge(ann, team["lead"])
    assert [w.row.uuid for w in plan.new_claims] == [b1.uuid]
    doc = doc_id_by_file(ann, "000")
    # Ben has not marked 000 done: the document is still blind, so Ann sees only her own claim
    assert {c.uuid for c in ann.claims.for_document(doc)} == {a1.uuid}
    ann.close()

    ben = opened(team["ben"], BEN)
    ben.team.set_done(doc_id_by_file(ben, "000"))
    ben.close()
    lead = opened(team["lead"], LEAD)
    plan, _ = merge(lead, team["ben"])
    assert len(plan.done_assignments) == 1 and not plan.new_claims
    lead.close()
    with sqlite3.connect(team["lead"]) as con:  # the lead's codebook gained a choice meanwhile
        con.execute(
            "INSERT INTO codebook_choice (field_key, choice_key, label, position, retired) "
            "VALUES ('study_design', 'umbrella', 'Umbrella review', 99, 0)"
        )
    ann = opened(team["ann"], ANN)
    plan, _ = merge(ann, team["lead"])
    assert [(c.field_key, c.choice_key) for c in plan.new_choices] == [("study_design", "umbrella")]
    design = next(f for f in ann.codebook.fields if f.key == "study_design")
    assert design.choice_label("umbrella") == "Umbrella review"  # the form offers it at once
    assert {c.uuid for c in ann.claims.for_document(doc)} == {a1.uuid, b1.uuid}  # both done: no longer blind
    ann.close()


def test_a_copy_gets_its_own_identity_and_merging_a_project_with_itself_is_refused(team, tmp_path):
    lead = opened(team["lead"], LEAD)
    with pytest.raises(MergeError, match="is this project itself"):
        plan_merge(lead, read_project(team["lead"]))
    # a copy nobody has opened yet still carries the lead's identity
    fresh = tmp_path / "unopened.sqlite3"
    shutil.copyfile(team["lead"], fresh)
    with pytest.raises(MergeError, match="never opened on its own"):
        plan_merge(lead, read_project(fresh))
    lead.close()
    ann = opened(team["ann"], ANN)
    ann.close()
    assert read_project(team["ann"]).project_uuid != read_project(team["lead"]).project_uuid


@pytest.fixture
def shared(team):
    """The team's projects after the lead made three claims and handed out the copies (so all share them)."""
    lead = opened(team["lead"], LEAD)
    uuids = [
        claim_on(lead, "001", quote, statement=f"lead's {n}").uuid for n, quote in enumerate(_three_quotes(lead, "001"))
    ]
    lead.close()
    for name in ("ann", "ben"):
        shutil.copyfile(team["lead"], team[name])
    return team, uuids


def _three_quotes(session, file_prefix: str) -> list[str]:
    text = session.documents.get(doc_id_by_file(session, file_prefix)).text
    words = [w for w in text.split() if len(w) > 8 and text.count(w) == 1]
    return words[:3]


def edit(session, claim_uuid: str, **values):
    record = next(c for c in session.claims.all() if c.uuid == claim_uuid)
    draft = record.as_draft()
    session.claims.update(record.id, ClaimDraft(draft.document_id, draft.start, draft.end, draft.values | values))


def delete(session, claim_uuid: str):
    record = next(c for c in session.claims.all() if c.uuid == claim_uuid)
    session.claims.delete(record.id)


def test_edits_on_one_side_win_and_a_conflicting_edit_is_listed_by_claim_and_field(shared):
    team, (c0, c1, c2) = shared
    ann = opened(team["ann"], ANN)
    edit(ann, c0, statement="Ann's correction")  # only there: taken
    edit(ann, c2, statement="Ann's view", notes="see table 2")  # both sides: a conflict
    ann.close()
    lead = opened(team["lead"], LEAD)
    edit(lead, c1, statement="the lead's correction")  # only here: kept
    edit(lead, c2, statement="the lead's view")

    plan, _ = merge(lead, team["ann"])
    assert [w.row.uuid for w in plan.updated_claims] == [c0]
    assert plan.kept_mine == 1
    (conflict,) = plan.conflicts
    assert (conflict.claim_uuid, conflict.kind, conflict.resolution) == (c2, BOTH_EDITED, "")
    assert conflict.reviewer == LEAD and conflict.document_title
    assert ("Statement", "the lead's view", "Ann's view") in conflict.fields
    assert ("Notes", "(empty)", "see table 2") in conflict.fields
    text = "\n".join(plan.summary_lines())
    assert "conflict (edited on both sides, kept as here for now)" in text
    assert "Statement: here “the lead's view”" in text
    claims = all_claims(lead)
    assert [claims[u][2] for u in (c0, c1, c2)] == ["Ann's correction", "the lead's correction", "the lead's view"]

    again = plan_merge(lead, read_project(team["ann"]))  # not settled: listed again, nothing else
    assert not again.has_changes and [c.claim_uuid for c in again.conflicts] == [c2]

    plan, _ = merge(lead, team["ann"], prefer="theirs")
    assert plan.conflicts[0].resolution == "theirs" and [w.row.uuid for w in plan.updated_claims] == [c2]
    assert all_claims(lead)[c2][2] == "Ann's view"
    settled = plan_merge(lead, read_project(team["ann"]))
    assert not settled.has_changes and not settled.conflicts
    lead.close()


def test_prefer_mine_keeps_this_side_and_settles_the_conflict(shared):
    team, (_, _, c2) = shared
    ann = opened(team["ann"], ANN)
    edit(ann, c2, statement="Ann's view")
    ann.close()
    lead = opened(team["lead"], LEAD)
    edit(lead, c2, statement="the lead's view")
    plan, _ = merge(lead, team["ann"], prefer="mine")
    assert plan.conflicts[0].resolution == "mine" and not plan.updated_claims
    assert all_claims(lead)[c2][2] == "the lead's view"
    assert not plan_merge(lead, read_project(team["ann"])).conflicts
    lead.close()
    ann = opened(team["ann"], ANN)  # merged back, Ann takes the settled version without a conflict
    plan, _ = merge(ann, team["lead"])
    assert not plan.conflicts and all_claims(ann)[c2][2] == "the lead's view"
    ann.close()


def test_deletions_propagate_and_conflict_with_edits(shared):
    team, (c0, c1, c2) = shared
    ann = opened(team["ann"], ANN)
    delete(ann, c0)  # unchanged here: deleted here too
    delete(ann, c1)  # edited here: "edited here, deleted there"
    edit(ann, c2, statement="Ann's view")  # deleted here: "deleted here, edited there"
    ann.close()
    lead = opened(team["lead"], LEAD)
    edit(lead, c1, statement="the lead's correction")
    delete(lead, c2)
    plan, _ = merge(lead, team["ann"])
    assert [d.claim_uuid for d in plan.deleted_claims] == [c0]
    kinds = {c.claim_uuid: c.kind for c in plan.conflicts}
    assert kinds == {c1: DELETED_THERE, c2: DELETED_HERE}
    claims = all_claims(lead)
    assert c0 not in claims and claims[c1][2] == "the lead's correction" and c2 not in claims
    assert {c.claim_uuid for c in plan_merge(lead, read_project(team["ann"])).conflicts} == {c1, c2}

    plan, _ = merge(lead, team["ann"], prefer="theirs")
    claims = all_claims(lead)
    assert c1 not in claims and claims[c2][2] == "Ann's view"  # deleted as there; back as there
    assert not plan_merge(lead, read_project(team["ann"])).has_changes
    lead.close()


def test_terms_match_by_identifier_then_label_and_missing_terms_are_added(team):
    ann = opened(team["ann"], ANN)
    migraine = term(ann, "condition", "Migraine")
    with sqlite3.connect(team["ann"]) as con:  # renamed in Ann's vocabulary; same identifier
        con.execute("UPDATE term SET label = 'Migraine disorder' WHERE id = ?", (migraine.term_id,))
    aura, _ = ann.terms.add("conditions", "Aura")
    cluster, _ = ann.terms.add("conditions", "Cluster headache", identifier="MESH:D003027")
    refs = [
        TermRef("condition", "Migraine disorder", migraine.identifier, migraine.term_id),
        TermRef("condition", aura.label, "", aura.id),
        TermRef("condition", cluster.label, cluster.identifier, cluster.id),
    ]
    made = claim_on(ann, "000", MIGRAINE_QUOTE, terms=refs)
    ann.close()
    lead = opened(team["lead"], LEAD)
    lead_aura, _ = lead.terms.add("conditions", "AURA")  # the same term by label, any case
    plan, _ = merge(lead, team["ann"])
    assert [t.label for t in plan.new_terms] == ["Cluster headache"]
    claim = next(c for c in lead.claims.all() if c.uuid == made.uuid)
    by_label = {t.label: t.term_id for t in claim.terms}
    assert by_label["Migraine disorder"] == term(lead, "condition", "Migraine").term_id
    assert by_label["Aura"] == lead_aura.id
    assert by_label["Cluster headache"] == term(lead, "condition", "Cluster headache").term_id
    assert not plan_merge(lead, read_project(team["ann"])).has_changes
    lead.close()


def test_claims_on_a_document_revised_on_one_side_are_skipped_with_what_to_do(team):
    import hashlib

    from curator.core.commands import ReplaceDocument
    from curator.core.records import NewDocument
    from curator.core.revisions import plan_revision

    ann = opened(team["ann"], ANN)
    made = claim_on(ann, "001", _three_quotes(ann, "001")[0])
    ann.close()
    lead = opened(team["lead"], LEAD)
    doc = doc_id_by_file(lead, "001")
    text = lead.documents.get(doc).text + "\n\nErratum: one figure was corrected."
    revised = NewDocument(title="t", text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), file_name="001.txt")
    ReplaceDocument(lead, plan_revision(lead, doc, revised), set()).do()
    plan, _ = merge(lead, team["ann"])
    (skipped,) = plan.skipped
    assert skipped.claim_uuid == made.uuid and "revised version" in skipped.reason and "merge again" in skipped.reason
    assert "skipped: “" in "\n".join(plan.summary_lines())
    assert made.uuid not in all_claims(lead)
    lead.close()
    ann = opened(team["ann"], ANN)  # the other way round, the lead's revision is what Ann lacks
    plan = plan_merge(ann, read_project(team["lead"]))
    assert not plan.new_documents
    ann.close()


def test_undo_of_a_merge_restores_every_row_and_redo_applies_it_again(shared):
    from curator.core.commands import ReplaceDocument
    from curator.core.revisions import plan_revision
    from curator.io.document_files import read_document

    team, (c0, c1, c2) = shared
    new_file = team["lead"].parent / "extra.txt"
    new_file.write_text("A new report on probiotics and migraine frequency.\n", encoding="utf-8")
    ann = opened(team["ann"], ANN)
    extra, _ = ann.documents.add(read_document(new_file))
    new_file.write_text("A new report on probiotics and migraine frequency.\nRevised.\n", encoding="utf-8")
    ReplaceDocument(ann, plan_revision(ann, extra, read_document(new_file)), set()).do()  # a version of its own
    claim_on(ann, "extra", "probiotics", terms=[TermRef("condition", "Aura")])
    added, _ = ann.terms.add("conditions", "Vestibular migraine")
    claim_on(ann, "000", MIGRAINE_QUOTE, terms=[TermRef("condition", added.label, "", added.id)])
    edit(ann, c0, statement="Ann's correction")
    delete(ann, c1)
    ann.use_reviewer("Cleo Newcomer")
    ann.close()
    lead = opened(team["lead"], LEAD)
    lead.close()
    before = dump(team["lead"])
    lead = opened(team["lead"], LEAD)
    plan, command = merge(lead, team["ann"])
    assert plan.new_documents and plan.new_terms and plan.updated_claims and plan.deleted_claims
    assert [r.name for r in plan.new_reviewers] == ["Cleo Newcomer"]
    brought = lead.documents.find_by_sha256(plan.new_documents[0].sha256)
    assert lead.documents.version_count(brought) == 1 and "Revised." in lead.documents.get(brought).text
    command.undo()
    lead.close()
    after = dump(team["lead"])
    for table in before:
        assert after[table] == before[table], table
    lead = opened(team["lead"], LEAD)
    assert set(all_claims(lead)) == {c0, c1, c2}
    assert all_claims(lead)[c0][2] == "lead's 0"
    command.do()  # redo
    assert c1 not in all_claims(lead) and all_claims(lead)[c0][2] == "Ann's correction"
    assert not plan_merge(lead, read_project(team["ann"])).has_changes
    lead.close()


def test_claims_another_program_broke_are_skipped_by_name_and_a_wrong_type_refuses_the_file(team):
    from curator.io.project_reader import ProjectReadError

    ann = opened(team["ann"], ANN)
    quotes = _three_quotes(ann, "001")
    moved, long_value, nul = (claim_on(ann, "001", q).uuid for q in quotes)
    kept = claim_on(ann, "000", MIGRAINE_QUOTE, statement="findable merged statement").uuid
    ann.close()
    with sqlite3.connect(team["ann"]) as con:
        con.execute("UPDATE claim SET exact = 'not what the text says' WHERE uuid = ?", (moved,))
        con.execute("UPDATE claim SET claim_type = ? WHERE uuid = ?", ("x" * 100, long_value))
        con.execute("UPDATE claim SET notes = ? WHERE uuid = ?", ("a\x00b", nul))
    lead = opened(team["lead"], LEAD)
    plan, _ = merge(lead, team["ann"])
    reasons = {s.claim_uuid: s.reason for s in plan.skipped}
    assert "quote is not at its position" in reasons[moved]
    assert "longer than this project's column" in reasons[long_value]
    assert "no database can store" in reasons[nul]
    assert [w.row.uuid for w in plan.new_claims] == [kept]
    # the merged claim is found by search (the index follows the change log)
    assert [h.kind for h in lead.search.search("findable merged statement")] == ["claim"]
    lead.close()

    with sqlite3.connect(team["ann"]) as con:
        con.execute("UPDATE claim SET effect_value = 'about 3' WHERE uuid = ?", (kept,))
    with pytest.raises(ProjectReadError, match=f"ann.sqlite3: claim {kept} holds 'about 3' in effect_value"):
        read_project(team["ann"])


def test_a_project_older_than_claim_uuids_is_refused_with_what_to_do(tmp_path):
    from curator.io.project_reader import ProjectReadError

    old = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema_v1.sqlite3", old)
    with pytest.raises(ProjectReadError, match="old.sqlite3: uses an older schema .version 1.*open it once"):
        read_project(old)


def test_a_schema_5_project_reads_with_defaults_for_what_v6_added(tmp_path):
    import peewee

    from curator.core import db as dbmod
    from curator.core.migrations import MIGRATIONS, migrate

    v5 = tmp_path / "v5.sqlite3"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema_v1.sqlite3", v5)
    database = dbmod.bind(peewee.SqliteDatabase(str(v5), pragmas=dbmod.SQLITE_PRAGMAS))
    migrate(database, {step: fn for step, fn in MIGRATIONS.items() if step <= 5})
    database.close()
    snapshot = read_project(v5)
    assert snapshot.schema_version == 5 and snapshot.claims
    assert snapshot.project_uuid == read_project(v5).project_uuid  # the same file, the same identity
    assert {r.role for r in snapshot.reviewers} == {"extractor"}
    assert all(c.uuid and c.version == 1 for c in snapshot.claims)
    assert (snapshot.assignments, snapshot.tombstones, snapshot.merge_bases) == ((), (), ())
    lead = opened(tmp_path / "lead.sqlite3", LEAD)
    try:
        plan = plan_merge(lead, snapshot)
        assert len(plan.new_claims) + len(plan.skipped) == len(snapshot.claims)
    finally:
        lead.close()


def test_undo_is_refused_once_a_merged_claim_was_changed_and_changes_nothing(team):
    from curator.core.errors import StaleClaimError

    ann = opened(team["ann"], ANN)
    made = claim_on(ann, "000", MIGRAINE_QUOTE, statement="Ann's reading")
    ann.close()
    lead = opened(team["lead"], LEAD)
    _, command = merge(lead, team["ann"])
    edit(lead, made.uuid, statement="the lead's reading")
    with pytest.raises(StaleClaimError, match=f"claim {made.uuid} was changed or deleted after the merge"):
        command.undo()
    assert all_claims(lead)[made.uuid][2] == "the lead's reading"
    lead.close()


def test_claim_tuple_puts_each_value_in_its_column():
    from curator.core.merge_rows import CLAIM_NAMES, claim_tuple
    from curator.core.merge_types import VALUE_COLUMNS, ClaimRow

    values = tuple(f"v:{name}" for name in VALUE_COLUMNS)
    row = ClaimRow("u", "doc-sha", "anchor-sha", 1, 2, "exact", "pre", "suf", "orphaned", values, "R", "c", "u2", 9, ())
    columns = dict(zip(CLAIM_NAMES, claim_tuple(row, "DOC", "REV", "CREATED", "UPDATED", "VERSION"), strict=True))
    assert columns == {
        "document": "DOC",
        "reviewer": "REV",
        "start": 1,
        "end": 2,
        "exact": "exact",
        "prefix": "pre",
        "suffix": "suf",
        "document_sha256": "anchor-sha",
        "anchor_status": "orphaned",
        "created_at": "CREATED",
        "updated_at": "UPDATED",
        "uuid": "u",
        "version": "VERSION",
        **dict(zip(VALUE_COLUMNS, values)),
    }
