"""`curator check` looks at PDF pages (issue 14): a PDF without its pages, or with a layout that does
not fit its text, is a problem named by document; a healthy PDF project checks ok."""

from __future__ import annotations

import pytest

from curator.core.checks import check_project
from curator.core.models import DocumentPages
from tests.test_pdf_storage import PAGE_ONE, PAGE_TWO, layout_for, pdf_document

pytestmark = pytest.mark.both_backends


def test_a_stored_pdf_checks_ok(session):
    session.documents.add(pdf_document([PAGE_ONE, PAGE_TWO]))
    report = check_project(session)
    assert "PDF pages" in report.checked
    assert not [p for p in report.problems if p.startswith("pages")]


def test_a_pdf_without_its_pages_or_with_a_layout_that_does_not_fit_is_named(session):
    new = pdf_document([PAGE_ONE, PAGE_TWO])
    session.documents.add(new)
    DocumentPages.update(layout=layout_for([PAGE_ONE]).to_bytes()).where(DocumentPages.sha256 == new.sha256).execute()
    problems = [p for p in check_project(session).problems if "A paper" in p]
    assert len(problems) == 1 and "does not fit its text" in problems[0]
    DocumentPages.delete().where(DocumentPages.sha256 == new.sha256).execute()
    problems = [p for p in check_project(session).problems if "A paper" in p]
    assert len(problems) == 1 and "without its pages" in problems[0]
