"""Desktop notifications (issue 22) through desktop-notifier: on Linux, the freedesktop
Notifications service on the session bus, with buttons whose presses come back as signals.

desktop-notifier is asynchronous and its button callbacks run on its event loop, so notices
keep one loop on a thread of their own for the life of the process; callers stay synchronous.
The library logs a failed notification instead of raising, so a notice counts as shown only
when the library reports it dispatched: a reminder that reached nobody is logged as failed.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from typing import Final

SHOW_TIMEOUT_S: Final = 10.0


class NoticeNotShown(RuntimeError):
    """No notification service took the notice; the message says what to check."""


class DesktopNotices:
    """Notices on this computer's desktop, each with buttons (title and what pressing does)."""

    def __init__(self, app_name: str = "unknot") -> None:
        self.app_name = app_name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._notifier: object | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=loop.run_forever, name="unknot-notices", daemon=True
                )
                self._thread.start()
                self._loop = loop
            return self._loop

    def close(self) -> None:
        """Leave the session bus and stop the notices' loop (buttons no longer answer)."""
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is None:
            return

        async def leave() -> None:
            bus = getattr(getattr(self._notifier, "_backend", None), "bus", None)
            if bus is not None:
                bus.disconnect()
                await bus.wait_for_disconnect()

        # A bus already gone is left as it is.
        with suppress(Exception):
            asyncio.run_coroutine_threadsafe(leave(), loop).result(SHOW_TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(SHOW_TIMEOUT_S)
        loop.close()

    def show(
        self,
        title: str,
        message: str,
        buttons: Sequence[tuple[str, Callable[[], None]]] = (),
        on_dismissed: Callable[[], None] | None = None,
    ) -> None:
        """Show a notice now. Raises NoticeNotShown."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not os.environ.get("XDG_RUNTIME_DIR"):
            raise NoticeNotShown(
                "no desktop session was found (DBUS_SESSION_BUS_ADDRESS is not set): start "
                "unknot from your desktop session"
            )
        future = asyncio.run_coroutine_threadsafe(
            self._show(title, message, buttons, on_dismissed), self._running_loop()
        )
        try:
            shown = future.result(SHOW_TIMEOUT_S)
        except FutureTimeout:
            future.cancel()
            raise NoticeNotShown(
                "the desktop's notification service did not answer within "
                f"{SHOW_TIMEOUT_S:.0f} seconds"
            ) from None
        if not shown:
            raise NoticeNotShown(
                "the desktop's notification service did not take it: is a notification "
                "service running in your desktop session?"
            )

    async def _show(
        self,
        title: str,
        message: str,
        buttons: Sequence[tuple[str, Callable[[], None]]],
        on_dismissed: Callable[[], None] | None,
    ) -> bool:
        from desktop_notifier import Button, DesktopNotifier

        if self._notifier is None:
            self._notifier = DesktopNotifier(app_name=self.app_name, app_icon=None)
        notifier = self._notifier
        assert isinstance(notifier, DesktopNotifier)
        dispatched = asyncio.Event()
        await notifier.send(
            title=title,
            message=message,
            buttons=[Button(title=name, on_pressed=pressed) for name, pressed in buttons],
            on_dispatched=dispatched.set,
            on_dismissed=on_dismissed,
        )
        return dispatched.is_set()
