"""A private D-Bus session bus (dbus-daemon --session) with a real org.freedesktop.Notifications
peer on it: it answers Notify as a desktop's notification service does, records each notice
with its buttons, and presses a button by emitting ActionInvoked."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusDict, DBusInt32, DBusSignature, DBusStr, DBusUInt32
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

from tests.conftest import require


@dataclass
class Notice:
    id: int
    app_name: str
    summary: str
    body: str
    buttons: dict[str, str]
    """Title → action key, as Notify's actions list pairs them."""


@dataclass
class NotificationPeer:
    """The notices received, in order; `press` clicks a button as a person would."""

    address: str
    notices: list[Notice] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    _loop: asyncio.AbstractEventLoop | None = None
    _service: Any = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Notice]:
        """Block until `count` notices have arrived (a notice comes from another thread or
        process; this waits on its arrival, not on time)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.notices) >= count, timeout):
                raise AssertionError(f"{len(self.notices)} notices arrived, expected {count}")
        return self.notices

    def dismiss(self, notice: Notice) -> None:
        """The person closes the notice without pressing a button (reason 2)."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._service.NotificationClosed, notice.id, 2)

    def press(self, notice: Notice, title: str) -> None:
        assert self._loop is not None
        key = notice.buttons[title]
        self._loop.call_soon_threadsafe(self._service.ActionInvoked, notice.id, key)


Strings = Annotated[list[str], DBusSignature("as")]
ServerInformation = Annotated[tuple[str, str, str, str], DBusSignature("ssss")]
Pair = Annotated[tuple[int, str], DBusSignature("us")]
Closed = Annotated[tuple[int, int], DBusSignature("uu")]
Nothing = Annotated[None, DBusSignature("")]


class _Notifications(ServiceInterface):
    def __init__(self, peer: NotificationPeer) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.peer = peer
        self.next_id = 0

    @dbus_method()
    def GetCapabilities(self) -> Strings:
        return ["actions", "body"]

    @dbus_method()
    def GetServerInformation(self) -> ServerInformation:
        return ("unknot-test-peer", "unknot", "1.0", "1.2")

    @dbus_method()
    def Notify(
        self,
        app_name: DBusStr,
        replaces_id: DBusUInt32,
        app_icon: DBusStr,
        summary: DBusStr,
        body: DBusStr,
        actions: Strings,
        hints: DBusDict,
        expire_timeout: DBusInt32,
    ) -> DBusUInt32:
        self.next_id += 1
        # "default" is a click on the notice itself, not a button.
        pairs = {
            title: key
            for key, title in zip(actions[0::2], actions[1::2], strict=True)
            if key != "default"
        }
        notice = Notice(self.next_id, app_name, summary, body, pairs)
        with self.peer.arrived:
            self.peer.notices.append(notice)
            self.peer.arrived.notify_all()
        return self.next_id

    @dbus_method()
    def CloseNotification(self, notice: DBusUInt32) -> Nothing:
        self.peer.closed.append(notice)

    @dbus_signal()
    def ActionInvoked(self, notice: int, action_key: str) -> Pair:
        return (notice, action_key)

    @dbus_signal()
    def NotificationClosed(self, notice: int, reason: int) -> Closed:
        return (notice, reason)


def start_session_bus(folder: Path) -> tuple[subprocess.Popen[str], str]:
    daemon = require("dbus-daemon", "desktop notification tests run a private session bus")
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address=1", f"--address=unix:dir={folder}"],
        stdout=subprocess.PIPE,
        # It says it cannot raise its file limit when not run by the system: harmless here.
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    if not address:
        process.kill()
        raise AssertionError("dbus-daemon printed no address")
    return process, address


@pytest.fixture
def notification_peer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[NotificationPeer]:
    folder = tmp_path / "bus"
    folder.mkdir()
    process, address = start_session_bus(folder)
    peer = NotificationPeer(address)
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    buses: list[MessageBus] = []

    async def serve() -> None:
        bus = await MessageBus(bus_address=address).connect()
        buses.append(bus)
        service = _Notifications(peer)
        bus.export("/org/freedesktop/Notifications", service)
        await bus.request_name("org.freedesktop.Notifications")
        peer._service = service
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    assert ready.is_set()
    peer._loop = loop
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield peer
    finally:
        for bus in buses:
            loop.call_soon_threadsafe(bus.disconnect)
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
        process.terminate()
        process.wait(5)
        assert process.stdout is not None
        process.stdout.close()
