"""Extraction stages: metrics, periods, numbers (rules), extractive summaries, entities, engines."""
