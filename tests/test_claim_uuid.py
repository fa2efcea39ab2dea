"""Every claim has a UUID that nothing changes: not undo, redo, restore, import, nor migrating."""

import shutil
import sqlite3
import uuid
from pathlib import Path

import openpyxl
import pytest

from curator.core.commands import CreateClaim, DeleteClaim, EditClaim
from curator.core.migrations import LATEST_VERSION, current_version, migrate
from curator.core.models import Claim
from curator.core.records import ClaimDraft
from curator.core.session import open_session
from curator.io.claim_import import apply_import, import_command, plan_import
from curator.io.xlsx_export import export_xlsx
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures"
QUOTE = "Faecalibacterium"


def draft(session, quote=QUOTE, values=None):
    doc = doc_id_by_file(session, "002")
    start = session.documents.get(doc).text.index(quote)
    return ClaimDraft(doc, start, start + len(quote), values or {"statement": "s"})


def is_uuid4(text: str) -> bool:
    return str(uuid.UUID(text)) == text and uuid.UUID(text).version == 4


def test_a_new_claim_has_its_own_uuid_and_keeps_it_through_undo_redo_edit_and_delete(session):
    create = CreateClaim(session.claims, draft(session))
    create.do()
    first = session.claims.get(create.claim_id).uuid
    assert is_uuid4(first)
    other = session.claims.create(draft(session, "Roseburia"))[0]
    assert is_uuid4(other.uuid) and other.uuid != first
    create.undo()
    create.do()  # redo puts the same claim back: same id, same UUID
    assert session.claims.get(create.claim_id).uuid == first
    edit = EditClaim(session.claims, create.claim_id, draft(session, values={"statement": "changed"}))
    edit.do()
    edit.undo()
    assert session.claims.get(create.claim_id).uuid == first
    delete = DeleteClaim(session.claims, create.claim_id)
    delete.do()
    delete.undo()
    assert session.claims.get(create.claim_id).uuid == first


def _rows_with(path, edit):
    wb = openpyxl.load_workbook(path)
    sheet = wb["Claims"]
    header = [c.value for c in sheet[1]]
    edit(sheet, header)
    out = path.with_name("edited.xlsx")
    wb.save(out)
    return out


def test_the_workbook_carries_the_uuid_last_and_imports_with_or_without_it(session, tmp_path):
    claim = session.claims.create(draft(session))[0]
    path = tmp_path / "export.xlsx"
    export_xlsx(session, path)
    sheet = openpyxl.load_workbook(path)["Claims"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "Claim UUID" and sheet.cell(2, len(header)).value == claim.uuid
    about = [r for r in openpyxl.load_workbook(path)["About"].iter_rows(values_only=True) if r and "Claim UUID" in r]
    assert about, "the data dictionary explains the column"

    plan = plan_import(session, path)
    assert plan.ok and (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 1)

    def without_uuid_and_edited(sheet, header):
        sheet.delete_cols(header.index("Claim UUID") + 1)
        sheet.cell(2, header.index("Statement") + 1).value = "edited in an old workbook"

    plan = plan_import(session, _rows_with(path, without_uuid_and_edited))
    assert plan.ok and len(plan.changed) == 1
    apply_import(session, plan)
    after = session.claims.get(claim.id)
    assert after.values["statement"] == "edited in an old workbook" and after.uuid == claim.uuid


def test_a_row_whose_uuid_is_another_claims_is_refused(session, tmp_path):
    claim = session.claims.create(draft(session))[0]
    path = tmp_path / "export.xlsx"
    export_xlsx(session, path)
    stranger = str(uuid.uuid4())

    def from_another_project(sheet, header):
        sheet.cell(2, header.index("Claim UUID") + 1).value = stranger
        sheet.cell(2, header.index("Statement") + 1).value = "overwrites the wrong claim"

    plan = plan_import(session, _rows_with(path, from_another_project))
    assert [str(p) for p in plan.problems] == [
        f"row 2, Claim UUID: {stranger} is not the UUID of claim {claim.id} in this project (is the workbook from "
        "another project?); clear Claim ID and Claim UUID to add the row as a new claim"
    ]
    assert session.claims.get(claim.id).values["statement"] == "s"


def test_new_rows_of_an_import_get_uuids_that_undo_and_redo_keep(session, tmp_path):
    session.claims.create(draft(session))
    roseburia = draft(session, "Roseburia")
    path = tmp_path / "export.xlsx"
    export_xlsx(session, path)

    def add_row(sheet, header):
        row = [None] * len(header)
        row[header.index("Document")] = sheet.cell(2, header.index("Document") + 1).value
        row[header.index("Quote")] = "Roseburia"
        row[header.index("Start")] = roseburia.start
        row[header.index("Statement")] = "a new claim"
        row[header.index("Claim UUID")] = "copied-from-elsewhere"  # a new row's UUID cell is not taken
        sheet.append(row)

    plan = plan_import(session, _rows_with(path, add_row))
    assert plan.ok and len(plan.new) == 1, plan.lines()
    command = import_command(session, plan)
    changes = command.do()
    (new_id,) = changes.claims
    made = session.claims.get(new_id).uuid
    assert is_uuid4(made)
    command.undo()
    command.do()
    assert session.claims.get(new_id).uuid == made


def test_migrating_gives_every_existing_claim_a_distinct_uuid(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    session = open_session(path)
    uuids = [c.uuid for c in session.claims.all()]
    assert len(uuids) == 4 and len(set(uuids)) == 4 and all(is_uuid4(u) for u in uuids)
    session.close()
    con = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            con.execute("UPDATE claim SET uuid = ?", (uuids[0],))
    finally:
        con.close()


def test_the_uuid_step_runs_on_postgresql(postgres_url):
    from curator.cli import main

    assert main(["--db", postgres_url, "migrate"]) == 0
    session = open_session(postgres_url)
    try:
        session.use_reviewer("PG Reviewer")
        from curator.core.paths import SEEDS
        from curator.io.seeds import seed_new_project

        seed_new_project(session, SEEDS)
        session.claims.create(draft(session))
        session.claims.create(draft(session, "Roseburia"))
        db = session.database
        # back to schema 4 as it shipped, then forward again through the v5 step (and v6, v7, v8)
        db.execute_sql('ALTER TABLE "claim" DROP COLUMN "uuid"')
        db.execute_sql('ALTER TABLE "claim" DROP COLUMN "version"')
        db.execute_sql('ALTER TABLE "reviewer" DROP COLUMN "role"')
        db.execute_sql('DROP TABLE "assignment", "claim_tombstone", "merge_base"')
        db.execute_sql('DROP TABLE "consensus_source", "reconciliation_decision"')
        db.execute_sql('DROP TABLE "document_pages"')
        db.execute_sql("UPDATE schema_info SET value = '4' WHERE key = 'schema_version'")
        assert migrate(db) == [5, 6, 7, 8] and current_version(db) == LATEST_VERSION
        uuids = [u for (u,) in Claim.select(Claim.uuid).tuples()]
        assert len(set(uuids)) == 2 and all(is_uuid4(u) for u in uuids)
        indexes = db.execute_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_uuid'").fetchall()
        assert indexes and "UNIQUE" in indexes[0][0]
    finally:
        session.close()
