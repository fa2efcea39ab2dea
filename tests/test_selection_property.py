"""Property: whatever the text (emoji, NBSP, CRLF sources, combining marks), selecting a passage in
the reader and saving it stores exactly the canonical slice, at code-point offsets."""

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.core.records import NewDocument
from curator.io.decode import decode
from tests.gui_helpers import select_in_reader

PIECES = [
    "gut",
    "brain",
    " ",
    " ",
    "\u00a0",
    "\r\n",
    "\n",
    "🙂",
    "😀👍🏽",
    "e\u0301",
    "a\u0308\u0323",
    "‑",
    "‐",
    "≈",
    "中文",
    ".",
    "x",
]
sources = st.lists(st.sampled_from(PIECES), min_size=8, max_size=80).map("".join)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(source=sources, data=st.data())
def test_a_selection_in_the_reader_is_stored_as_the_canonical_slice(qtbot, window, session, source, data):
    text = decode(("Title line\r\n" + source + "\r\nEnd.").encode("utf-8"), "t.txt").text  # CRLF → LF, once
    doc_id, _added = session.documents.add(
        NewDocument("Property", text, hashlib.sha256(text.encode()).hexdigest(), "t.txt")
    )
    window.documents.set_rows(session.documents.summaries())
    window.document_id = None
    window.form.clear()
    window.open_document(doc_id)
    assert window.reader.text == text
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    # Qt cannot put the cursor inside a surrogate pair or (by mouse) a grapheme; only check offsets it can reach
    window.reader.select_range(start, end)
    got = window.reader.selection_range()
    assert got == (start, end)
    if data.draw(st.booleans()):  # and with the mouse, where the offsets are grapheme boundaries
        select_in_reader(qtbot, window.reader, start, end)
        got = window.reader.selection_range()
        if got is None:
            return  # both ends inside one grapheme (a skin-tone emoji): a mouse cannot select that
    s, e = got
    window.actions["new_claim"].trigger()
    if window.form.mode != "new":
        return  # white-space-only selection after grapheme snapping
    window.actions["save_claim"].trigger()
    record = session.claims.get(window.form.claim_id)
    assert record.anchor.exact == text[record.anchor.start : record.anchor.end] == text[s:e]
    session.claims.delete(record.id)
