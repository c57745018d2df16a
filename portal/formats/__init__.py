"""Dates, times and numbers per language, where the portal writes them unlike Django."""
