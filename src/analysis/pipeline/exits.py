"""The exit codes of the ``beyond-protocol`` command line, defined once for every command."""

from __future__ import annotations

EXIT_OK = 0            # done: every notebook ran or was up to date; data valid; all outputs current
EXIT_FAILED = 1        # a notebook failed (the others still ran); status: an output is not current
EXIT_BAD_INPUT = 2     # refused before running anything: bad parameters, invalid data, no notebook to run
EXIT_BUSY = 3          # another run is writing to the same output directory; nothing was done
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM: outputs already in place are complete, nothing partial

RUN_EXIT_CODES = (f"Exit codes: {EXIT_OK} done; {EXIT_FAILED} a notebook failed (the others still ran); "
                  f"{EXIT_BAD_INPUT} refused before running anything (bad parameters or data, no notebook to run); "
                  f"{EXIT_BUSY} another run is writing to the same output directory (nothing done); "
                  f"{EXIT_INTERRUPTED} interrupted (Ctrl-C, SIGTERM).")

__all__ = ["EXIT_BAD_INPUT", "EXIT_BUSY", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "RUN_EXIT_CODES"]
