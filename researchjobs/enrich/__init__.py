"""Pure functions: raw posting text and fields in, facts with evidence out."""
