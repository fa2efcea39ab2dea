"""Import claims from the window: File menu, preview dialog, one undoable step."""

import openpyxl
from PySide6.QtCore import QPoint, Qt

from curator.core.models import Claim
from curator.core.records import Changes
from curator.io.claim_import import plan_import
from curator.ui.import_dialog import ImportPreviewDialog
from tests.conftest import doc_id_by_file
from tests.gui_helpers import click_row
from tests.test_import import MS_QUOTE, make_claim

NEW_QUOTE = "highlighting variable effect sizes"


def edited_export(window, interaction, tmp_path, extra_intervention="Probiotics"):
    interaction.save_path = str(tmp_path / "claims.xlsx")
    window.actions["export"].trigger()
    wb = openpyxl.load_workbook(tmp_path / "claims.xlsx")
    sheet = wb["Claims"]
    header = [c.value for c in sheet[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    sheet.cell(2, col["Status"], "Confirmed")
    sheet.cell(2, col["Interventions"], extra_intervention)
    sheet.cell(3, col["Document"], window.session.documents.get(doc_id_by_file(window.session, "002")).title)
    sheet.cell(3, col["Quote"], NEW_QUOTE)
    sheet.cell(3, col["Statement"], "Effects vary")
    wb.save(tmp_path / "edited.xlsx")
    return tmp_path / "edited.xlsx"


def test_import_from_the_menu_previews_applies_and_undoes_as_one_step(qtbot, window, session, interaction, tmp_path):
    claim = make_claim(session, "002", MS_QUOTE, {"statement": "Relapses fall"})
    doc_id = doc_id_by_file(session, "002")
    window.apply_changes(Changes(documents=frozenset({doc_id}), claims=frozenset({claim.id})))
    click_row(qtbot, window.document_view, window.documents.row_of(doc_id))
    assert window.claims.rowCount() == 1

    interaction.open_path = str(edited_export(window, interaction, tmp_path))
    window.actions["import_claims"].trigger()
    assert interaction.errors == []
    preview = interaction.previews[0]
    assert (len(preview.new), len(preview.changed)) == (1, 1)
    assert Claim.select().count() == 2
    assert session.claims.get(claim.id).values["status"] == "confirmed"
    assert window.claims.rowCount() == 2  # the open document's claims table followed the import
    assert "Imported from edited.xlsx: 1 new, 1 changed" in window.statusBar().currentMessage()

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Claim.select().count() == 1
    assert session.claims.get(claim.id).values["status"] == "draft"
    assert window.claims.rowCount() == 1
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert Claim.select().count() == 2 and session.claims.get(claim.id).values["status"] == "confirmed"


def test_a_cancelled_preview_writes_nothing(qtbot, window, session, interaction, tmp_path):
    make_claim(session, "002", MS_QUOTE, {"statement": "Relapses fall"})
    interaction.open_path = str(edited_export(window, interaction, tmp_path))
    interaction.import_answer = "cancel"
    window.actions["import_claims"].trigger()
    assert Claim.select().count() == 1
    assert "nothing was written" in window.statusBar().currentMessage()


def test_a_broken_workbook_is_one_clear_message(qtbot, window, interaction, tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    interaction.open_path = str(tmp_path / "broken.xlsx")
    window.actions["import_claims"].trigger()
    assert interaction.errors == [
        "The workbook cannot be imported: broken.xlsx is not an Excel workbook (.xlsx); "
        "in your spreadsheet program use Save As → Excel 2007-365 (.xlsx)"
    ]


def test_preview_dialog_blocks_problems_and_offers_to_add_unknown_terms(qtbot, window, session, interaction, tmp_path):
    make_claim(session, "002", MS_QUOTE, {"statement": "Relapses fall"})
    path = edited_export(window, interaction, tmp_path, extra_intervention="Kefir")
    dialog = ImportPreviewDialog(
        plan_import(session, path), lambda add: plan_import(session, path, add_unknown_terms=add), window
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.import_button.isEnabled() and dialog.add_terms.isVisible()
    first = [dialog.model.index(0, c).data() for c in range(6)]
    assert first[2] == "Problem" and first[3] == "Interventions" and "'Kefir' is not in" in first[5]
    assert dialog.model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    dialog.grab().save(str(tmp_path / "preview-problem.png"))

    qtbot.mouseClick(
        dialog.add_terms, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.add_terms.height() // 2)
    )  # on the box
    assert dialog.plan.ok, dialog.plan.problems
    assert dialog.import_button.isEnabled()
    whats = [dialog.model.index(r, 2).data() for r in range(dialog.model.rowCount())]
    assert "Problem" not in whats and "New term" in whats and "Changed" in whats and "New claim" in whats
    dialog.grab().save(str(tmp_path / "preview-ok.png"))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.plan.new_terms == [("intervention", "Kefir")]
