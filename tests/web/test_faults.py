"""Faults a person's machine can have: a broken exercise file, a full disk, a database file that
is not one, a read-only data folder (issue 13). Each is named in one line or one problem, and
nothing already saved is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from typer.testing import CliRunner

from tests.catalog.samples import VALID, write
from tests.mounts import fill, read_only_view, small_disk
from tests.web.forms import post_form
from tests.web.serving import Server, free_port
from tests.web.test_api import NO, problem
from unknot.cli import app as cli
from unknot.services.workspace import Workspace
from unknot.storage.faults import StorageFault, storage_fault

runner = CliRunner()
NOTE = "n" * 500  # the longest note: each check-in takes room


def test_a_broken_own_exercise_file_is_named_and_the_rest_is_served(
    client: TestClient, own_exercises: Path
) -> None:
    write(own_exercises, "broken", "name: [")
    write(own_exercises, "towel-nod", VALID)
    catalog = client.get("/exercises")
    assert catalog.status_code == 200
    assert "Some of your own exercises were left out" in catalog.text
    assert "broken.yaml" in catalog.text
    assert "Towel chin nod" in catalog.text
    assert client.get("/exercises/towel-nod").status_code == 200
    assert client.get("/exercises/broken").status_code == 404
    assert client.post("/api/v1/screening", json={"answers": NO}).status_code == 201
    assert client.get("/api/v1/plan/today").status_code == 200
    today = client.get("/today")
    assert today.status_code == 200
    assert "broken.yaml" in today.text
    left_out = client.get("/api/v1/status").json()["left_out_exercises"]
    assert [Path(p["file"]).name for p in left_out] == ["broken.yaml"]
    ids = {r["id"] for r in client.get("/api/v1/catalog").json()}
    assert "towel-nod" in ids
    assert "broken" not in ids
    # Mended, the banner goes.
    write(own_exercises, "broken", VALID)
    assert "were left out" not in client.get("/exercises").text


def cap_pages(engine: Engine) -> Callable[[], None]:
    """Let the database grow no further, as SQLite's own limit does (`max_page_count`); return
    what lifts the cap."""
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", cap)
    engine.dispose()  # the pooled connections were opened without the cap

    def lift() -> None:
        event.remove(engine, "connect", cap)
        engine.dispose()

    return lift


def check_ins_until_refused(send: Callable[[int], tuple[int, Any]]) -> tuple[list[int], Any]:
    """Send check-ins numbered 0, 1, ... until one is refused; the acknowledged numbers and the
    refusal."""
    acknowledged: list[int] = []
    for number in range(5000):
        status, body = send(number)
        if status != 201:
            return acknowledged, (status, body)
        acknowledged.append(number)
    raise AssertionError("the disk never filled")


def stored_notes(export: dict[str, Any]) -> list[int]:
    notes = [row["note"] for row in export["tables"]["checkins"] if row["note"]]
    return sorted(int(note.rstrip("n")) for note in notes)


def test_a_full_database_says_so_keeps_what_was_saved_and_keeps_reading(
    client: TestClient,
) -> None:
    assert client.post("/api/v1/screening", json={"answers": NO}).status_code == 201
    assert client.get("/api/v1/plan/today").status_code == 200
    lift = cap_pages(Workspace.from_environment().open_store().engine)

    def send(number: int) -> tuple[int, Any]:
        body = {"moment": "check", "pain": {"neck": 3}, "note": f"{number}{NOTE[:480]}"}
        response = client.post("/api/v1/checkins", json=body)
        return response.status_code, response

    acknowledged, (status, refused) = check_ins_until_refused(send)
    assert status == 507
    body = problem(refused, 507)
    assert body["fault"] == "full"
    assert body["title"] == "The disk is full"
    assert "nothing was lost" in body["detail"]
    # Reads keep working, and every acknowledged check-in is there.
    assert stored_notes(client.get("/api/v1/export").json()) == acknowledged
    assert client.get("/api/v1/progress").status_code == 200
    for path in ("/today", "/progress", "/history", "/data"):
        assert client.get(path).status_code == 200, path
    # A page's form says it as a page.
    page = post_form(client, "/checkin", {"moment": "check", "pain_neck": "3", "note": NOTE})
    assert page.status_code == 507
    assert "The disk is full" in page.text
    assert "nothing was lost" in page.text
    # With room again, the same connection pool saves.
    lift()
    assert send(9999)[0] == 201
    assert stored_notes(client.get("/api/v1/export").json()) == [*acknowledged, 9999]


def request(server: Server, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    call = urllib.request.Request(server.url + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            text = response.read()
            return response.status, json.loads(text) if text.startswith(b"{") else text
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def full_disk_server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    with small_disk(tmp_path / "disk", 4096) as disk:
        server = Server(disk / "data", tmp_path / "config")
        server.start()
        try:
            yield server, disk
        finally:
            server.stop()


def test_a_full_disk_under_a_real_server_loses_nothing_acknowledged(
    full_disk_server: tuple[Server, Path],
) -> None:
    server, disk = full_disk_server
    assert request(server, "POST", "/api/v1/screening", {"answers": NO})[0] == 201

    def send(number: int) -> tuple[int, Any]:
        body = {"moment": "check", "pain": {"neck": 2}, "note": f"{number}{NOTE[:480]}"}
        return request(server, "POST", "/api/v1/checkins", body)

    before = [5000 + n for n in range(3)]
    assert [send(n)[0] for n in before] == [201] * 3
    filler = fill(disk)
    acknowledged, (status, body) = check_ins_until_refused(send)
    acknowledged = [*acknowledged, *before]
    assert status == 507, body
    assert body["fault"] == "full"
    assert "nothing was lost" in body["detail"]
    assert request(server, "GET", "/api/v1/progress")[0] == 200
    assert stored_notes(request(server, "GET", "/api/v1/export")[1]) == acknowledged
    filler.unlink()
    assert send(9999)[0] == 201
    # Stopped and started again: everything acknowledged is still there.
    server.stop()
    server.start()
    assert stored_notes(request(server, "GET", "/api/v1/export")[1]) == [*acknowledged, 9999]


def test_export_onto_a_full_disk_keeps_the_earlier_backup(tmp_path: Path) -> None:
    assert runner.invoke(cli, ["checkin", "--pain", "neck=3", "--note", NOTE]).exit_code == 0
    with small_disk(tmp_path / "disk", 64) as disk:
        backup = disk / "backup.json"
        backup.write_text("an earlier backup", encoding="utf-8")
        filler = fill(disk)
        result = runner.invoke(cli, ["export", "--out", str(backup)])
        assert result.exit_code == 2
        assert "the disk is full" in result.stderr
        assert "Traceback" not in result.output
        assert backup.read_text(encoding="utf-8") == "an earlier backup"
        assert sorted(p.name for p in disk.iterdir()) == ["backup.json", "filler"]
        filler.unlink()


def serve_once(data: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """`unknot serve` expected to refuse at once: its exit status and what it printed."""
    environment = {"UNKNOT_DATA_DIR": str(data), "UNKNOT_CONFIG_DIR": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "unknot", "serve", "--port", str(free_port())],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize(
    "content", [b"these are notes, not a database\n" * 40, b"SQLite format 3\0" + b"\x5a" * 8192]
)
def test_a_file_that_is_not_a_database_is_named_in_one_line(
    private_folders: dict[str, Path], content: bytes
) -> None:
    database = private_folders["data"] / "unknot.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(content)
    result = runner.invoke(cli, ["history"])
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert str(database) in line
    assert "is not an unknot database, or it is damaged" in line
    assert "move it aside" in line
    served = serve_once(private_folders["data"], private_folders["config"])
    assert served.returncode == 2
    assert one_line(served.stderr) == line
    assert database.read_bytes() == content  # left as it was, for the person to look at


def test_a_read_only_data_folder_says_so(private_folders: dict[str, Path], tmp_path: Path) -> None:
    assert runner.invoke(cli, ["checkin", "--pain", "neck=3"]).exit_code == 0
    with read_only_view(private_folders["data"], tmp_path / "read-only") as folder:
        for data in (folder, folder / "inside"):
            result = subprocess.run(
                [sys.executable, "-m", "unknot", "history"],
                env={**os.environ, "UNKNOT_DATA_DIR": str(data)},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert result.returncode == 2
            line = one_line(result.stderr)
            assert "is read-only" in line
            assert "UNKNOT_DATA_DIR" in line
        served = serve_once(folder, private_folders["config"])
        assert served.returncode == 2
        assert "is read-only" in one_line(served.stderr)


def test_faults_are_read_from_the_drivers_own_codes(tmp_path: Path) -> None:
    import sqlite3

    import psycopg

    url = f"sqlite:///{tmp_path / 'x.db'}"
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("notes\n" * 200, encoding="utf-8")
    with pytest.raises(sqlite3.DatabaseError) as caught:
        sqlite3.connect(not_a_database).execute("select 1 from sqlite_master")
    fault = storage_fault(caught.value, url)
    assert isinstance(fault, StorageFault)
    assert fault.kind == "not_a_database"
    assert fault.where == str(tmp_path / "x.db")
    full = sqlite3.connect(tmp_path / "full.db")
    full.execute("create table t (x)")
    full.execute("pragma max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as caught:
        full.execute("insert into t values (?)", ("x" * 10_000,))
    fault = storage_fault(caught.value, url)
    assert fault is not None
    assert (fault.kind, fault.reason) == ("full", "database or disk is full")
    error = psycopg.errors.DiskFull("could not extend file")
    pg = storage_fault(error, "postgresql+psycopg://unknot:secret@db.example/unknot")
    assert pg is not None
    assert pg.kind == "full"
    assert "secret" not in pg.where
    assert storage_fault(ValueError("not a storage fault"), url) is None
