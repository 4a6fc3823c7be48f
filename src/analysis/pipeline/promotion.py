"""One run per output directory, and outputs that change only between two consistent states.

Two lock files in the output directory's ``build/`` (``fcntl.flock``: the operating system
releases them when the holder ends, even on SIGKILL, so a crash never leaves a stale lock):

* ``build/run.lock`` — held exclusively by a run from before it decides what is up to date until
  it exits. A second run on the same directory finds it taken and refuses at once
  (:class:`OutputBusy`, exit code 3), without touching anything; it never reports notebooks
  as failed.
* ``build/outputs.lock`` — held exclusively while a run promotes one notebook's outputs (moves
  the files, updates the manifests and its state) or writes ``exhibits.md``; ``status`` and
  ``report`` read under a shared lock on it (:func:`read_consistently`), so they never see a
  half-promoted state and wait at most for one promotion, never for a whole run.

Promotion itself moves each staged file with an atomic rename, with SIGINT/SIGTERM held.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from analysis import paths
from analysis.pipeline.signals import signals_deferred

RUN_LOCK = "run.lock"
OUTPUTS_LOCK = "outputs.lock"
T = TypeVar("T")


class OutputBusy(Exception):
    """Another run holds the output directory."""

    def __init__(self, output_root: Path, holder: str):
        self.output_root = output_root
        self.holder = holder
        super().__init__(f"another `beyond-protocol run` is writing to {output_root}"
                         + (f" ({holder})" if holder else "")
                         + ": nothing was done. Wait for it to finish, or use another --output-dir.")


def build_dir_of(output_root: Path | str | None) -> Path:
    """The build area of an output root (the project's ``build/`` for the project root)."""
    root = Path(output_root).resolve() if output_root else paths.OUTPUT_ROOT
    return paths.BUILD_DIR if root == paths.OUTPUT_ROOT else root / "build"


@contextmanager
def run_lock(output_root: Path, build_dir: Path) -> Iterator[None]:
    """Hold the output directory for this run, or raise :class:`OutputBusy` at once."""
    build_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(build_dir / RUN_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
            raise OutputBusy(output_root, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        # Readers lock this file; it exists before the first promotion of this run.
        os.close(os.open(build_dir / OUTPUTS_LOCK, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))
        yield
    finally:
        os.close(fd)


@contextmanager
def _flocked(path: Path, operation: int, flags: int) -> Iterator[None]:
    fd = os.open(path, flags | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, operation)
        yield
    finally:
        os.close(fd)


@contextmanager
def promoting(build_dir: Path) -> Iterator[None]:
    """Exclusive access to the outputs (and SIGINT/SIGTERM held) while they change."""
    with signals_deferred(), _flocked(build_dir / OUTPUTS_LOCK, fcntl.LOCK_EX, os.O_RDONLY | os.O_CREAT):
        yield


def read_consistently(output_root: Path | str | None, read: Callable[[], T]) -> T:
    """``read()`` the outputs of ``output_root`` while no run is promoting there.

    Without a lock file no run has ever held the directory; should one start meanwhile (it
    creates the lock file first), the read is repeated under the lock.
    """
    lock = build_dir_of(output_root) / OUTPUTS_LOCK
    while True:
        existed = lock.exists()
        if existed:
            with _flocked(lock, fcntl.LOCK_SH, os.O_RDONLY):
                return read()
        result = read()
        if not lock.exists():
            return result


def promote(staged_root: Path, output_root: Path) -> list[Path]:
    """Move staged outputs into place, each with an atomic rename (call within :func:`promoting`)."""
    moved = []
    for source in sorted(p for p in staged_root.rglob("*") if p.is_file()):
        target = output_root / source.relative_to(staged_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:  # another file system: copy beside the target, then rename
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copy2(source, tmp)
            os.replace(tmp, target)
        moved.append(target)
    return moved


__all__ = ["OUTPUTS_LOCK", "RUN_LOCK", "OutputBusy", "build_dir_of", "promote", "promoting", "read_consistently",
           "run_lock"]
