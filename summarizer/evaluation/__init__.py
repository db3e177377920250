"""Evaluation against hand-checked gold annotations (``../shared/gold``, schema in its SCHEMA.md)."""
