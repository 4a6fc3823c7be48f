"""Run notebooks in parallel worker processes, longest first, and leave no process behind.

Each worker is a long-lived process that executes one notebook after another (each in a fresh
kernel of its own); the main process hands out the next notebook as soon as a worker is free,
longest expected first, so the last notebooks to finish are short ones. Workers are *forked*
from the runner after it has imported papermill, so no worker pays that import again (a
spawned worker spent about 1.5 s importing before its first kernel started); where forking
is unsafe (threads running) they are spawned instead.

Workers ignore SIGINT (Ctrl-C reaches the whole process group; the main process decides). On
an interrupt the main process sends each worker SIGTERM; a worker then stops and reaps its
kernel and exits, and the main process waits for every worker before it returns — no kernel
and no worker outlives the run, and none is left unreaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, wait

from analysis.pipeline.execution import Result, Task, execute
from analysis.pipeline.fastimport import import_papermill
from analysis.pipeline.signals import raise_interrupt, signals_deferred

STOP_GRACE = 20.0    # seconds a worker gets to stop its kernel after SIGTERM, before SIGKILL


def _serve(connection: Connection, inherited: list[Connection]) -> None:
    """A worker: execute the tasks the main process sends until it sends None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, raise_interrupt)
    for other in inherited:   # the main process's ends of other workers' pipes (fork copies them)
        other.close()
    # A forked worker must not reuse an event loop the parent may have had (its selector is
    # shared with the parent): a fresh policy, and each notebook in a fresh, empty context.
    asyncio.set_event_loop_policy(None)
    try:
        while True:
            try:
                task = connection.recv()
            except EOFError:    # the main process is gone
                return
            if task is None:
                return
            connection.send(contextvars.Context().run(execute, task))
    except KeyboardInterrupt:   # SIGTERM from the main process: execute() has stopped the kernel
        return
    finally:
        connection.close()


def worker_context():
    """Fork (after importing papermill once) when this process runs no other thread, else spawn."""
    if threading.active_count() == 1:
        import_papermill()           # once, here; every forked worker inherits it
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_parallel(tasks: list[Task], jobs: int, finish: Callable[[Task, Result], None]) -> None:
    """Execute ``tasks`` on up to ``jobs`` workers; call ``finish`` here as each one ends.

    Raises KeyboardInterrupt when interrupted, after every worker (and so every kernel) has
    stopped and been reaped. A worker that dies (killed from outside) fails its notebook and
    is replaced.
    """
    context = worker_context()
    queue = sorted(tasks, key=lambda t: -t.expected_seconds)
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    running: dict[int, Task] = {}        # worker index → its task
    interrupted = False

    def start_worker() -> int:
        here, there = context.Pipe()
        inherited = [c for _, c in workers] if context.get_start_method() == "fork" else []
        process = context.Process(target=_serve, args=(there, inherited), daemon=True)
        process.start()
        there.close()
        workers.append((process, here))
        return len(workers) - 1

    def hand_out(index: int) -> None:
        if queue:
            running[index] = queue.pop(0)
            workers[index][1].send(running[index])

    try:
        for index in [start_worker() for _ in range(min(jobs, len(queue)))]:
            hand_out(index)
        while running:
            waited = {workers[i][1]: i for i in running} | {workers[i][0].sentinel: i for i in running}
            for ready in wait(list(waited)):
                index = waited[ready]
                if index not in running:
                    continue
                process, connection = workers[index]
                task = running.pop(index)
                try:
                    result = connection.recv()
                except (EOFError, OSError):
                    process.join()
                    result = Result(task.notebook.stem, "failed",
                                    message=f"the worker process died (exit code {process.exitcode})")
                if queue:   # the worker starts its next notebook while this one is promoted
                    hand_out(index if process.is_alive() else start_worker())
                finish(task, result)
    except BaseException:   # an interrupt, or promotion failing: stop the workers now, kernels and all
        interrupted = True
        raise
    finally:
        with signals_deferred():   # a second Ctrl-C must not leave workers unreaped
            for process, connection in workers:
                if interrupted and process.is_alive():
                    process.terminate()
                elif process.is_alive():
                    with contextlib.suppress(OSError):
                        connection.send(None)
            for process, connection in workers:
                process.join(STOP_GRACE)
                if process.is_alive():
                    process.kill()
                    process.join()
                connection.close()


__all__ = ["run_parallel", "worker_context"]
