"""Renderers: IssueSummary and metrics to json/jsonl/md/csv, and the digest (md/html)."""
