"""Signals in the runner: SIGTERM behaves like Ctrl-C, and some steps must not be cut in half."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


def in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def sigterm_interrupts():
    """Within the block, SIGTERM raises KeyboardInterrupt like Ctrl-C (main thread only)."""
    if not in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def signals_deferred():
    """Hold SIGINT/SIGTERM while the block runs (moving outputs into place, reaping a kernel), so
    it is never left half done; a signal that arrived meanwhile is delivered at the end."""
    if not in_main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


__all__ = ["in_main_thread", "raise_interrupt", "signals_deferred", "sigterm_interrupts"]
