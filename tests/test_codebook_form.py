"""A vocabulary, a role or a choice added to the codebook reaches the form, the database and the export."""

import openpyxl

from curator.core.paths import CODEBOOK, SEEDS
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.io.xlsx_export import export_xlsx
from curator.ui.claim_form import ClaimForm
from tests.gui_helpers import choose, pick_term

EXTRA = """
[[role]]
key = "setting"
label = "Care settings"

[[field]]
key = "setting"
label = "Care settings"
kind = "terms"

[[vocabulary]]
key = "settings"
name = "Care settings"
roles = ["setting"]
terms = [ { label = "Primary care", id = "", synonyms = ["general practice"] } ]
"""


def test_codebook_additions_need_no_code_change(qtbot, tmp_path):
    text = CODEBOOK.read_text(encoding="utf-8").replace(
        '{ key = "background", label = "Background" },',
        '{ key = "background", label = "Background" },\n  { key = "safety_signal", label = "Safety signal" },',
    )
    codebook_path = tmp_path / "codebook.toml"
    codebook_path.write_text(text + EXTRA, encoding="utf-8")
    session = open_session(tmp_path / "p.sqlite3", codebook_path)
    seed_new_project(session, SEEDS)
    session.use_reviewer("R")

    form = ClaimForm(session.codebook)
    qtbot.addWidget(form)
    form.set_vocabulary({f.key: session.terms.for_role(f.key) for f in session.codebook.term_fields})
    doc = session.documents.summaries()[0]
    form.load_new(doc.id, 0, 10, "")
    assert "setting" in form.pickers
    pick_term(qtbot, form.pickers["setting"], "general practice")
    choose(qtbot, form.widgets["claim_type"], "safety_signal")
    record, _ = session.claims.create(form.draft())
    assert record.values["claim_type"] == "safety_signal"
    assert [(t.role, t.label) for t in record.terms] == [("setting", "Primary care")]

    export_xlsx(session, tmp_path / "out.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["Claims"].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1]))
    assert row["Care settings"] == "Primary care" and row["Claim type"] == "Safety signal"
    session.close()
