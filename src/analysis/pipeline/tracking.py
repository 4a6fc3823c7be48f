"""Which data files a notebook reads: recorded inside its kernel, by the runner, not by the data layer.

The runner starts every kernel as ``python -m analysis.pipeline.tracking -f CONNECTION_FILE``
(its kernelspec, see :mod:`analysis.pipeline.kernels`). Before ipykernel starts, this module
installs two recorders that append ``{"kind": "input", "path": ...}`` lines to the run's record
file (``BEYOND_PROTOCOL_RECORD``), from which the runner builds the notebook's staleness
fingerprint and the manifests' list of data read:

* an **audit hook** (:func:`sys.addaudithook`, event ``open``) records every file opened for
  reading under a watched data directory (``BEYOND_PROTOCOL_WATCH``: the packaged ``data/`` and
  the notebook's ``data_dir``) — the schema, and any table a notebook reads directly;
* the tables a notebook takes from a loaded :class:`~analysis.data.load.Dataset`
  (``data.trade`` → ``trade.csv``, and the ``datapackage.json`` it was checked against), by
  wrapping the class's attribute access in this kernel.
  Loading validates the whole directory, so every table is *opened*; the opens made by the
  validation pass (:mod:`analysis.data.validate`) are therefore not counted, and a notebook
  that never touches ``data.trade`` does not go stale when ``trade.csv`` changes.

The data layer knows nothing of this; outside the runner (JupyterLab, plain papermill) nothing
is installed and nothing is recorded.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from pathlib import Path

from analysis import paths
from analysis.exhibits.outputs import RECORD_ENV

WATCH_ENV = "BEYOND_PROTOCOL_WATCH"


class ReadRecorder:
    """Append each data file read to a JSON-lines record, once per file."""

    def __init__(self, record: str | Path, watched: list[str] | tuple[str, ...]):
        self.record = str(record)
        self.prefixes = tuple(sorted({os.path.join(form, "") for directory in watched if directory
                                      for form in (os.path.abspath(directory), os.path.realpath(directory))}))
        self.seen: set[str] = set()
        self.quiet_code: set[str] = set()   # source files whose opens are not reads by the notebook
        self._writing = False

    def record_path(self, path: str | Path) -> None:
        real = os.path.realpath(path)
        if real in self.seen:
            return
        self.seen.add(real)
        self._writing = True
        try:
            with open(self.record, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"kind": "input", "path": real}, sort_keys=True) + "\n")
        finally:
            self._writing = False

    def watches(self, path: str) -> bool:
        return os.path.abspath(path).startswith(self.prefixes)

    def _opened_by_quiet_code(self) -> bool:
        frame = inspect.currentframe()
        while frame is not None:
            if frame.f_code.co_filename in self.quiet_code:
                return True
            frame = frame.f_back
        return False

    def audit(self, event: str, args: tuple) -> None:
        """The audit hook: never raises (an exception here would make the ``open`` itself fail)."""
        if event != "open" or self._writing or not self.prefixes:
            return
        try:
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return
            path = os.fsdecode(path)
            reading = ("r" in mode or "+" in mode) if mode else (flags & os.O_ACCMODE) != os.O_WRONLY
            if reading and self.watches(path) and not self._opened_by_quiet_code():
                self.record_path(os.path.abspath(path))
        except Exception:  # recording is best effort: the notebook must run regardless
            return


def track_dataset(recorder: ReadRecorder) -> None:
    """Record ``<data_dir>/<table>.csv`` whenever a notebook takes a table from a Dataset."""
    import pandas as pd

    from analysis.data import validate
    from analysis.data.load import Dataset

    recorder.quiet_code.add(validate.__file__)   # opens while validation code runs are not the notebook's
    plain = Dataset.__getattribute__

    def __getattribute__(self, name: str):
        value = plain(self, name)
        if not name.startswith("_") and isinstance(value, pd.DataFrame):
            data_dir = Path(plain(self, "data_dir"))
            recorder.record_path(data_dir / f"{name}.csv")
            # and the descriptor the table was checked and typed against
            own = data_dir / "datapackage.json"
            recorder.record_path(own if own.exists() else paths.DATAPACKAGE)
        return value

    Dataset.__getattribute__ = __getattribute__


def install_from_environment() -> ReadRecorder | None:
    """Install both recorders when the runner asked for them (it sets the record file)."""
    record = os.environ.get(RECORD_ENV)
    if not record:
        return None
    recorder = ReadRecorder(record, os.environ.get(WATCH_ENV, "").split(os.pathsep))
    sys.addaudithook(recorder.audit)   # first, so that what the imports below open is seen too
    try:
        track_dataset(recorder)
    except Exception:  # a data layer that cannot be imported: the notebook will show the traceback
        recorder.quiet_code.clear()
    return recorder


def main() -> None:
    """The kernel the runner starts: recorders first, then an ordinary ipykernel."""
    # As ipykernel_launcher does: the working directory is not an import location while the
    # kernel loads (IPython puts it back for the notebook).
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    install_from_environment()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()


__all__ = ["WATCH_ENV", "ReadRecorder", "install_from_environment", "main", "track_dataset"]
