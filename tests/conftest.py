import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import: tests never need a screen

import contextlib
from pathlib import Path

import pytest

from curator.core.paths import SEEDS
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from tests import pg_server

BACKENDS = ("sqlite", "postgresql")
TEST_REVIEWER = ("Test Reviewer", "TR")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "both_backends: each test of the module (or class) that uses the `session` fixture runs twice, as "
        "[sqlite] on a project file and as [postgresql] on a database of its own on the test server",
    )
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): under both_backends, a test that has no PostgreSQL meaning (files, backups, WAL, "
        "PRAGMAs) runs as [sqlite] only; the reason says why",
    )


def pytest_generate_tests(metafunc):
    """Modules marked both_backends run each test that reaches the `backend` fixture on both backends."""
    if "backend" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("both_backends") is None:
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only")
    if sqlite_only is not None and not (sqlite_only.args or sqlite_only.kwargs.get("reason")):
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: sqlite_only needs a reason")
    metafunc.parametrize("backend", ["sqlite"] if sqlite_only else list(BACKENDS), indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Which database the test's project is on: "sqlite" unless the module is marked both_backends."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "project.sqlite3"


@pytest.fixture
def db_target(request, backend):
    """Where the test's project is: its SQLite file (db_path), or the URL of its PostgreSQL database."""
    if backend == "sqlite":
        return request.getfixturevalue("db_path")
    return request.getfixturevalue("seeded_postgres_url")


@pytest.fixture
def session(db_target):
    """A fresh project with the five seed documents and a current reviewer, on the test's backend."""
    s = open_session(db_target)
    if not isinstance(db_target, str):
        seed_new_project(s, SEEDS)  # on PostgreSQL the database is a copy of one seeded once (below)
    s.use_reviewer(*TEST_REVIEWER)
    yield s
    s.close()


def doc_id_by_file(session, prefix: str) -> int:
    from curator.core.models import Document

    return Document.get(Document.file_name.startswith(prefix)).id


class FakeInteraction:
    """Answers the window's questions the way a test says, and records what was asked."""

    def __init__(self):
        self.unsaved_answer = "cancel"
        self.new_term = None
        self.save_path = None
        self.open_path = None
        self.confirm_answer = True
        self.open_paths: list[str] = []
        self.encoding_answer = None  # what ask_encoding returns: (encoding, for the rest of the import) or None
        self.passwords: list[str] = []  # what ask_password returns, in turn (None once they run out)
        self.revision_answer = "keep"  # "keep" (fuzzy stay orphaned), "accept" (all fuzzy), "cancel"
        self.revisions = []
        self.details_edit = None  # a function(dialog) that fills the details dialog, or None to cancel
        self.details_dialogs = []
        self.import_answer = "accept"  # or "cancel", or "add_terms" (tick the box, then accept)
        self.previews = []
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.asked: list[str] = []
        self.picked_claim = None  # which of several overlapping claims a click means
        self.pending_answer = None  # text left in a term field at Save: "pick", "add", "discard" or None
        self.without_reviewer_answer = "quit"
        self.stale_answer = "keep"  # a claim changed elsewhere: "keep", "theirs", "new", "discard" or None
        self.stale_dialogs = []  # (message, rows, deleted) of each stale-claim question
        self.assign_edit = None  # a function(AssignDialog) that ticks reviewers, or None to cancel
        self.roles_edit = None  # a function(ReviewersDialog) that sets roles, or None to cancel
        self.team_dialogs = []
        self.merge_answer = True  # apply the merge after its preview
        self.merge_previews = []

    def ask_unsaved(self, parent, what="this claim"):
        self.asked.append("unsaved")
        return self.unsaved_answer

    def show_error(self, parent, message, title="Curator"):
        self.errors.append(message)

    def confirm(self, parent, title, text, ok_label):
        self.asked.append(f"confirm:{title}")
        return self.confirm_answer

    def show_info(self, parent, title, message):
        self.infos.append(message)

    def ask_save_path(self, parent, title, suggested, filter_):
        return self.save_path

    def ask_open_path(self, parent, title, directory, filter_):
        return self.open_path

    def ask_open_paths(self, parent, title, directory, filter_):
        return self.open_paths

    def ask_encoding(self, parent, needed):
        self.asked.append(f"encoding:{needed.name}")
        return self.encoding_answer

    def ask_password(self, parent, needed):
        self.asked.append(f"password:{needed.file_name}:{'wrong' if needed.wrong else 'first'}")
        return self.passwords.pop(0) if self.passwords else None

    def edit_details(self, parent, document_id):
        from curator.ui.document_details import DocumentDetailsDialog

        dialog = DocumentDetailsDialog(parent, document_id)
        self.details_dialogs.append(dialog)
        if self.details_edit is None:
            return None
        self.details_edit(dialog)
        return dialog.details()

    def review_revision(self, parent, plan):
        from curator.ui.revision_dialog import RevisionDialog

        dialog = RevisionDialog(plan, parent)  # built for real, so its rows are checked too
        self.revisions.append(dialog)
        if self.revision_answer == "cancel":
            return None
        if self.revision_answer == "accept":
            dialog.tick_all()
        return dialog.accepted_fuzzy()

    def review_import(self, parent, plan, replan):
        self.previews.append(plan)
        if self.import_answer == "add_terms":
            plan = replan(True)
            self.previews.append(plan)
        return None if self.import_answer == "cancel" else plan

    def ask_new_term(self, parent, role_label, text, vocabularies):
        self.asked.append(f"new_term:{text}")
        return self.new_term

    def pick_claim(self, parent, options, where):
        self.asked.append("pick_claim:" + ",".join(str(claim_id) for claim_id, _ in options))
        return self.picked_claim

    def ask_pending_term(self, parent, role_label, text, candidates):
        self.asked.append(f"pending:{role_label}:{text}:" + "|".join(t.label for t in candidates))
        if self.pending_answer == "pick":
            return ("pick", candidates[0])
        return None if self.pending_answer is None else (self.pending_answer,)

    def ask_without_reviewer(self, parent):
        self.asked.append("without_reviewer")
        return self.without_reviewer_answer

    def resolve_stale_claim(self, parent, message, rows, deleted):
        from curator.ui.stale_claims import StaleClaimDialog

        self.stale_dialogs.append((message, rows, deleted))
        StaleClaimDialog(message, rows, deleted, parent).deleteLater()  # built for real: its widgets are checked
        return self.stale_answer

    def assign_reviewers(self, parent, title, reviewers, assignments):
        from curator.ui.team_dialogs import AssignDialog

        dialog = AssignDialog(title, reviewers, assignments, parent)  # the real dialog, filled by the test
        self.team_dialogs.append(dialog)
        if self.assign_edit is None:
            return None
        self.assign_edit(dialog)
        return dialog.answer()

    def edit_roles(self, parent, reviewers, blind):
        from curator.ui.team_dialogs import ReviewersDialog

        dialog = ReviewersDialog(reviewers, blind, parent)
        self.team_dialogs.append(dialog)
        if self.roles_edit is None:
            return None
        self.roles_edit(dialog)
        return dialog.answer()

    def review_merge(self, parent, plan, source):
        from curator.ui.merge_dialog import MergePreviewDialog

        self.merge_previews.append(MergePreviewDialog(plan, source, parent))
        return self.merge_answer


@pytest.fixture
def interaction():
    return FakeInteraction()


@pytest.fixture
def settings(tmp_path):
    """Settings in a throwaway file: tests never touch the developer's own."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, session, settings, interaction):
    from curator.ui.main_window import MainWindow

    w = MainWindow(session, settings, interaction)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole run (tests/pg_server.py): CURATOR_TEST_POSTGRES_URL's, or a throwaway
    one started from the machine's binaries. Without binaries the tests skip, saying how to install them;
    on CI (CI set) they fail instead, since .ci/run installs the server."""
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(pg_server.running_server())
        except pg_server.NoServerBinaries as exc:
            if pg_server.on_ci():
                pytest.fail(f"{exc} (CI runs the PostgreSQL tests, never skips them: .ci/run installs the server)")
            pytest.skip(str(exc))
        yield url


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of an empty database of the test's own on the PostgreSQL server; dropped afterwards."""
    with pg_server.fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="session")
def seeded_postgres_template(postgres_server):
    """A database migrated (as `curator --db URL migrate` does) and seeded as the `session` fixture seeds an
    SQLite project, once per run: each test's database is a copy of it, which takes a fraction of the time."""
    from curator.cli import main

    url = pg_server.create_database(postgres_server, "seeded")
    try:
        assert main(["--db", url, "migrate"]) == 0
        s = open_session(url)
        try:
            seed_new_project(s, SEEDS)
            s.use_reviewer(*TEST_REVIEWER)
        finally:
            s.close()
        yield url
    finally:
        pg_server.drop_database(url, postgres_server)


@pytest.fixture
def seeded_postgres_url(postgres_server, seeded_postgres_template):
    """The URL of the test's own copy of the seeded template database; dropped afterwards."""
    with pg_server.fresh_database(postgres_server, template=seeded_postgres_template) as url:
        yield url


def assign_two_extractors(session, extractors=("Ann Extractor", "Ben Extractor"), adjudicator="Ada Adjudicator"):
    """Seed 002 assigned to two extractors, with an adjudicator; the session's reviewer (the lead)
    stays the one acting. Returns the document's id."""
    lead = session.reviewer.name
    for name in (*extractors, adjudicator):
        session.use_reviewer(name)
    session.use_reviewer(lead)
    team = session.team
    team.set_role(team.reviewer_named(adjudicator).id, "adjudicator")
    doc = doc_id_by_file(session, "002")
    team.assign(doc, [team.reviewer_named(name).id for name in extractors])
    return doc
