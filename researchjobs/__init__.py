"""researchjobs: entry-level clinical-research jobs for international medical graduates."""

__version__ = "0.1.0"
