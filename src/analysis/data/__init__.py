"""Data layer: the schema (datapackage.json), validation, loading and the codebook."""
