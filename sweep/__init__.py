"""Sweep: workforce integrity screening."""

__version__ = "0.1.0"
