"""Plain-text printer: Unicode one-line formulas, aligned tables. Used when output is piped."""

from derive.printing.base import DocumentPrinter


class TextPrinter(DocumentPrinter):
    """The base printer's primitives are already plain text."""
