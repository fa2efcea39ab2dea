"""Data is shown as text, never as markup: a hostile name fed through every dialog and widget that
shows data stays literal (no image drawn, no device read, no restyling)."""

import hashlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from curator.core.records import ClaimDraft, NewDocument, TermRef
from curator.io.decode import EncodingNeeded
from curator.ui import plain
from curator.ui.interaction import _plain_box

# an <img> whose source is a device, its slashes written as entities (what the issue found), and a bold run
HOSTILE = '<img src="&#47;dev&#47;zero"> <b>bold</b> & co'


def shows_markup(widget: QWidget) -> list[str]:
    """Every label under `widget` that would render HOSTILE as HTML, and every raw tooltip."""
    found = []
    for label in [widget, *widget.findChildren(QWidget)]:
        if isinstance(label, QLabel) and "<img" in label.text() and label.textFormat() != Qt.TextFormat.PlainText:
            found.append(f"label: {label.text()[:60]}")
        if "<img" in (label.toolTip() or ""):
            found.append(f"tooltip: {label.toolTip()[:60]}")
    return found


def add_hostile_document(session):
    text = f"Intro. {HOSTILE} is what the reviewer quotes here. More text follows."
    doc_id, _ = session.documents.add(
        NewDocument(HOSTILE, text, hashlib.sha256(text.encode()).hexdigest(), f"{HOSTILE}.txt")
    )
    return doc_id, text


def test_the_encoding_question_names_a_hostile_file_literally(qtbot):
    from curator.ui.document_import import EncodingDialog

    dialog = EncodingDialog(EncodingNeeded(f"{HOSTILE}.txt", b"caf\xe9 au lait"))
    qtbot.addWidget(dialog)
    assert shows_markup(dialog) == []
    assert any(HOSTILE in label.text() for label in dialog.findChildren(QLabel))


def test_message_boxes_and_input_prompts_are_plain(qtbot):
    box = _plain_box(None, QMessageBox.Icon.Warning, "Curator", f"{HOSTILE}: cannot be read")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    dialog = plain._input_dialog(None, "Rename", f"New label for {HOSTILE}")
    qtbot.addWidget(dialog)
    assert shows_markup(dialog) == []
    assert (
        plain.tooltip(HOSTILE)
        == "<qt>&lt;img src=&quot;&amp;#47;dev&amp;#47;zero&quot;&gt; &lt;b&gt;bold&lt;/b&gt; &amp; co</qt>"
    )


def test_the_window_shows_hostile_titles_quotes_terms_and_reasons_literally(qtbot, window, session, interaction):
    doc_id, text = add_hostile_document(session)
    term, _ = session.terms.add("taxa", f"Bug {HOSTILE}", "NCBITaxon:1")
    start = text.index(HOSTILE)
    claim, _ = session.claims.create(
        ClaimDraft(
            doc_id,
            start,
            start + len(HOSTILE),
            {"statement": HOSTILE, "notes": HOSTILE},
            (TermRef("taxon", term.label, term.identifier, term.id),),
        )
    )
    window.documents.set_rows(session.documents.summaries())
    window.editor.refresh_vocabulary()
    window.open_document(doc_id)
    window.select_claim(claim.id)
    window.search_panel.query.setText("zero")
    window.search_panel.run(blocking=True)
    window.banner.show_state(f"{HOSTILE} is read-only", [HOSTILE])
    window.form.show_problems((("statement", f"Statement: {HOSTILE}"),))
    assert shows_markup(window) == []
    assert HOSTILE in window.form.quote.text()
    tips = [
        window.claims.data(window.claims.index(0, column), Qt.ItemDataRole.ToolTipRole)
        for column in range(window.claims.columnCount())
    ]
    assert not [tip for tip in tips if tip and "<img" in tip]  # table tooltips are escaped too


def test_document_details_show_a_hostile_file_name_literally(qtbot, window, session):
    from curator.ui.document_details import DocumentDetailsDialog

    doc_id, _ = add_hostile_document(session)
    window.documents.set_rows(session.documents.summaries())
    window.open_document(doc_id)
    dialog = DocumentDetailsDialog(window, doc_id)
    qtbot.addWidget(dialog)
    assert shows_markup(dialog) == []
