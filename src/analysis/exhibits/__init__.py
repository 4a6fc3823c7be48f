"""Exhibits: paper style, plots, figures, tables and LaTeX macros, written atomically."""
