import subprocess
import sys

import openpyxl

from curator import __version__
from curator.cli import main
from curator.core.session import open_session


def test_export_creates_the_project_with_seeds_and_writes_the_workbook(tmp_path, capsys):
    db = tmp_path / "p.sqlite3"
    out = tmp_path / "claims.xlsx"
    assert main(["--db", str(db), "export", str(out)]) == 0
    assert "Exported 0 claims and 5 documents" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames == [
        "Claims",
        "Claim terms",
        "Documents",
        "Codebook",
        "Evidence map",
        "About",
        "Lists",
    ]
    session = open_session(db)
    assert session.documents.count() == 5
    session.close()


def test_database_can_be_chosen_by_environment_variable(tmp_path):
    db = tmp_path / "env.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "curator", "export", str(tmp_path / "o.xlsx")],
        env={"CURATOR_DB": str(db), "PATH": "", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_errors_are_one_clear_line_and_a_non_zero_exit(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "no" / "such" / "p.sqlite3"), "export", str(tmp_path / "o.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("curator: error: folder") and "Traceback" not in err


def test_version_and_help(capsys):
    for flag in ("--version", "--help"):
        try:
            main([flag])
        except SystemExit as exit_:
            assert exit_.code == 0
    out = capsys.readouterr().out
    assert f"curator {__version__}" in out and "export" in out


def test_import_claims_dry_run_previews_and_writes_nothing_then_imports(tmp_path, capsys):
    from curator.core.records import ClaimDraft

    db = tmp_path / "p.sqlite3"
    assert main(["--db", str(db), "--reviewer", "Ann", "export", str(tmp_path / "empty.xlsx")]) == 0
    session = open_session(db)
    session.use_reviewer("Ann")
    doc = session.documents.infos()[2]
    quote = doc.text[doc.text.index("gut") :][:40]
    start = doc.text.index(quote)
    claim, _ = session.claims.create(ClaimDraft(doc.id, start, start + len(quote), {"statement": "before"}))
    session.close()
    assert main(["--db", str(db), "export", str(tmp_path / "out.xlsx")]) == 0
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    header = [c.value for c in wb["Claims"][1]]
    wb["Claims"].cell(2, header.index("Statement") + 1, "after")
    wb.save(tmp_path / "edited.xlsx")
    capsys.readouterr()

    assert (
        main(["--db", str(db), "--reviewer", "Ann", "import-claims", str(tmp_path / "edited.xlsx"), "--dry-run"]) == 0
    )
    out = capsys.readouterr().out
    assert (
        "0 new, 1 changed, 0 unchanged" in out
        and "Statement: before → after" in out
        and "dry run: nothing was written" in out
    )
    session = open_session(db)
    assert session.claims.get(claim.id).values["statement"] == "before"
    session.close()

    assert main(["--db", str(db), "--reviewer", "Ann", "import-claims", str(tmp_path / "edited.xlsx")]) == 0
    assert "imported: 0 new, 1 changed" in capsys.readouterr().out
    session = open_session(db)
    assert session.claims.get(claim.id).values["statement"] == "after"
    session.close()


def test_import_claims_with_problems_exits_non_zero_naming_the_row(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.append(["Document", "Quote"])
    wb.active.append(["No such document", "text"])
    wb.save(tmp_path / "bad.xlsx")
    assert (
        main(["--db", str(tmp_path / "p.sqlite3"), "--reviewer", "Ann", "import-claims", str(tmp_path / "bad.xlsx")])
        == 1
    )
    captured = capsys.readouterr()
    assert "problem: row 2, Document: no document is called 'No such document'" in captured.out
    assert "nothing was written" in captured.err and "Traceback" not in captured.err


def test_import_claims_refuses_a_file_that_is_not_a_workbook(tmp_path, capsys):
    (tmp_path / "x.xlsx").write_text("not a workbook")
    assert (
        main(["--db", str(tmp_path / "p.sqlite3"), "--reviewer", "Ann", "import-claims", str(tmp_path / "x.xlsx")]) == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("curator: error: x.xlsx is not an Excel workbook (.xlsx)") and err.count("\n") == 1


def test_backup_restore_and_check_from_the_command_line(tmp_path, capsys):
    from curator.core.records import ClaimDraft

    db = tmp_path / "p.sqlite3"
    copy = tmp_path / "before.sqlite3"
    assert main(["--db", str(db), "backup", str(copy)]) == 0
    assert main(["--db", str(db), "backup", str(copy)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
    session = open_session(db)
    session.use_reviewer("R")
    doc = session.documents.summaries()[0]
    text = session.documents.get(doc.id).text
    claim, _ = session.claims.create(ClaimDraft(doc.id, 0, 20, {"statement": text[:20]}))
    session.database.execute_sql('UPDATE "claim" SET "start" = 5 WHERE "id" = ?', (claim.id,))  # an anchor gone wrong
    session.close()

    assert main(["--db", str(db), "check"]) == 1
    out = capsys.readouterr().out
    assert f"problem: anchor: claim {claim.id}" in out and "its quote is no longer at 5–20" in out

    assert main(["--db", str(db), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "before-restore" in out
    assert main(["--db", str(db), "check"]) == 0
    assert "ok: no problems found" in capsys.readouterr().out
    assert main(["--db", str(db), "backups"]) == 0
    listing = capsys.readouterr().out
    assert "before-restore" in listing and "on-open" in listing


def test_the_readme_way_to_run_the_command_works(tmp_path):
    """README: after the set-up commands the command is .venv/bin/curator, next to the interpreter."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^\.venv/bin/curator export claims\.xlsx$", readme, re.MULTILINE)
    script = Path(sys.executable).parent / ("curator.exe" if sys.platform == "win32" else "curator")
    out = tmp_path / "claims.xlsx"
    result = subprocess.run(
        [str(script), "--db", str(tmp_path / "p.sqlite3"), "export", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()
