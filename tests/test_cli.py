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
    assert openpyxl.load_workbook(out).sheetnames == ["Claims", "Claim terms", "Documents", "Codebook", "Evidence map", "About", "Lists"]
    session = open_session(db)
    assert session.documents.count() == 5
    session.close()


def test_database_can_be_chosen_by_environment_variable(tmp_path):
    db = tmp_path / "env.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "curator", "export", str(tmp_path / "o.xlsx")],
        env={"CURATOR_DB": str(db), "PATH": "", "HOME": str(tmp_path)}, capture_output=True, text=True,
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
