"""`curator merge`, `assign`, `role`, `done` and `reviewers` from the command line: exit codes, what
they print and what the project holds afterwards; hostile files give one sentence, never a traceback."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from curator.cli import main
from curator.core.migrations import LATEST_VERSION
from tests.test_merge import ANN, BEN, LEAD, MIGRAINE_QUOTE, claim_on, dump, opened


@pytest.fixture
def projects(tmp_path):
    """The lead's project and Ann's copy holding one claim of hers."""
    lead = tmp_path / "lead.sqlite3"
    opened(lead, LEAD).close()
    ann = tmp_path / "ann.sqlite3"
    shutil.copyfile(lead, ann)
    s = opened(ann, ANN)
    claim_on(s, "000", MIGRAINE_QUOTE, statement="Ann's reading")
    s.close()
    return lead, ann


def claim_count(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM claim").fetchone()[0]
    finally:
        con.close()


def test_merge_dry_run_writes_nothing_then_merge_writes_and_a_second_merge_changes_nothing(projects, capsys):
    lead, ann = projects
    opened(lead, LEAD).close()  # the open's own writes (backup, identity) happen before the snapshot
    before = dump(lead)
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 new claim(s)" in out and "dry run: nothing was written" in out
    assert dump(lead) == before

    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann)]) == 0
    assert "merged ann.sqlite3" in capsys.readouterr().out
    assert claim_count(lead) == 1
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann)]) == 0
    assert "nothing to change" in capsys.readouterr().out
    assert claim_count(lead) == 1


def _not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database\n" * 50)
    return path


def _other_program(tmp_path: Path) -> Path:
    path = tmp_path / "firefox.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.commit()
    con.close()
    return path


def _newer(tmp_path: Path, ann: Path) -> Path:
    path = tmp_path / "newer.sqlite3"
    shutil.copyfile(ann, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE schema_info SET value = ? WHERE key = 'schema_version'", (str(LATEST_VERSION + 1),))
    con.commit()
    con.close()
    return path


def _truncated(tmp_path: Path, ann: Path) -> Path:
    path = tmp_path / "truncated.sqlite3"
    data = ann.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _folder(tmp_path: Path, ann: Path) -> Path:
    path = tmp_path / "folder.sqlite3"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp, ann: _not_sqlite(tmp), "notes.sqlite3: is not a Curator project (not an SQLite database)"),
        (lambda tmp, ann: _other_program(tmp), "firefox.sqlite3: is an SQLite database of another program"),
        (_newer, "newer.sqlite3: was written by a newer Curator"),
        (_truncated, "truncated.sqlite3: cannot be read as a Curator project"),
        (_folder, "folder.sqlite3: is a folder, not a file"),
        (lambda tmp, ann: tmp / "missing.sqlite3", "missing.sqlite3: cannot be read"),
    ],
    ids=["not-sqlite", "other-program", "newer-schema", "truncated", "folder", "missing"],
)
def test_merge_of_a_hostile_or_foreign_file_is_one_sentence_and_writes_nothing(projects, tmp_path, capsys, make, words):
    lead, ann = projects
    opened(lead, LEAD).close()
    before = dump(lead)
    other = make(tmp_path, ann)
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(other)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("curator: error: ") and words in lines[0], captured.err
    assert "Traceback" not in captured.err + captured.out
    assert dump(lead) == before


def test_merge_of_the_project_itself_is_refused(projects, capsys):
    lead, _ = projects
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(lead)]) == 1
    assert "is this project itself" in capsys.readouterr().err


def test_assign_role_done_and_reviewers(projects, capsys):
    lead, _ = projects
    db = ["--db", str(lead)]
    assert main([*db, "--reviewer", LEAD, "assign", "000", ANN, BEN]) == 1  # "000" names no document
    assert "no document is called '000'" in capsys.readouterr().err
    assert main([*db, "--reviewer", LEAD, "assign", "1", ANN, BEN]) == 0
    out = capsys.readouterr().out
    assert f"added reviewer {ANN} (extractor)" in out and "(blind)" in out
    assert main([*db, "--reviewer", ANN, "assign", "2", BEN]) == 1
    assert "only the project's lead can assign documents" in capsys.readouterr().err
    assert main([*db, "--reviewer", LEAD, "role", BEN, "adjudicator"]) == 0
    assert main([*db, "--reviewer", ANN, "done", "1"]) == 0
    assert "1 of 2 done" in capsys.readouterr().out
    assert main([*db, "reviewers"]) == 0
    out = capsys.readouterr().out
    assert f"{ANN} (AE), Extractor: 1 of 1 assigned document(s) done" in out
    assert f"{BEN} (BE), Adjudicator: 0 of 1 assigned document(s) done" in out
    assert f"{LEAD} (LL), Lead: 0 of 0" in out
    assert main([*db, "--reviewer", ANN, "done", "1", "--undo"]) == 0
    assert "not done (0 of 2 done · blind)" in capsys.readouterr().out
    assert main([*db, "done", "1"]) == 1
    assert "say who you are" in capsys.readouterr().err


def test_a_reviewer_project_merges_into_a_postgresql_project(projects, postgres_url, capsys):
    _, ann = projects
    assert main(["--db", postgres_url, "migrate"]) == 0
    assert main(["--db", postgres_url, "--reviewer", LEAD, "merge", str(ann), "--dry-run"]) == 0
    assert "1 new claim(s)" in capsys.readouterr().out
    assert main(["--db", postgres_url, "--reviewer", LEAD, "merge", str(ann)]) == 0
    assert main(["--db", postgres_url, "--reviewer", LEAD, "merge", str(ann)]) == 0
    assert "nothing to change" in capsys.readouterr().out

    from curator.core.session import open_session

    s = open_session(postgres_url)
    try:
        (claim,) = s.claims.all()
        assert (claim.anchor.exact, claim.reviewer_name, claim.values["statement"]) == (
            MIGRAINE_QUOTE,
            ANN,
            "Ann's reading",
        )
    finally:
        s.close()


def test_a_conflict_is_listed_by_the_cli_and_settled_with_prefer(projects, capsys):
    from tests.test_merge import edit

    lead, ann = projects
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann)]) == 0
    s = opened(ann, ANN)  # Ann merges back, so both hold her claim and know they agree on it
    claim_uuid = s.claims.all()[0].uuid
    s.close()
    assert main(["--db", str(ann), "--reviewer", ANN, "merge", str(lead)]) == 0
    s = opened(ann, ANN)
    edit(s, claim_uuid, statement="Ann's second thoughts")
    s.close()
    s = opened(lead, LEAD)
    edit(s, claim_uuid, statement="the lead's correction")
    s.close()
    capsys.readouterr()
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann)]) == 0
    out = capsys.readouterr().out
    assert "conflict (edited on both sides, kept as here for now)" in out
    assert "Statement: here “the lead's correction”, there “Ann's second thoughts”" in out
    assert "merge with --prefer mine or --prefer theirs" in out
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann), "--prefer", "theirs"]) == 0
    assert "taken from there" in capsys.readouterr().out
    s = opened(lead, LEAD)
    assert s.claims.all()[0].values["statement"] == "Ann's second thoughts"
    s.close()
    assert main(["--db", str(lead), "--reviewer", LEAD, "merge", str(ann)]) == 0
    assert "nothing to change" in capsys.readouterr().out
