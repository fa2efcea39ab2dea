"""Render the main window with claims on seed 002 to a PNG (the README's screenshots).

QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.screenshot resources/screenshot.png
… -m tests.screenshot resources/reader-light.png --top            # the headings, light theme
… -m tests.screenshot resources/reader-dark.png --top --dark      # the same, dark theme
… -m tests.screenshot out.png --size 1024x640 --search microbiome    # small screen, search open
… -m tests.screenshot resources/screenshot-read-only.png --read-only --size 1280x800
… -m tests.screenshot resources/screenshots/suggestions.png --suggest --size 1440x900   # ghosts, passage marks
… -m tests.screenshot resources/screenshots/page-view.png --pdf --size 1440x900     # a PDF's Page view
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from curator.core.paths import RESOURCES, SEEDS
from curator.core.records import ClaimDraft, TermRef
from curator.core.sentences import sentence_span
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.ui.main_window import MainWindow

CLAIMS = [
    (
        "There has been a consistent depletion of beneficial genera such as Faecalibacterium and Roseburia",
        {
            "statement": "People with MS carry fewer Faecalibacterium and Roseburia.",
            "claim_type": "association",
            "direction": "negative_association",
            "population": "adults",
            "study_design": "narrative_review",
            "status": "confirmed",
        },
        [("condition", "Multiple sclerosis"), ("taxon", "Faecalibacterium"), ("taxon", "Roseburia")],
    ),
    (
        "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)",
        {
            "statement": "Pilot trials of microbiome therapies reduce MS relapses modestly.",
            "claim_type": "intervention_effect",
            "direction": "benefit",
            "study_design": "pilot_trial",
            "effect_measure": "rr",
            "effect_value": 0.85,
            "source_certainty": "hedged",
            "reviewer_certainty": "low",
        },
        [
            ("condition", "Multiple sclerosis"),
            ("intervention", "Probiotics"),
            ("intervention", "Fecal microbiota transplantation"),
            ("outcome", "Relapse rate"),
        ],
    ),
    (
        "several double‑blind RCTs showed no significant benefit",
        {"claim_type": "null_finding", "direction": "no_effect", "study_design": "rct"},
        [("condition", "Multiple sclerosis")],
    ),
    (  # nested inside the pilot-trials claim: the two must stay distinguishable
        "modest reductions in relapse rate",
        {"statement": "Relapse rate falls a little.", "claim_type": "association"},
        [("outcome", "Relapse rate")],
    ),
    (  # crosses the end of the pilot-trials claim
        "(RR\u00a0≈\u00a00.85) and fatigue (Cohen's\u00a0d\u00a0≈\u00a00.3)",
        {"statement": "Effect sizes are small."},
        [],
    ),
    (
        "Larger, longer‐term randomized trials are required to confirm clinical efficacy",
        {"claim_type": "evidence_gap"},
        [],
    ),
    (
        "MS patients show reduced SCFA-producing bacteria and increased pro-inflammatory species",
        {"statement": "MS goes with fewer SCFA producers.", "claim_type": "association", "status": "confirmed"},
        [("condition", "Multiple sclerosis")],
    ),
    (
        "Microbiome interventions like probiotics and FMT show modest improvements in relapse rates and fatigue",
        {"statement": "Probiotics and FMT modestly help.", "claim_type": "intervention_effect", "direction": "benefit"},
        [("intervention", "Probiotics")],
    ),
]


KEY_FINDING = "MS patients show reduced SCFA-producing bacteria and increased pro-inflammatory species"


SUGGESTED = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85) and fatigue"


def show_suggestions(window, text: str) -> None:
    """A new claim on the pilot-trials sentence, with the form's suggestions and the passage marks."""
    window.passages.set_on(True)
    start, end = sentence_span(text, text.index(SUGGESTED), text.index(SUGGESTED))
    window.reader.scroll_to(start)
    window.reader.select_range(start, end)
    window.new_claim()
    window.suggestions.suggest_now()
    window.passages.strip.set_current(max(i for i, p in enumerate(window.passages.passages) if p.start <= start))


PROSE = (
    "Gut microbial composition differs between people with multiple sclerosis and healthy controls. "
    "There has been a consistent depletion of beneficial genera such as Faecalibacterium and Roseburia, "
    "while Akkermansia was enriched in several cohorts. Pilot trials report modest reductions in relapse "
    "rate, although several double-blind RCTs showed no significant benefit on disability. Larger, "
    "longer-term randomized trials are required to confirm clinical efficacy. Diet, antibiotic use and "
    "disease-modifying therapy confound most comparisons, and few studies adjust for them. "
)
PDF_CLAIMS = [
    ("consistent depletion of beneficial genera such as Faecalibacterium and Roseburia", "association"),
    ("Pilot trials report modest reductions in relapse", "intervention_effect"),
    ("several double-blind RCTs showed no significant benefit on disability", "null_finding"),
    ("Larger, longer-term randomized trials are required to confirm clinical efficacy", "evidence_gap"),
    ("Akkermansia was enriched in several cohorts", "association"),
    ("few studies adjust for them", None),
]


def article_pdf() -> bytes:
    """A two-column page of prose with a figure (bars) and a table, then a second page."""
    import io
    import textwrap

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(612, 792))
    lines = textwrap.wrap(PROSE * 4, 46)
    for page in range(2):
        c.setFont("Times-Bold", 14)
        c.drawString(72, 740, "Gut microbiota in multiple sclerosis: a review" if page == 0 else "Discussion")
        c.setFont("Times-Roman", 10)
        y0 = 712
        for column, x in enumerate((72, 324)):
            rows = lines[column * 24 : column * 24 + 24] if page == 0 else lines[48 + column * 20 : 68 + column * 20]
            for k, line in enumerate(rows):
                c.drawString(x, y0 - 13 * k, line)
        if page == 0:  # Figure 1 under the left column, Table 1 under the right one
            c.setStrokeGray(0.3)
            c.rect(72, 150, 216, 210)
            for k, (height, grey) in enumerate(((150, 0.35), (95, 0.55), (120, 0.35), (60, 0.55), (170, 0.35))):
                c.setFillGray(grey)
                c.rect(92 + 38 * k, 170, 26, height, fill=1, stroke=0)
            c.setFillGray(0)
            c.setFont("Times-Italic", 9)
            c.drawString(72, 136, "Figure 1. Relative abundance of five genera (MS vs controls).")
            c.setFont("Times-Roman", 9)
            rows = [("Genus", "MS", "Ctrl"), ("Faecalibacterium", "2.1", "4.8"), ("Roseburia", "0.9", "2.2"),
                    ("Akkermansia", "3.4", "1.6"), ("Prevotella", "1.2", "2.9")]  # fmt: skip
            for r, row in enumerate(rows):
                for k, cell in enumerate(row):
                    c.drawString(330 + (0, 110, 160)[k], 340 - 18 * r, cell)
            c.grid([324, 432, 482, 540], [354 - 18 * r for r in range(6)])
            c.setFont("Times-Italic", 9)
            c.drawString(324, 250, "Table 1. Mean relative abundance (%).")
        c.showPage()
    c.save()
    return buffer.getvalue()


def show_pdf(window, session) -> None:
    """Store the PDF as a document with its layout, make claims on it and show its Page view."""
    import hashlib

    from curator.core.records import NewDocument
    from tests.test_page_view import layout_of

    data = article_pdf()
    text, layout = layout_of(data)
    new = NewDocument("Gut microbiota in MS (PDF)", text, hashlib.sha256(text.encode()).hexdigest(), "review.pdf",
                      format="pdf", pdf=data, pages=layout)  # fmt: skip
    doc_id, _ = session.documents.add(new)
    flat = text.replace("\n", " ")
    ids = []
    for quote, kind in PDF_CLAIMS:
        start = flat.index(quote)
        values = {"claim_type": kind} if kind else {}
        ids.append(session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values))[0].id)
    window.documents.set_rows(session.documents.summaries())
    window.open_document(doc_id)
    window.pages.toggle()
    window.select_claim(ids[1])
    view = window.pages.view
    view.verticalScrollBar().setValue(int(view.px_per_pt * 95))  # the claims, Figure 1 and Table 1
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(view.renderer.image(p) is None for p in view.visible_pages()):
        QApplication.processEvents()
        time.sleep(0.01)


def main(
    out: str,
    top: bool = False,
    dark: bool = False,
    size=(1500, 920),
    search: str = "",
    read_only=False,
    suggest=False,
    pdf=False,
) -> None:
    app = QApplication(sys.argv[:1])
    app.setStyleSheet((RESOURCES / "style.qss").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        session = open_session(Path(tmp) / "demo.sqlite3")
        seed_new_project(session, SEEDS)
        session.use_reviewer("Ada Lovelace")
        terms = {t.label: t for t in session.terms.all()}
        doc_id = next(d.id for d in session.documents.summaries() if d.source_kind == "peer_reviewed")
        text = session.documents.get(doc_id).text
        ids = []
        sentence = text[slice(*sentence_span(text, text.index(SUGGESTED), text.index(SUGGESTED)))]
        for quote, values, refs in CLAIMS:
            if suggest and quote in sentence:
                continue  # the sentence is left to a new claim and its suggestions
            start = text.index(quote)
            terms_ = tuple(TermRef(role, label, terms[label].identifier, terms[label].id) for role, label in refs)
            ids.append(session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values, terms_))[0].id)
        if read_only:  # as a project in a folder the reviewer may not write to opens
            session.set_read_only(f"{Path(tmp) / 'demo.sqlite3'} is read-only for you (its permissions)")
        window = MainWindow(session, QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(*size)
        window.show()
        window.open_document(doc_id)
        if dark:
            window.reading.set_theme("dark")
        if search:
            window.search_panel.open_panel()
            window.search_panel.query.setText(search)
            window.search_panel.run(blocking=True)
        if pdf:
            show_pdf(window, session)
        elif suggest:
            show_suggestions(window, text)
        elif top:
            window.select_claim(ids[[q for q, _, _ in CLAIMS].index(KEY_FINDING)])  # under their headings
        else:
            window.select_claim(ids[1])
        app.processEvents()
        window.grab().save(out)
        session.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(zip(sys.argv[1:], sys.argv[2:]))
    size = tuple(int(n) for n in options.get("--size", "1500x920").split("x"))
    main(
        args[0] if args else "screenshot.png",
        "--top" in sys.argv,
        "--dark" in sys.argv,
        size,
        options.get("--search", ""),
        "--read-only" in sys.argv,
        "--suggest" in sys.argv,
        "--pdf" in sys.argv,
    )
