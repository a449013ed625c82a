"""What exists, per pillar (``chainrule topics``)."""

from __future__ import annotations

from derive.steps import Catalogue


def catalogue() -> Catalogue:
    """Derivation topics, trainable models and problem types, with SYLLABUS coverage (read from the
    static indexes: no topic, model or type module is imported)."""
    from derive.discovery import index
    from problems.syllabus import coverage
    sections = {
        "derive / verify (chainrule derive TOPIC, chainrule verify TOPIC)": [(n, e.summary) for n, e in index("derive.topics").items()],
        "train (chainrule train MODEL)": [(n, e.summary) for n, e in index("numeric.models").items()],
        "practice / check (chainrule practice TOPIC, chainrule check TOPIC)": [(n, e.summary) for n, e in index("problems.types").items()],
    }
    return Catalogue(sections=sections, coverage=coverage())
