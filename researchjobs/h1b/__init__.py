"""Employers' H-1B history from public data: DOL LCA disclosure files and USCIS Data Hub exports.

``importer`` reads the files into ``lca_filings`` / ``uscis_approvals``; ``records``
links their employer names to ours (through ``researchjobs.linking``) and builds
per-employer, per-fiscal-year records; ``record`` words a record for people and
derives the cap-exempt signal from evidence.
"""
