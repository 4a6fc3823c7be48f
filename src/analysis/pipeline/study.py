"""What every analysis notebook starts from: the data, filtered and labelled once.

A notebook calls :func:`prepare_study` with its parameters and gets a :class:`Study`: the
validated dataset, the engagements filtered to the chosen period, levels and modes and
labelled with level, leadership pairing and period, the pairings and the silent periods. Its
``save_figure`` and ``write_table`` write to the run's output directory in the run's formats
and embed the notebook's name and parameters as provenance, so no notebook repeats that code.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.codes import LEVELS, MEETING_UNIVERSES, MODES
from analysis.data.load import Dataset, join_engagement_details, load_dataset
from analysis.exhibits.figures import FORMATS as FIGURE_FORMATS
from analysis.exhibits.figures import save_figure
from analysis.exhibits.outputs import PROVENANCE_ENV
from analysis.exhibits.tables import write_table
from analysis.indicators.coverage import add_universe, filter_universes
from analysis.indicators.filters import filter_engagements
from analysis.indicators.levels import add_levels
from analysis.indicators.pairings import add_pairing, compute_pairings
from analysis.indicators.periods import add_period
from analysis.pipeline.parameters import ParameterError, check_person_ids, validate_parameters


@dataclass
class Study:
    """The inputs of one notebook run and the helpers that write its outputs."""

    notebook: str
    parameters: dict
    dataset: Dataset
    engagements: pd.DataFrame          # filtered; with names, documents, level, pairing, period
    all_engagements: pd.DataFrame      # unfiltered, same columns (for context and totals)
    pairings: pd.DataFrame
    output_dir: str | Path | None
    formats: tuple[str, ...] = FIGURE_FORMATS
    written: list[Path] = field(default_factory=list)

    @property
    def provenance(self) -> dict:
        """Embedded in every figure: what made it (the runner adds the digest of its inputs)."""
        provenance = {"notebook": self.notebook, "parameters": self.parameters,
                      "dataset_version": self.dataset.version}
        from_runner = os.environ.get(PROVENANCE_ENV)
        if from_runner:
            provenance.update(json.loads(from_runner))
        return provenance

    def save_figure(self, figure: Figure | Axes, name: str, *, caption: str) -> list[Path]:
        """Save a figure (or the figure of an axes) in the run's formats, with provenance."""
        fig = figure.figure if isinstance(figure, Axes) else figure
        # In a notebook the inline backend shows the figure after the cell, then closes it.
        inline = "inline" in matplotlib.get_backend()
        paths = save_figure(fig, name, output_dir=self.output_dir, formats=self.formats,
                            caption=caption, provenance=self.provenance, close=not inline)
        self.written += paths
        return paths

    def write_table(self, table: pd.DataFrame, name: str, *, caption: str, decimals: int = 2) -> pd.DataFrame:
        """Write a table as CSV, LaTeX and Markdown; return it for display in the notebook."""
        self.written += write_table(table, name, output_dir=self.output_dir, caption=caption, decimals=decimals)
        return table


def label_engagements(dataset: Dataset, *, as_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All engagements with names, documents, level, universe, pairing and period; and the pairings."""
    engagements = join_engagement_details(dataset)
    if as_of is None:
        # Open terms end with the data, so rates are per year of tenure covered by the data.
        as_of = pd.Timestamp(int(engagements["end_date"].dt.year.max()), 12, 31) if len(engagements) else None
    pairings = compute_pairings(dataset.leaders, dataset.persons, as_of=as_of)
    labelled = add_period(add_pairing(add_universe(add_levels(engagements)), pairings))
    return labelled, pairings


def prepare_study(notebook: str, *, start_year: int | None = None, end_year: int | None = None, universes: list | None = None,
                  levels: list | None = None, modes: list | None = None,
                  in_article_only: bool = False, data_dir: str = "", output_dir: str = "",
                  formats: list | None = None, **other) -> Study:
    """Validate the parameters and the data, then label and filter the engagements.

    Raises :class:`~analysis.pipeline.parameters.ParameterError` listing every bad parameter, and
    :class:`~analysis.data.validate.DataValidationError` listing every data problem, before any
    output is written.
    """
    formats = list(formats) if formats is not None else list(FIGURE_FORMATS)
    universes = list(universes) if universes is not None else list(MEETING_UNIVERSES)
    levels = list(levels) if levels is not None else list(LEVELS)
    modes = list(modes) if modes is not None else list(MODES)
    parameters = dict(start_year=start_year, end_year=end_year, universes=universes, levels=levels, modes=modes,
                      in_article_only=in_article_only, data_dir=data_dir, formats=formats, **other)
    validate_parameters(**parameters)
    dataset = load_dataset(data_dir or None)
    problems = check_person_ids(parameters, dataset.persons["person_id"])
    if problems:
        raise ParameterError(problems, notebook)
    labelled, pairings = label_engagements(dataset)
    selected = filter_engagements(filter_universes(labelled, universes), start_year=start_year, end_year=end_year,
                                  levels=levels, modes=modes, in_article_only=in_article_only).reset_index(drop=True)
    return Study(notebook, parameters, dataset, selected, labelled, pairings, output_dir or None,
                 tuple(formats))


__all__ = ["Study", "label_engagements", "prepare_study"]
