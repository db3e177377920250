"""The public API is what we mean it to be (as httpx checks its exports)."""

from __future__ import annotations

import importlib

import summarizer

PUBLIC_MODULES = [
    "summarizer",
    "summarizer.errors",
    "summarizer.models",
    "summarizer.read",
    "summarizer.normalize",
    "summarizer.segment",
    "summarizer.chunk",
    "summarizer.evaluation.segmentation",
    "summarizer.pipeline",
    "summarizer.issue_date",
    "summarizer.gazetteer",
    "summarizer.extract.summary",
    "summarizer.extract.entities",
    "summarizer.extract.offline",
    "summarizer.render.issue",
    "summarizer.render.metrics",
    "summarizer.llm.settings",
    "summarizer.llm.engine",
    "summarizer.llm.prompts",
    "summarizer.store",
    "summarizer.store.db",
    "summarizer.store.ingest",
    "summarizer.store.queries",
    "summarizer.store.search",
    "summarizer.digest",
    "summarizer.digest.model",
    "summarizer.digest.build",
    "summarizer.digest.overview",
    "summarizer.render.digest_md",
    "summarizer.render.digest_html",
    "summarizer.extract.numbers",
    "summarizer.extract.periods",
    "summarizer.extract.metrics",
    "summarizer.ground",
    "summarizer.evaluation.metrics",
]


def test_all_names_exist() -> None:
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        exported = module.__all__
        assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
        for attr in exported:
            assert hasattr(module, attr), f"{name}.{attr} missing"


def test_package_exports_library_api() -> None:
    for attr in ("read_issue", "IssueSummary", "SummarizerError", "__version__"):
        assert attr in summarizer.__all__


def test_every_error_derives_from_the_root() -> None:
    from summarizer import errors

    for attr in errors.__all__:
        obj = getattr(errors, attr)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, errors.SummarizerError)
