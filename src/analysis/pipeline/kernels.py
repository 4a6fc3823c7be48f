"""The kernels the runner starts, talks to and stops.

* **Which interpreter.** A kernelspec of the runner's own (``beyond-protocol-runner``) runs
  *this* interpreter, looked up in the run's ``build/jupyter/kernels`` only — a stale user-level
  kernel of another environment can never be picked up (papermill #251, #761). It starts the
  kernel through :mod:`analysis.pipeline.tracking`, which records the data files read.
* **No ports.** Kernels talk over IPC (Unix sockets) in a short private directory each, so
  kernels started in parallel cannot race for a TCP port (papermill #511) or a socket name.
* **Environment.** Passed to the kernel explicitly (never by changing this process's
  ``os.environ``): the record file, the watched data directories, the provenance for figure
  metadata, ``SOURCE_DATE_EPOCH`` and ``PYTHONHASHSEED`` for byte-stable outputs.
* **Clean stop.** jupyter_client interrupts a kernel (SIGINT) before every shutdown, which an
  idle ipykernel logs as ``ERROR | KeyboardInterrupt caught in kernel``. A kernel whose notebook
  has finished is simply asked to shut down, waited for and reaped; only a kernel still running
  a cell (timeout, interrupt) is interrupted first. :func:`reap` is the last resort that makes
  sure no kernel outlives its notebook and none is left unreaped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis.exhibits.outputs import PROVENANCE_ENV, RECORD_ENV
from analysis.pipeline.tracking import WATCH_ENV

RUNNER_KERNEL = "beyond-protocol-runner"
# Fixed epoch for byte-stable outputs (matplotlib reads it for PDF/SVG dates); 2000-01-01.
DEFAULT_SOURCE_DATE_EPOCH = "946684800"
SHUTDOWN_WAIT = 4.0   # seconds: half to exit after the shutdown request, then SIGTERM, then SIGKILL


@dataclass
class KernelWatch:
    """What the runner knows about one notebook's kernel while it runs."""

    process: subprocess.Popen | None = None
    busy: bool = False          # a cell is executing


def runner_kernelspec(build_dir: Path) -> Path:
    """Write the runner's kernelspec under ``build_dir``; return the directory of kernelspecs."""
    kernels = build_dir / "jupyter" / "kernels"
    spec_dir = kernels / RUNNER_KERNEL
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "analysis.pipeline.tracking", "-f", "{connection_file}",
                     # no IPython history database: parallel kernels would contend for its lock
                     "--HistoryManager.hist_file=:memory:"],
            "display_name": "beyond-protocol (runner)", "language": "python",
            "metadata": {"debugger": False}}
    text = json.dumps(spec, indent=1)
    path = spec_dir / "kernel.json"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return kernels


def kernel_environment(*, record: Path, watched: list[str], provenance: dict) -> dict[str, str]:
    """The kernel's environment: this process's, plus what the notebook's run needs."""
    return {**os.environ, RECORD_ENV: str(record), WATCH_ENV: os.pathsep.join(watched), "PYTHONHASHSEED": "0",
            PROVENANCE_ENV: json.dumps(provenance, sort_keys=True),
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)}


def kernel_manager_class(kernel_dir: Path, socket_dir: str, environment: dict[str, str], watch: KernelWatch,
                         *, cwd: Path):
    """A jupyter_client kernel manager class bound to one notebook's kernel (papermill wants a class).

    The kernel starts in ``cwd`` (the notebook's directory) with ``environment``; neither this
    process's working directory nor its environment is changed (papermill's ``cwd`` would
    ``chdir`` the whole process).
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class RunnerKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(socket_dir, "kernel")

        @default("kernel_spec_manager")
        def _default_kernel_spec_manager(self):
            return KernelSpecManager(kernel_dirs=[str(kernel_dir)])

        @default("shutdown_wait_time")
        def _default_shutdown_wait_time(self):
            return SHUTDOWN_WAIT

        async def start_kernel(self, **kw):
            kw["env"] = dict(environment)
            kw["cwd"] = str(cwd)
            await super().start_kernel(**kw)
            watch.process = getattr(self.provisioner, "process", None)

        async def shutdown_kernel(self, now: bool = False, restart: bool = False):
            if now or restart or watch.busy or not self.has_kernel or not self.owns_kernel:
                await super().shutdown_kernel(now=now, restart=restart)
                return
            self.shutting_down = True
            self.stop_restarter()
            await self.request_shutdown()
            await self.finish_shutdown()     # waits; SIGTERM, then SIGKILL if it does not exit; reaps
            await self.cleanup_resources()

    return RunnerKernelManager


def reap(watch: KernelWatch) -> None:
    """Make sure the kernel has exited and is reaped: kill its process group if it is still alive.

    Normally a no-op (the kernel manager has shut it down and waited for it); it matters when
    the shutdown itself was cut short, e.g. by a second signal.
    """
    process = watch.process
    if process is None or process.poll() is not None:
        return
    try:
        group = os.getpgid(process.pid)
        if group != os.getpgid(0):   # kernels run in a session of their own: kill its children too
            os.killpg(group, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()


__all__ = ["DEFAULT_SOURCE_DATE_EPOCH", "RUNNER_KERNEL", "KernelWatch", "kernel_environment",
           "kernel_manager_class", "reap", "runner_kernelspec"]
