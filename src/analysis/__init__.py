"""Beyond Protocol: the curated China–Soviet/Russian engagement dataset and its analyses."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("beyond-protocol")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

from .cameo import CAMEO_LABELS, add_cameo_code, compute_cameo_events
from .codebook import load_codebook_notes, render_codebook, write_codebook
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
    load_subsections,
)
from .schema import load_package
from .validate import DataValidationError, Problem, validate_dataset

__all__ = [
    "CAMEO_LABELS",
    "DataValidationError",
    "Dataset",
    "Problem",
    "__version__",
    "add_cameo_code",
    "compute_cameo_events",
    "join_engagement_details",
    "load_codebook_notes",
    "load_dataset",
    "load_documents",
    "load_engagements",
    "load_errata",
    "load_offices",
    "load_package",
    "load_periods",
    "load_persons",
    "load_subsections",
    "render_codebook",
    "validate_dataset",
    "write_codebook",
]
