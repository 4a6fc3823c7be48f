"""Pipeline: parameters, study set-up, the notebook runner, provenance, the report and the CLI."""
