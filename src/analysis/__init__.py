"""Beyond Protocol: the curated China–Soviet/Russian engagement dataset and its analyses.

Public API (see the README and docs/indicators.md):

* data: ``load_dataset``, ``load_engagements`` and one loader per table; ``validate_dataset``
* indicators: ``add_*`` (new columns) and ``compute_*`` (summary tables), DataFrame in, new
  DataFrame out
* figures and tables: ``plot_*`` (seaborn's shape), ``save_figure``, ``write_table``
* notebooks: ``prepare_study`` and ``run`` (the headless runner behind ``beyond-protocol run``)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("beyond-protocol")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

from .asymmetry import (
    HOST_SIDES,
    PERIOD_BREAKS,
    PERIOD_LABELS,
    add_period,
    compute_balance_index,
    compute_direction_of_travel,
    compute_economic_asymmetry,
    compute_first_visits,
    compute_periods,
)
from .cameo import CAMEO_LABELS, add_cameo_code, compute_cameo_events
from .codebook import load_codebook_notes, render_codebook, write_codebook
from .figures import save_figure
from .frequency import (
    MODES,
    REMOTE_MODES,
    compute_cumulative,
    compute_engagements_per_decade,
    compute_engagements_per_year,
    compute_level_share,
    compute_remote_share,
    filter_engagements,
)
from .levels import LEVELS, OFFICE_LEVEL, add_levels, compute_protocol_asymmetry
from .listing import compute_engagement_list
from .load import (
    Dataset,
    join_engagement_details,
    load_dataset,
    load_documents,
    load_engagements,
    load_errata,
    load_offices,
    load_periods,
    load_persons,
    load_reported_figures,
    load_subsections,
)
from .pairings import add_pairing, compute_leaders, compute_pairing_rates, compute_pairings
from .parameters import ParameterError, validate_parameters
from .plots import (
    plot_cumulative,
    plot_direction_of_travel,
    plot_engagements_per_year,
    plot_mix,
    plot_pairing_rates,
    plot_protocol_asymmetry,
    plot_timeline,
    plot_trade,
)
from .schema import load_package
from .study import Study, label_engagements, prepare_study
from .style import figure_size, new_figure, set_paper_style
from .tables import write_table
from .validate import DataValidationError, Problem, validate_dataset

__all__ = [
    "CAMEO_LABELS", "HOST_SIDES", "LEVELS", "MODES", "OFFICE_LEVEL", "PERIOD_BREAKS", "PERIOD_LABELS",
    "REMOTE_MODES", "DataValidationError", "Dataset", "ParameterError", "Problem", "Study", "__version__",
    "add_cameo_code", "add_levels", "add_pairing", "add_period",
    "compute_balance_index", "compute_cameo_events", "compute_cumulative", "compute_direction_of_travel",
    "compute_economic_asymmetry", "compute_engagement_list", "compute_engagements_per_decade",
    "compute_engagements_per_year", "compute_first_visits", "compute_leaders", "compute_level_share",
    "compute_pairing_rates", "compute_pairings", "compute_periods", "compute_protocol_asymmetry",
    "compute_remote_share", "figure_size", "filter_engagements", "join_engagement_details", "label_engagements",
    "load_codebook_notes", "load_dataset", "load_documents", "load_engagements", "load_errata", "load_offices",
    "load_package", "load_periods", "load_persons", "load_reported_figures", "load_subsections", "new_figure",
    "plot_cumulative", "plot_direction_of_travel", "plot_engagements_per_year", "plot_mix",
    "plot_pairing_rates", "plot_protocol_asymmetry", "plot_timeline", "plot_trade", "prepare_study", "render_codebook",
    "save_figure", "set_paper_style", "validate_dataset", "validate_parameters", "write_codebook", "write_table",
]
