"""Real file-system faults for the tests: a small tmpfs that fills up, a read-only mount.

`chmod` does not stop root, who runs the tests here, so a read-only folder is a read-only bind
mount; a full disk is a tmpfs of a few hundred kilobytes. Both need root (CAP_SYS_ADMIN): without
it the test is skipped, and under CI=true it fails (issue 3).
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import IN_CI


def require_mounts() -> None:
    """Skip (fail under CI=true) where this process may not mount file systems."""
    if os.geteuid() == 0 and Path("/proc/self/mountinfo").exists():
        return
    message = "mounting a tmpfs or a read-only folder needs root"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = f"{' '.join(command)}: {done.stderr.strip()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def small_disk(folder: Path, kilobytes: int) -> Iterator[Path]:
    """A tmpfs of `kilobytes` mounted at `folder` (created), unmounted afterwards."""
    require_mounts()
    folder.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={kilobytes}k,mode=0700", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        # Lazy: a server that has just been stopped may still hold a file for a moment.
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full; return it (delete it to free the space)."""
    filler = disk / "filler"
    block = b"\0" * 4096
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(descriptor, block)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
    finally:
        os.close(descriptor)
    return filler


@contextmanager
def read_only_view(source: Path, folder: Path) -> Iterator[Path]:
    """`source` seen read-only at `folder` (a bind mount, remounted read-only)."""
    require_mounts()
    folder.mkdir(parents=True, exist_ok=True)
    _run("mount", "--bind", str(source), str(folder))
    try:
        _run("mount", "-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)
