"""Time away from the computer, read as the desk-break companion reads it (issue 22): GNOME's
idle monitor as a real peer on a private session bus, and the X11 screensaver extension of a
real X server (Xvfb) moved by synthetic input (xdotool)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature
from dbus_fast.service import ServiceInterface, dbus_method

from tests.conftest import require
from tests.notifications import start_session_bus
from unknot.idle import GnomeIdleMonitor, PlainTimer, X11ScreenSaver, find_idle_source

Milliseconds = Annotated[int, DBusSignature("t")]
Flag = Annotated[bool, DBusSignature("b")]


class IdleMonitor(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.gnome.Mutter.IdleMonitor")
        self.idle_ms = 0

    @dbus_method()
    def GetIdletime(self) -> Milliseconds:
        return self.idle_ms


class ScreenSaver(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.gnome.ScreenSaver")
        self.active = False

    @dbus_method()
    def GetActive(self) -> Flag:
        return self.active


@pytest.fixture
def gnome(tmp_path: Path) -> Iterator[tuple[str, IdleMonitor, ScreenSaver]]:
    folder = tmp_path / "bus"
    folder.mkdir()
    daemon, address = start_session_bus(folder)
    monitor, saver = IdleMonitor(), ScreenSaver()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    buses: list[MessageBus] = []

    async def serve() -> None:
        bus = await MessageBus(bus_address=address).connect()
        buses.append(bus)
        bus.export("/org/gnome/Mutter/IdleMonitor/Core", monitor)
        bus.export("/org/gnome/ScreenSaver", saver)
        await bus.request_name("org.gnome.Mutter.IdleMonitor")
        await bus.request_name("org.gnome.ScreenSaver")

    asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    yield address, monitor, saver
    for bus in buses:
        loop.call_soon_threadsafe(bus.disconnect)
    asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()
    daemon.terminate()
    daemon.wait(5)
    assert daemon.stdout is not None
    daemon.stdout.close()


def test_gnomes_idle_monitor_and_lock_are_read_over_the_bus(
    gnome: tuple[str, IdleMonitor, ScreenSaver], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, monitor, saver = gnome
    source = GnomeIdleMonitor(address)
    monitor.idle_ms = 42_500
    assert source.read() == (42.5, False)
    saver.active = True
    assert source.read() == (42.5, True)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    assert find_idle_source().name == "gnome"


def test_without_gnome_or_x11_the_plain_timer_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bus"
    folder.mkdir()
    daemon, address = start_session_bus(folder)  # a session bus with no idle monitor on it
    try:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monkeypatch.setenv("DISPLAY", "")
        assert isinstance(find_idle_source(), PlainTimer)
    finally:
        daemon.terminate()
        daemon.wait(5)
        assert daemon.stdout is not None
        daemon.stdout.close()


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    xvfb = require("Xvfb", "the X11 idle test runs a virtual X server")
    require("xdotool", "the X11 idle test moves the pointer with xdotool")
    read, write = os.pipe()
    # -displayfd: Xvfb picks a free display and writes its number when it is ready.
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as ready:
        number = ready.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(10)


def test_x11_idle_time_grows_and_synthetic_input_resets_it(x_display: str) -> None:
    source = X11ScreenSaver(x_display)
    try:
        before, locked = source.read()
        assert not locked
        # Nothing has touched this display since it started; an event makes it recent.
        subprocess.run(
            ["xdotool", "mousemove", "200", "200"],
            env={**os.environ, "DISPLAY": x_display},
            check=True,
        )
        after, _ = source.read()
        assert after <= before
        assert after < 1.0
        later, _ = source.read()
        assert later >= after  # it only grows until the next input
    finally:
        source.close()
