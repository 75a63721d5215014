"""How long since the person last touched the computer, for the desk-break companion (issue 22).

Three sources, the first that answers: GNOME's idle monitor over D-Bus (which also works under
Wayland, where X11 clients cannot see input), the X11 screensaver extension, and a plain timer
that counts all time as active (then only a locked screen noticed by nobody and a suspend count
as breaks; the companion says so when it starts).
"""

from __future__ import annotations

import asyncio
import os
from typing import Protocol


class IdleSource(Protocol):
    name: str
    """What the companion says it uses."""

    def read(self) -> tuple[float, bool]:
        """Seconds since the last input, and whether the screen is locked."""
        ...


class PlainTimer:
    name = "timer"

    def read(self) -> tuple[float, bool]:
        return 0.0, False


IDLE_MONITOR = "org.gnome.Mutter.IdleMonitor"
SCREEN_SAVER = "org.gnome.ScreenSaver"


class GnomeIdleMonitor:
    """GNOME's idle monitor (GetIdletime, in milliseconds) and its screen saver's GetActive."""

    name = "gnome"

    def __init__(self, address: str | None = None) -> None:
        self.address = address

    def read(self) -> tuple[float, bool]:
        return asyncio.run(self._read())

    async def _read(self) -> tuple[float, bool]:
        from dbus_fast import Message, MessageType
        from dbus_fast.aio import MessageBus

        bus = await MessageBus(bus_address=self.address).connect()
        try:
            idle = await bus.call(
                Message(
                    destination=IDLE_MONITOR,
                    path="/org/gnome/Mutter/IdleMonitor/Core",
                    interface=IDLE_MONITOR,
                    member="GetIdletime",
                )
            )
            if idle is None or idle.message_type != MessageType.METHOD_RETURN:
                raise OSError(f"the idle monitor did not answer ({idle and idle.body})")
            locked = await bus.call(
                Message(
                    destination=SCREEN_SAVER,
                    path="/org/gnome/ScreenSaver",
                    interface=SCREEN_SAVER,
                    member="GetActive",
                )
            )
            is_locked = (
                locked is not None
                and locked.message_type == MessageType.METHOD_RETURN
                and bool(locked.body[0])
            )
            return float(idle.body[0]) / 1000, is_locked
        finally:
            bus.disconnect()

    def available(self) -> bool:
        try:
            self.read()
        except Exception:
            return False
        return True


class X11ScreenSaver:
    """The X server's screensaver extension: idle milliseconds, and whether it is on."""

    name = "x11"

    def __init__(self, display: str | None = None) -> None:
        from Xlib import display as xdisplay

        self._display = xdisplay.Display(display)
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            self._display.close()
            raise OSError("the X server has no screensaver extension")

    def read(self) -> tuple[float, bool]:
        from Xlib.ext import screensaver

        info = self._display.screen().root.screensaver_query_info()
        return info.idle / 1000, info.state == screensaver.StateOn

    def close(self) -> None:
        self._display.close()


def find_idle_source() -> IdleSource:
    """GNOME's monitor, else X11's extension, else the plain timer."""
    gnome = GnomeIdleMonitor()
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS") and gnome.available():
        return gnome
    if os.environ.get("DISPLAY"):
        try:
            return X11ScreenSaver()
        except Exception:
            pass
    return PlainTimer()
