"""Beyond Protocol: the curated China–Soviet/Russian engagement dataset and its analyses.

Public API (see the README and docs/indicators.md):

* data: ``load_dataset``, ``load_engagements`` and one loader per table; ``validate_dataset``
* indicators: ``add_*`` (new columns) and ``compute_*`` (summary tables), DataFrame in, new
  DataFrame out
* figures and tables: ``plot_*`` (seaborn's shape), ``save_figure``, ``write_table``
* notebooks: ``prepare_study`` and ``run`` (the headless runner behind ``beyond-protocol run``)
"""

from analysis.version import __version__

# Imports are lazy (PEP 562): `import analysis` is fast, and the command line does not load
# matplotlib or seaborn unless a command needs them. `from analysis import X` works as usual.
_EXPORTS = {
    "indicators.periods": ('PERIOD_BREAKS', 'PERIOD_LABELS', 'add_period', 'compute_periods'),
    "indicators.travel": ('HOST_SIDES', 'compute_balance_index', 'compute_direction_of_travel', 'compute_first_visits'),
    "indicators.economy": ('compute_economic_asymmetry', 'compute_trade_series', 'prepare_economic_inputs'),
    "indicators.claims": ('compute_claims_ledger', 'compute_errata_table', 'compute_reported_vs_official'),
    "indicators.milestones": ('COATTENDANCE_RULE', 'COUNTING_RULES', 'compare_announced_counts', 'compute_cumulative_by_rule', 'compute_rule_fit', 'count_visits'),
    "indicators.cameo": ('CAMEO_LABELS', 'add_cameo_code', 'compute_cameo_events'),
    "data.codebook": ('load_codebook_notes', 'render_codebook', 'write_codebook'),
    "exhibits.figures": ('save_figure',),
    "indicators.frequency": ('MODES', 'REMOTE_MODES', 'compute_cumulative', 'compute_engagements_per_decade', 'compute_engagements_per_year', 'compute_level_share', 'compute_remote_share'),
    "indicators.filters": ('filter_engagements',),
    "codes": ('UNIVERSES', 'MEETING_UNIVERSES', 'universe_of', 'TRADE_REPORTERS', 'CHINA_SIDE_REPORTERS'),
    "indicators.levels": ('LEVELS', 'OFFICE_LEVEL', 'add_levels', 'compute_protocol_asymmetry'),
    "indicators.listing": ('compute_engagement_list',),
    "exhibits.macros": ('compute_paper_numbers', 'render_macros', 'write_macros'),
    "data.load": ('Dataset', 'join_engagement_details', 'load_coattendance', 'load_coverage', 'load_dataset', 'load_documents', 'load_engagements', 'load_errata', 'load_leaders', 'load_offices', 'load_periods', 'load_persons', 'load_announced_counts', 'load_claims', 'load_economy', 'load_reported_figures', 'load_subsections', 'load_table', 'load_trade'),
    "indicators.pairings": ('add_pairing', 'compute_pairing_rates', 'compute_pairings'),
    "indicators.leaders": ('compute_leaders',),
    "indicators.selection": ('SETTINGS', 'add_setting', 'compute_article_selection', 'compute_era_rates', 'compute_headline_contrasts', 'compute_omitted_kinds'),
    "indicators.coverage": ('add_universe', 'compute_complete_windows', 'compute_coverage_summary', 'filter_universes'),
    "pipeline.parameters": ('ParameterError', 'validate_parameters'),
    "exhibits.plots": ('plot_counting_rules', 'plot_cumulative', 'plot_engagements_per_year', 'plot_mix', 'plot_pairing_rates', 'plot_timeline'),
    "exhibits.plots_asymmetry": ('plot_direction_of_travel', 'plot_protocol_asymmetry'),
    "exhibits.plots_selection": ('plot_article_selection', 'plot_era_rates'),
    "exhibits.plots_economy": ('plot_economic_asymmetry', 'plot_trade'),
    "pipeline.report": ('build_report',),
    "data.schema": ('load_package',),
    "pipeline.study": ('Study', 'label_engagements', 'prepare_study'),
    "exhibits.style": ('figure_size', 'new_figure', 'set_paper_style'),
    "exhibits.tables": ('write_table',),
    "data.validate": ('DataValidationError', 'Problem', 'validate_dataset'),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_MODULE_OF))


__all__ = [
    "CAMEO_LABELS",
    "CHINA_SIDE_REPORTERS",
    "COATTENDANCE_RULE",
    "COUNTING_RULES",
    "HOST_SIDES",
    "LEVELS",
    "MEETING_UNIVERSES",
    "MODES",
    "OFFICE_LEVEL",
    "PERIOD_BREAKS",
    "PERIOD_LABELS",
    "REMOTE_MODES",
    "SETTINGS",
    "TRADE_REPORTERS",
    "UNIVERSES",
    "DataValidationError",
    "Dataset",
    "ParameterError",
    "Problem",
    "Study",
    "__version__",
    "add_cameo_code",
    "add_levels",
    "add_pairing",
    "add_period",
    "add_setting",
    "add_universe",
    "build_report",
    "compare_announced_counts",
    "compute_article_selection",
    "compute_balance_index",
    "compute_cameo_events",
    "compute_claims_ledger",
    "compute_complete_windows",
    "compute_coverage_summary",
    "compute_cumulative",
    "compute_cumulative_by_rule",
    "compute_direction_of_travel",
    "compute_economic_asymmetry",
    "compute_engagement_list",
    "compute_engagements_per_decade",
    "compute_engagements_per_year",
    "compute_era_rates",
    "compute_errata_table",
    "compute_first_visits",
    "compute_headline_contrasts",
    "compute_leaders",
    "compute_level_share",
    "compute_omitted_kinds",
    "compute_pairing_rates",
    "compute_pairings",
    "compute_paper_numbers",
    "compute_periods",
    "compute_protocol_asymmetry",
    "compute_remote_share",
    "compute_reported_vs_official",
    "compute_rule_fit",
    "compute_trade_series",
    "count_visits",
    "figure_size",
    "filter_engagements",
    "filter_universes",
    "join_engagement_details",
    "label_engagements",
    "load_announced_counts",
    "load_claims",
    "load_coattendance",
    "load_codebook_notes",
    "load_coverage",
    "load_dataset",
    "load_documents",
    "load_economy",
    "load_engagements",
    "load_errata",
    "load_leaders",
    "load_offices",
    "load_package",
    "load_periods",
    "load_persons",
    "load_reported_figures",
    "load_subsections",
    "load_table",
    "load_trade",
    "new_figure",
    "plot_article_selection",
    "plot_counting_rules",
    "plot_cumulative",
    "plot_direction_of_travel",
    "plot_economic_asymmetry",
    "plot_engagements_per_year",
    "plot_era_rates",
    "plot_mix",
    "plot_pairing_rates",
    "plot_protocol_asymmetry",
    "plot_timeline",
    "plot_trade",
    "prepare_economic_inputs",
    "prepare_study",
    "render_codebook",
    "render_macros",
    "save_figure",
    "set_paper_style",
    "universe_of",
    "validate_dataset",
    "validate_parameters",
    "write_codebook",
    "write_macros",
    "write_table",
]
