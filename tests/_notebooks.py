"""Small notebooks for the runner's tests: a parameters cell and a few code cells, cheap to run."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

# Writes tables/fault.{csv,tex,md} through the library, so the runner records it in the manifest.
WRITES_A_TABLE = ('import pandas as pd\nimport analysis as bp\n'
                  'bp.write_table(pd.DataFrame({"a": [1]}), "fault", output_dir=output_dir, caption="new")')
# Marks, beside the notebook's staged outputs (never promoted), that the kernel got this far.
MARKS_STARTED = 'import pathlib\npathlib.Path(output_dir).parent.joinpath("started").write_text("yes")'


def make_notebook(directory: Path, *cells: str, stem: str = "01_fault") -> Path:
    """Write ``directory/<stem>.ipynb``: an ``output_dir`` parameter, then ``cells``; return ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = new_code_cell('output_dir: str = ""  # root directory for outputs')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(new_code_cell(cell) for cell in cells)]
    nbformat.write(nb, directory / f"{stem}.ipynb")
    return directory


def started(output_root: Path, stem: str) -> Path:
    """Where :data:`MARKS_STARTED` leaves its mark for notebook ``stem`` of a run into ``output_root``."""
    return output_root / "build" / "staging" / stem / "started"
