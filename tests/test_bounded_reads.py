"""Bounded reads (issue 13): what no reader may do with hostile input, on real files.

Special files are refused before they are opened, a .docx bomb before it is inflated, a PDF
with too many pages before its text is read; deep HTML keeps its text; a read that takes too
long stops; and in a batch each bad file is one line while the good files are written.
Limits are set low through Settings so the bombs stay small and the tests quick.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cli import app
from config import Settings, get_settings
from graph.export import FORMATS
from graph.factory import open_store
from graph.memory import MemoryStore
from graph.model import Label
from graph.store import GraphStore
from ingest.errors import FileNotReadableError, FileTooLargeError
from ingest.files import read_limited
from ingest.pipeline import (
    extract_file,
    find_report_files,
    find_report_sources,
    try_extract_file,
)
from ingest.readers import read_data, read_document
from services.exporting import export_store
from services.ingesting import ingest_files
from tests.neo4j_server import wipe_all_nodes

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "samples" / "reports").glob("*.txt"))
MB = 2**20
DEEP_SENTENCE = "本年度全面推进依法行政，法治政府建设取得新成效。"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def low_limits(**more: object) -> Settings:
    return get_settings(max_decompressed_bytes=1 * MB, max_pdf_pages=3, **more)


# --- files to read -------------------------------------------------------------------------


def bomb_docx(path: Path, inflated: int = 8 * MB) -> Path:
    """A .docx whose document.xml is ``inflated`` bytes of one repeated byte (about 1000:1)."""
    xml = f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(xml)
            for _ in range(inflated // MB):
                member.write(b"0" * MB)
    return path


def lying_docx(path: Path) -> Path:
    """A bomb whose central directory says each member is 100 bytes."""
    bomb = bomb_docx(path.with_suffix(".tmp"), 4 * MB)
    with zipfile.ZipFile(bomb) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))  # stored again, then the sizes lie
    with zipfile.ZipFile(path, "a") as archive:
        for info in archive.infolist():
            info.file_size = 100
        archive.comment = b"sizes rewritten"  # makes close() write the central directory
    bomb.unlink()
    return path


def real_docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def deep_html(path: Path, levels: int) -> Path:
    body = "<div>" * levels + f"<p>{DEEP_SENTENCE}</p>" + "</div>" * levels
    page = f"<html><head><title>报告</title></head><body>{body}<p>末段。</p></body></html>"
    path.write_text(page, encoding="utf-8")
    return path


def unix_socket(path: Path) -> Iterator[Path]:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        yield path


@pytest.fixture
def folder() -> Iterator[Path]:
    """A short folder path (a unix socket path must stay under 108 bytes)."""
    made = Path(tempfile.mkdtemp(prefix="fz-"))
    yield made
    shutil.rmtree(made, ignore_errors=True)


# --- special files -------------------------------------------------------------------------


def test_a_fifo_a_device_link_and_a_socket_are_refused_in_one_line(folder: Path) -> None:
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    zero = folder / "zero.txt"
    zero.symlink_to("/dev/zero")
    fifo_link = folder / "pipe-link.txt"
    fifo_link.symlink_to(fifo)
    sock = folder / "sock.txt"
    expected = {
        fifo: "FIFO",
        zero: "a link to a character device",
        fifo_link: "a link to a FIFO",
        sock: "socket",
    }
    for sock_path in unix_socket(sock):
        for path, kind in expected.items():
            assert try_extract_file(path) == f"{path}: not a regular file ({kind}); skipped"
        assert sock_path.exists()


def test_a_file_that_says_it_is_empty_is_still_read_only_up_to_the_limit(folder: Path) -> None:
    status = folder / "status.txt"
    status.symlink_to("/proc/self/status")  # st_size 0, some hundred bytes to read
    assert status.stat().st_size == 0
    assert b"Name:" in read_limited(status, 100_000)
    with pytest.raises(FileTooLargeError, match=r"status\.txt: file is larger than the limit"):
        read_limited(status, 10)


# --- .docx ---------------------------------------------------------------------------------


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = bomb_docx(tmp_path / "bomb.docx")
    assert bomb.stat().st_size * 500 < 8 * MB  # a real bomb: at least 500:1
    with pytest.raises(FileTooLargeError) as caught:
        read_document(bomb, settings=low_limits())
    assert str(caught.value) == (
        f"{bomb}: inflates to 8 MB, more than the limit of 1 MB "
        "(FAZHI_MAX_DECOMPRESSED_BYTES); a zip bomb?"
    )


def test_a_docx_that_lies_about_its_sizes_is_refused_in_one_line(tmp_path: Path) -> None:
    liar = lying_docx(tmp_path / "liar.docx")
    assert sum(info.file_size for info in zipfile.ZipFile(liar).infolist()) < 1000
    line = try_extract_file(liar, settings=low_limits())
    assert isinstance(line, str)
    assert line.startswith(f"{liar}: not a readable .docx file")
    assert "\n" not in line


def test_a_docx_within_the_limit_is_read(tmp_path: Path) -> None:
    path = real_docx(tmp_path / "report.docx", DEEP_SENTENCE)
    assert read_document(path, settings=low_limits()).text.strip() == DEEP_SENTENCE


# --- PDF -----------------------------------------------------------------------------------


def test_a_pdf_with_more_pages_than_the_limit_is_refused(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(5):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(FileTooLargeError) as caught:
        read_data(buffer.getvalue(), source="long.pdf", fmt="pdf", settings=low_limits())
    assert str(caught.value) == "long.pdf: 5 pages, more than the limit of 3 (FAZHI_MAX_PDF_PAGES)"


# --- HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [1000, 5000])
def test_deeply_nested_html_keeps_its_text(tmp_path: Path, levels: int) -> None:
    document = read_document(deep_html(tmp_path / "deep.html", levels), settings=get_settings())
    assert document.text.split() == [DEEP_SENTENCE, "末段。"]
    assert document.page.title == "报告"
    assert any("nested" in warning for warning in document.warnings)


def test_shallow_html_is_still_read_by_main_text_detection(tmp_path: Path) -> None:
    document = read_document(deep_html(tmp_path / "page.html", 20), settings=get_settings())
    assert DEEP_SENTENCE in document.text
    assert not document.warnings


# --- time ----------------------------------------------------------------------------------


def test_a_read_past_the_time_limit_is_one_line_and_the_next_file_is_read(folder: Path) -> None:
    slow = deep_html(folder / "slow.html", 100)  # main-text detection: tens of milliseconds
    slow.write_text(slow.read_text(encoding="utf-8") * 20, encoding="utf-8")
    line = try_extract_file(slow, settings=get_settings(read_timeout_s=0.001))
    assert line == (f"{slow}: reading took longer than 0.001 s (FAZHI_READ_TIMEOUT_S); skipped")
    outcome = try_extract_file(SAMPLES[0], settings=get_settings(read_timeout_s=60))
    assert not isinstance(outcome, str), outcome
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --- batches -------------------------------------------------------------------------------


@pytest.fixture
def hostile_folder(folder: Path) -> tuple[Path, list[Path], list[Path]]:
    """Two copied sample reports and a deep page (good), a bomb, a /dev/zero link and a FIFO."""
    good = [Path(shutil.copy(sample, folder / sample.name)) for sample in SAMPLES[:2]]
    good.append(deep_html(folder / "deep.html", 1000))
    (folder / "deep.html").write_text(
        (folder / "deep.html")
        .read_text(encoding="utf-8")
        .replace("报告", "2023年法治政府建设年度报告"),
        encoding="utf-8",
    )
    bad = [bomb_docx(folder / "bomb.docx"), folder / "zero.txt", folder / "pipe.txt"]
    bad[1].symlink_to("/dev/zero")
    os.mkfifo(bad[2])
    return folder, good, bad


def test_the_good_files_of_a_batch_land_and_each_bad_one_is_one_line(
    hostile_folder: tuple[Path, list[Path], list[Path]], tmp_path: Path
) -> None:
    folder, good, bad = hostile_folder
    with MemoryStore(tmp_path / "data") as store:
        summary = ingest_files(store, find_report_sources([folder]), settings=low_limits())
        sources = {node.props["source"] for node in store.dump()[0] if node.label == "Report"}
    assert sources == {str(path) for path in good}
    assert summary.new == len(good)
    assert len(summary.failed) == len(bad)
    for path, line in zip(sorted(bad), sorted(summary.failed), strict=True):
        assert line.startswith(f"{path}: ")
        assert "\n" not in line


def test_fazhi_ingest_prints_one_line_per_bad_file_and_writes_the_rest(
    hostile_folder: tuple[Path, list[Path], list[Path]], tmp_path: Path
) -> None:
    folder, good, bad = hostile_folder
    env = {"FAZHI_MAX_DECOMPRESSED_BYTES": str(MB)}
    data = str(tmp_path / "data")
    result = CliRunner().invoke(app, ["ingest", str(folder), "--data-dir", data], env=env)
    assert result.exit_code == 0, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert [line.split(": ")[1] for line in sorted(failed)] == [str(p) for p in sorted(bad)]
    assert f"reports: {len(good)} new" in result.stdout
    stats = CliRunner().invoke(app, ["stats", "--json", "--data-dir", data])
    assert f'"Report": {len(good)}' in stats.stdout


# --- folders -------------------------------------------------------------------------------

_LIST_AS_NOBODY = (
    "import sys; from pathlib import Path; from ingest.pipeline import find_report_files, "
    "try_extract_file; files = find_report_files([Path(sys.argv[1])]); "
    "print(*(try_extract_file(f) if f.is_dir() else f.name for f in files), sep='\\n')"
)


def test_an_unreadable_folder_is_reported_not_skipped_silently(folder: Path) -> None:
    folder.chmod(0o755)
    shutil.copy(SAMPLES[0], folder / "ok.txt")
    locked = folder / "locked"
    locked.mkdir()
    shutil.copy(SAMPLES[1], locked / "hidden.txt")
    locked.chmod(0)
    try:
        lines = _listed_without_privileges(folder)
    finally:
        locked.chmod(0o755)
    assert lines == [
        f"{locked}: cannot read folder: Permission denied; its files were skipped",
        "ok.txt",
    ]


def _listed_without_privileges(folder: Path) -> list[str]:
    """What find_report_files gives for ``folder``, as a user the folder's modes apply to.

    Root reads every folder through two capabilities, so as root the listing runs without them
    (still root: ``nobody`` could not read a checkout inside a private temporary folder).
    """
    if os.geteuid() != 0:
        files = find_report_files([folder])
        return [str(try_extract_file(f)) if f.is_dir() else f.name for f in files]
    caps = "-dac_override,-dac_read_search"
    drop = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
    command = [*drop, sys.executable, "-c", _LIST_AS_NOBODY, str(folder)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_missing_path_and_a_readable_folder_given_as_a_file_keep_their_lines(
    tmp_path: Path,
) -> None:
    with pytest.raises(FileNotReadableError, match="is a directory, not a file"):
        read_document(tmp_path, settings=get_settings())


# --- file names ----------------------------------------------------------------------------

GBK_NAME = "海州.txt".encode("gbk")  # what an archive from Chinese Windows unpacks to
ESCAPED_NAME = "".join(f"\\x{byte:02x}" for byte in GBK_NAME[:4]) + ".txt"


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind (the real Neo4j of the session, wiped)."""
    if request.param == "memory":
        with MemoryStore(tmp_path / "data") as memory:
            yield memory
        return
    settings: Settings = request.getfixturevalue("neo4j_settings")
    wipe_all_nodes(settings)
    with open_store(settings) as neo4j:
        yield neo4j
        neo4j.clear()


def test_a_gbk_named_file_is_ingested_exported_and_served(
    empty_store: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/" + GBK_NAME, "wb") as handle:
        handle.write(SAMPLES[0].read_bytes())
    summary = ingest_files(empty_store, find_report_sources([folder]), settings=get_settings())
    name = f"{folder}/{ESCAPED_NAME}"
    assert (summary.new, summary.failed, summary.files[0].source) == (1, [], name)
    [report] = empty_store.find_nodes(Label.REPORT).items
    assert report.props["source"] == name
    for fmt in FORMATS:
        done = export_store(empty_store, fmt, tmp_path / f"export-{fmt}")
        written = "".join(path.read_text(encoding="utf-8") for path in done.paths)
        expected = json.dumps(name, ensure_ascii=False)[1:-1] if fmt == "jsonl" else name
        assert expected in written, fmt
    assert asyncio.run(_served_sources(empty_store)) == [name]


async def _served_sources(store: GraphStore) -> list[str]:
    from api.app import create_app

    app = create_app(get_settings(api_graphiql=False), store=store)
    query = "{ reports(first: 5) { edges { node { source } } } }"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    edges = response.json()["data"]["reports"]["edges"]
    return [edge["node"]["source"] for edge in edges]


def test_names_are_printed_literally_never_as_markup_or_terminal_codes(tmp_path: Path) -> None:
    names = ["[red]x[bold].txt", "a\x1b[31mb.txt", "c\u202etxt.exe.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "ok.txt").write_bytes(SAMPLES[0].read_bytes())
    data = str(tmp_path / "data")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--data-dir", data])
    assert result.exit_code == 0, result.output
    failed = sorted(line for line in result.stderr.splitlines() if line.startswith("failed: "))
    assert failed == [
        f"failed: {tmp_path}/[red]x[bold].txt: empty file",
        f"failed: {tmp_path}/a\\x1b[31mb.txt: empty file",
        f"failed: {tmp_path}/c\\u202etxt.exe.txt: empty file",
    ]
    assert "\x1b" not in result.output


# --- temp files ----------------------------------------------------------------------------

_SAVE_THAT_HANGS = (
    "import os, sys, time; from pathlib import Path; import networkx as nx; "
    "from graph.memory import save_graph; os.fsync = lambda fd: time.sleep(120); "
    "save_graph(Path(sys.argv[1]), nx.MultiDiGraph(), {})"
)


def test_the_temp_file_of_a_killed_save_is_removed_when_the_store_opens(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with MemoryStore(data) as store:
        store.upsert_report(extract_file(SAMPLES[0]))
    before = MemoryStore(data).stats()
    saving = subprocess.Popen(  # a save killed between writing its temp file and the rename
        [sys.executable, "-c", _SAVE_THAT_HANGS, str(data / "graph.pickle")], cwd=ROOT
    )
    left = _first_temp_file(data)
    saving.send_signal(signal.SIGKILL)
    saving.wait()
    kept = data / f".graph.pickle.{os.getpid()}.x.tmp"  # a save running now: left alone
    kept.write_bytes(b"")
    assert left.exists()
    reopened = MemoryStore(data)
    assert not left.exists()
    assert kept.exists()
    assert reopened.stats() == before


def _first_temp_file(folder: Path) -> Path:
    for _ in range(600):
        found = sorted(folder.glob(".graph.pickle.*.tmp"))
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no temp file appeared in {folder}")
