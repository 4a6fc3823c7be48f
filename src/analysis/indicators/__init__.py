"""Indicators: DataFrame in, new DataFrame out; no plotting, no files."""
