"""unknot: guided, safety-first exercise for everyday neck and upper-back pain."""

__version__ = "0.1.0"
