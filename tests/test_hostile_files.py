"""Files built to crash, hang or fool the importers: each is refused by name, nothing is written, and
the test process itself lives on (issue 10: "untrusted files are parsed where they cannot take the
app down")."""

import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from curator.core.errors import CuratorError, ValidationError
from curator.io import sandbox
from curator.io.decode import EncodingNeeded
from curator.io.document_files import import_documents, read_document
from curator.io.xlsx_read import WorkbookError, read_sheet
from tests.xlsx_handmade import write_xlsx

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REPO = Path(__file__).parents[1]
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and byte file names are POSIX")


def far_cell_workbook(path: Path, ref: str) -> Path:
    """A 1.5 KB workbook with a header at A1 and one number at `ref`."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Quote</t></is></c></row>'
        f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData></worksheet>'
    )
    write_xlsx(path, [], sheet=sheet)
    return path


def shared_strings_workbook(path: Path, attribute: str) -> Path:
    """A workbook whose shared-string table declares two billion strings and holds one."""
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} {attribute}="2000000000"><si><t>Quote</t></si></sst>'
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    write_xlsx(path, [], sheet=sheet, extra_parts={"xl/sharedStrings.xml": sst})
    return path


def cli(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "curator", "--db", str(db), "--reviewer", "ann", *args],
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang fails the test instead of stalling the suite
        cwd=REPO,
        check=False,
    )


def rows_in(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT (SELECT count(*) FROM document), (SELECT count(*) FROM claim)").fetchone()


# ---- workbooks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda d: far_cell_workbook(d / "xfd.xlsx", "XFD1048576"),  # aborted the app: 550 GB
        lambda d: far_cell_workbook(d / "cv.xlsx", "CV1048576"),  # 3.3 GB and 14 s, then accepted
        lambda d: shared_strings_workbook(d / "unique.xlsx", "uniqueCount"),  # aborted the app: 48 GB
        lambda d: shared_strings_workbook(d / "count.xlsx", "count"),
    ],
)
def test_workbook_bombs_are_refused_by_name_before_calamine_sees_them(tmp_path, make):
    path = make(tmp_path)
    started = time.monotonic()
    with pytest.raises(WorkbookError, match=path.name) as caught:
        read_sheet(path)
    assert "damaged or built to exhaust memory" in str(caught.value)
    assert time.monotonic() - started < 5


def calamine_without_prechecks(path: str) -> int:
    """What read_sheet did before the pre-checks: calamine alone, here only ever run in the worker."""
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python())


@pytest.mark.skipif(sandbox.resource is None, reason="no address-space limit without the resource module")
def test_the_worker_is_the_backstop_when_calamine_itself_aborts(tmp_path):
    path = far_cell_workbook(tmp_path / "xfd.xlsx", "XFD1048576")
    with pytest.raises(WorkbookError) as caught:
        sandbox.run(calamine_without_prechecks, str(path), name=path.name, error=WorkbookError)
    assert str(caught.value) == (
        "xfd.xlsx: the file could not be read safely (it needed more than 1.5 GB of memory); "
        "it may be damaged or hostile"
    )
    # and the next file is read by a fresh worker
    ok = far_cell_workbook(tmp_path / "ok.xlsx", "B2")
    assert sandbox.run(calamine_without_prechecks, str(ok), name=ok.name) == 2


@pytest.mark.slow
def test_import_claims_of_a_workbook_bomb_refuses_it_and_writes_nothing(tmp_path):
    db = tmp_path / "p.sqlite3"
    assert cli(db, "check").returncode == 0
    before = rows_in(db)
    bomb = far_cell_workbook(tmp_path / "xfd.xlsx", "XFD1048576")
    result = cli(db, "import-claims", str(bomb))
    assert result.returncode == 1 and result.stderr.startswith("curator: error: xfd.xlsx: ")
    assert "Traceback" not in result.stderr and "memory allocation" not in result.stderr
    assert rows_in(db) == before


# ---- the worker's limits -------------------------------------------------------------------------


def spin() -> None:
    while True:
        pass


def sleep_long() -> None:
    time.sleep(60)


def abort() -> None:
    os.abort()


def allocate(n: int) -> int:
    return len(bytearray(n))


def big_result(n: int) -> bytes:
    return b"x" * n


def raise_encoding_needed() -> None:
    raise EncodingNeeded("legacy.txt", "naïve crème".encode("cp1252"))


def raise_plain() -> None:
    raise KeyError("a parser's own error")


@pytest.mark.parametrize(
    ("fn", "args", "limits", "why"),
    [
        (abort, (), {}, "it needed more than 1.5 GB of memory"),  # how Rust's allocation failure ends
        (allocate, (3 * 2**30,), {}, "it needed more than 1.5 GB of memory"),
        (big_result, (2**20,), {"result_bytes": 1000}, "what it holds came to more than 0 MB"),
        (sleep_long, (), {"wall_seconds": 1}, "it needed more than 1 s"),
        (raise_plain, (), {}, 'the reader failed: KeyError: "a parser\'s own error"'),
        pytest.param(
            spin, (), {"cpu_seconds": 1, "wall_seconds": 10}, "it needed more than 1 s", marks=pytest.mark.slow
        ),
    ],
)
def test_whatever_goes_wrong_in_the_worker_becomes_one_sentence_naming_the_file(fn, args, limits, why):
    if sandbox.resource is None and fn in (allocate, spin):
        pytest.skip("no resource limits on this platform")
    with pytest.raises(ValidationError) as caught:
        sandbox.run(fn, *args, name="bomb.txt", limits=sandbox.with_limits(**limits))
    assert str(caught.value) == f"bomb.txt: the file could not be read safely ({why}); it may be damaged or hostile"
    assert sandbox.run(allocate, 10, name="ok.txt") == 10  # a fresh worker serves the next file


def test_encoding_needed_crosses_the_process_boundary_whole():
    with pytest.raises(EncodingNeeded) as caught:
        sandbox.run(raise_encoding_needed, name="legacy.txt")
    assert caught.value.name == "legacy.txt" and caught.value.previews()["cp1252"] == "naïve crème"
    assert isinstance(caught.value, CuratorError) and "--encoding" in str(caught.value)


# ---- not regular files ---------------------------------------------------------------------------


@posix_only
def test_a_fifo_a_device_and_a_socket_are_refused_without_being_read(tmp_path):
    import socket

    os.mkfifo(tmp_path / "x.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.md"))
    for name, kind in (("x.txt", "a named pipe"), ("zero.txt", "a device"), ("s.md", "a socket")):
        with pytest.raises(ValidationError) as caught:
            read_document(tmp_path / name)
        assert str(caught.value) == f"{name}: is {kind}, not a file; only regular files are imported"
    sock.close()


@posix_only
def test_a_file_swapped_for_a_fifo_after_the_check_is_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "x.txt")
    with pytest.raises(ValidationError, match="x.txt: is a named pipe"):
        sandbox.read_regular_file(tmp_path / "x.txt", 100)


@posix_only
@pytest.mark.slow
def test_curator_import_of_a_fifo_and_a_link_to_the_zero_device_ends_at_once(tmp_path):
    db = tmp_path / "p.sqlite3"
    os.mkfifo(tmp_path / "x.txt")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    result = cli(db, "import", str(tmp_path / "x.txt"), str(tmp_path / "zero.md"), timeout=30)
    assert result.returncode == 1, result.stderr
    assert "refused: x.txt: is a named pipe" in result.stdout and "refused: zero.md: is a device" in result.stdout
    assert rows_in(db)[0] == 5  # the seeds only


@posix_only
def test_a_folder_import_refuses_links_out_of_the_folder_by_name_and_imports_the_rest(session, tmp_path):
    folder = tmp_path / "sources"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "kept.md").write_text("# Kept\n\nA source inside the folder.\n")
    (folder / "inside.txt").symlink_to(folder / "sub" / "kept.md")  # stays inside: read
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "etc").symlink_to("/etc")
    summary = import_documents(session, [folder])
    assert [p.name for p, _ in summary.imported] == ["inside.txt"]
    assert [p.name for p, _ in summary.duplicates] == ["kept.md"]
    assert sorted(reason for _, reason in summary.refused) == [
        "etc: is a link to a folder outside the folder; import that folder itself",
        "passwd.txt: is a link to a file outside the folder; import the file itself",
    ]
    assert not any("root:" in session.documents.get(d).text for _, d in summary.imported)


# ---- one bad file in a folder --------------------------------------------------------------------


def lying_docx(path: Path) -> Path:
    """A .docx whose zip directory understates word/document.xml (zipfile then says Bad CRC-32)."""
    import re
    import struct

    body = "<w:p><w:r><w:t>" + "x" * 50_000 + "</w:t></w:r></w:p>"
    xml = f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", xml)
    data = bytearray(path.read_bytes())
    for found in re.finditer(re.escape(struct.pack("<I", len(xml))), bytes(data)):
        data[found.start() : found.start() + 4] = struct.pack("<I", 4000)
    path.write_bytes(bytes(data))
    return path


@posix_only
def test_an_undecodable_name_and_a_broken_docx_are_refused_and_the_folder_imports(session, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:
        f.write(b"A note from the cafe.\n")
    lying_docx(folder / "broken.docx")
    (folder / "good.md").write_text("# Good\n\nThis one is fine.\n")
    before = session.documents.count()
    summary = import_documents(session, [folder])
    assert [p.name for p, _ in summary.imported] == ["good.md"]
    reasons = sorted(reason for _, reason in summary.refused)
    assert reasons[0].startswith("broken.docx: ") and "café" not in reasons[1]
    assert reasons[1] == "caf\ufffd.txt: the file's name is not valid text (UTF-8); rename the file and import it again"
    assert session.documents.count() == before + 1
    "\n".join(summary.lines()).encode("utf-8")  # printable: raised UnicodeEncodeError before


@posix_only
@pytest.mark.slow
def test_curator_import_of_such_a_folder_prints_every_refusal(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:
        f.write(b"A note from the cafe.\n")
    (folder / "good.md").write_text("# Good\n\nThis one is fine.\n")
    result = cli(tmp_path / "p.sqlite3", "import", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "imported 1, already there 0, refused 1" in result.stdout
    assert "refused: caf\ufffd.txt: the file's name is not valid text" in result.stdout


@pytest.mark.slow
def test_a_script_without_a_main_guard_can_read_documents(tmp_path):
    """The spawned worker must not re-run the caller's script (it did: a second import, then exit 1)."""
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nA line.\n")
    script = tmp_path / "script.py"
    script.write_text(
        f"from curator.io.document_files import read_document\nprint(read_document({str(note)!r}).title)\n"
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=REPO, check=False
    )
    assert (result.returncode, result.stdout) == (0, "Note\n"), result.stderr


@posix_only
def test_a_forked_copy_of_the_app_starts_its_own_worker(tmp_path):
    from tests.childproc import run_in_child

    sandbox.run(allocate, 1, name="warm.txt")  # the parent's worker exists before the fork
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nA line.\n")
    assert run_in_child(read_document_title, note) == "Note"
    assert sandbox.run(allocate, 2, name="after.txt") == 2  # and the parent's still serves


def read_document_title(path: Path) -> str:
    return read_document(path).title


def test_a_large_file_gets_more_time_and_a_small_one_keeps_the_base_budget(tmp_path):
    from curator.io import sandbox

    small, large = tmp_path / "small.xlsx", tmp_path / "large.xlsx"
    small.write_bytes(b"x" * 1000)
    with open(large, "wb") as f:
        f.truncate(30 * 2**20)  # a 100,000-claim export is about this size
    base = sandbox.LIMITS
    assert sandbox.limits_for(small).cpu_seconds == base.cpu_seconds + 1
    assert sandbox.limits_for(large).cpu_seconds == base.cpu_seconds + 60
    assert sandbox.limits_for(large).wall_seconds == 2 * (base.cpu_seconds + 60)
    assert sandbox.limits_for(large).memory_bytes == base.memory_bytes
