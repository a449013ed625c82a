"""What every chainrule document offers a Python user: its JSON and its notebook display.

The API's results (``derive.derive``, ``derive.verify``, ``numeric.train``, ``problems.practice``,
``problems.check``) are the documents the CLI prints. ``Document`` gives them ``to_json()`` (the
CLI's ``--format json`` text) and Jupyter's rich display: ``_repr_html_`` (MathML, no script) and
``_repr_markdown_`` (``$…$`` LaTeX). The printers are imported on first use only.
"""

from __future__ import annotations


class Document:
    """Base of the documents: JSON text and notebook display through ``derive.printing``."""

    def to_json(self) -> str:
        """The document as the CLI's ``--format json`` prints it (a JSON text)."""
        from derive.printing import render
        return str(render(self, "json"))

    def _repr_markdown_(self) -> str:
        """Markdown with ``$…$`` LaTeX formulas (Jupyter renders it with MathJax)."""
        from derive.printing import render
        return str(render(self, "markdown"))

    def _repr_html_(self) -> str | None:
        """An HTML fragment with every formula and value as MathML (no script, no network);
        None without latex2mathml, so Jupyter shows the Markdown instead."""
        from derive.printing import mathml, render
        if not mathml.available():
            return None
        return str(render(self, "html-fragment"))
