"""Desktop notices over a real session bus, to a real Notifications peer (issue 22)."""

from __future__ import annotations

import threading

import pytest

from tests.notifications import NotificationPeer, notification_peer
from unknot.notices import DesktopNotices, NoticeNotShown

__all__ = ["notification_peer"]


def test_a_notice_reaches_the_service_and_its_button_comes_back(
    notification_peer: NotificationPeer, request: pytest.FixtureRequest
) -> None:
    pressed = threading.Event()
    notices = DesktopNotices()
    notices.show("Time for a neck break", "Chin tucks, 1 minute", [("Start", pressed.set)])
    request.addfinalizer(notices.close)
    [notice] = notification_peer.wait_for(1)
    assert notice.app_name == "unknot"
    assert notice.summary == "Time for a neck break"
    assert notice.body == "Chin tucks, 1 minute"
    assert list(notice.buttons) == ["Start"]
    notification_peer.press(notice, "Start")
    assert pressed.wait(10)


def test_no_service_on_the_bus_is_a_failure_not_silence(
    notification_peer: NotificationPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    notices = DesktopNotices()
    with pytest.raises(NoticeNotShown, match="did not take it"):
        notices.show("Time for a neck break", "Chin tucks")
    notices.close()
