"""The exercise catalog: files under `data/`, their schema and their loader.

The only package that knows the file format. Kept free of heavy imports at module level so the
command line can answer from the cache quickly.
"""

from unknot.catalog.problems import CatalogError, FileProblem

__all__ = ["CatalogError", "FileProblem"]
