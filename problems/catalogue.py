"""What exists, per pillar (``chainrule topics``)."""

from __future__ import annotations

from derive.steps import Catalogue


def catalogue() -> Catalogue:
    """Derivation topics, trainable models and problem types, with SYLLABUS coverage."""
    from derive.registry import all_topics
    from numeric.registry import all_models
    from problems.registry import all_types
    from problems.syllabus import coverage
    sections = {
        "derive / verify (chainrule derive TOPIC, chainrule verify TOPIC)": [(n, m.SUMMARY) for n, m in all_topics().items()],
        "train (chainrule train MODEL)": [(n, m.SUMMARY) for n, m in all_models().items()],
        "practice / check (chainrule practice TOPIC, chainrule check TOPIC)": [(n, m.SUMMARY) for n, m in all_types().items()],
    }
    return Catalogue(sections=sections, coverage=coverage())
