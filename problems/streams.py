"""Standard output and error as the CLI writes them: ASCII notation where Unicode cannot be
encoded, and a failed write reported once instead of a traceback.

The printers write the course's notation in Unicode (σ, ∂, ², →, ⊙ …). A stream whose encoding
cannot hold it (``PYTHONIOENCODING=cp1252``, a legacy Windows console, ``LANG=C`` with ASCII) is
written in ASCII instead, through :func:`to_ascii` and the tables :data:`WORDS`,
:data:`SUPERSCRIPTS`, :data:`SUBSCRIPTS` and :data:`ACCENTS` — σ → ``sigma``, ∂ → ``d``,
x² → ``x^2``, w₁ → ``w_1``, → → ``->``, ⊙ → ``(.)``, ŷ → ``y_hat`` (the tables are the
documentation; ``docs/limits.md`` says where it applies). Anything else non-ASCII loses its
accents (é → e) or becomes ``?``; JSON is written with ``\\uXXXX`` escapes instead
(:func:`escape_json`, the same JSON). Columns of a table may shift by a few characters: the
printers measured the Unicode text.

:func:`guarded` swaps ``sys.stdout``/``sys.stderr`` for :class:`Guarded` wrappers while a
command runs: a write that fails (``> /dev/full``, a closed descriptor) raises
:class:`OutputFailed`, a reader that went away (``| head -1``) :class:`OutputClosed` — neither
is an ``OSError``, so no library on the way mistakes it for its own and the error boundary
(``problems.command_line.run``) turns it into exit 1.
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# The course's notation in ASCII. Superscripts become ``^…`` and subscripts ``_…`` (one caret or
# underscore per run: x⁻¹ → x^-1, h_{t−1} written hₜ₋₁ → h_t-1); combining accents become a suffix
# (ŷ → y_hat). Keep the right-hand sides ASCII, free of '"' and '\\' (they would end or escape a
# JSON string) and of the words "inf"/"nan".
WORDS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Prod", "Σ": "Sum", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
    "∂": "d", "∇": "grad", "−": "-", "·": "*", "⋅": "*", "×": "x", "÷": "/", "⊙": "(.)",
    "⊗": "(x)", "⊕": "(+)", "⊘": "(/)", "∘": "o", "⋆": "*", "∗": "*", "√": "sqrt", "∑": "sum",
    "∏": "prod", "∫": "integral", "∞": "infinity", "±": "+/-", "≤": "<=", "≥": ">=", "≠": "!=",
    "≈": "~=", "≡": "==", "∼": "~", "∝": "~", "≪": "<<", "≫": ">>", "⋚": "<=>", "∈": "in",
    "∉": "not in", "∀": "for all", "∃": "exists", "∠": "angle", "∣": "|", "‖": "||",
    "→": "->", "←": "<-", "↔": "<->", "⇒": "=>", "⇐": "<=", "⇔": "<=>", "↦": "|->",
    "⌊": "floor(", "⌋": ")", "⌈": "ceil(", "⌉": ")", "⟨": "<", "⟩": ">",
    "…": "...", "⋯": "...", "′": "'", "″": "''", "–": "-", "—": "--", "‘": "'", "’": "'",
    "“": "'", "”": "'", "«": "<<", "»": ">>", "•": "*", "°": " deg", "§": "S", "½": "1/2", "¼": "1/4", "¾": "3/4",
    "ℝ": "R", "ℕ": "N", "ℤ": "Z", "ℓ": "l", "𝟏": "1", "✓": "ok", "✔": "ok", "✗": "(x)",
    "✘": "(x)", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "ϕ": "phi", "ϑ": "theta", "ϵ": "eps", "∨": " or ", "∧": " and ", "¬": "not ", "∪": " union ",
    "∩": " intersect ", "⊂": " subset ", "⊆": " subseteq ", "∅": "{}", "∓": "-/+", "⋮": ":", "⋱": "...",
    "⊥": "_|_", "⊤": "T", "↳": "->", "†": "+",
}
SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                "⁹": "9", "⁺": "+", "⁻": "-", "⁼": "=", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i", "ᵀ": "T",
                "ᵗ": "t", "ᵏ": "k", "ˣ": "x", "ᵉ": "e", "ʲ": "j", "ᵖ": "p", "ˡ": "l", "ᵃ": "a", "ᶜ": "c",
                "ˢ": "s", "ᵈ": "d", "ᵐ": "m", "ʳ": "r", "ᵘ": "u", "ᵛ": "v", "ʷ": "w", "ʸ": "y",
                "ᶻ": "z", "ᴴ": "H", "ᵒ": "o", "ᵇ": "b", "ᶠ": "f", "ᵍ": "g", "ʰ": "h"}
SUBSCRIPTS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8",
              "₉": "9", "₊": "+", "₋": "-", "₌": "=", "₍": "(", "₎": ")", "ₐ": "a", "ₑ": "e", "ₒ": "o",
              "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t",
              "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v"}
ACCENTS = {"\u0302": "_hat", "\u0303": "_tilde", "\u0304": "_bar", "\u0305": "_bar", "\u0307": "_dot",
           "\u20d7": "_vec"}
PROBE = "σ∂−²→⊙₁ᵀ"  # a stream that cannot encode these gets ASCII notation


def ascii_char(ch: str) -> str:
    """One character in ASCII: the table's word, the letter without its accent (``ŷ`` →
    ``y_hat``, ``é`` → ``e``), or ``?``. Super- and subscripts come back as ``^x``/``_x``."""
    if ch.isascii():
        return ch
    if ch in WORDS:
        return WORDS[ch]
    if ch in SUPERSCRIPTS:
        return "^" + SUPERSCRIPTS[ch]
    if ch in SUBSCRIPTS:
        return "_" + SUBSCRIPTS[ch]
    if ch in ACCENTS:
        return ACCENTS[ch]
    if "\u2500" <= ch <= "\u257f":  # box drawing
        name = unicodedata.name(ch, "")
        return "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"
    parts = unicodedata.normalize("NFKD", ch)
    if parts != ch and parts[0].isascii():
        return parts[0] + "".join(ACCENTS.get(mark, "") for mark in parts[1:] if unicodedata.combining(mark))
    if unicodedata.combining(ch):
        return ""
    return "?"


def to_ascii(text: str) -> str:
    """``text`` in ASCII notation (see the module docstring): ``∂E/∂w₁ = σ(z)²`` →
    ``dE/dw_1 = sigma(z)^2``. A run of superscripts shares one caret, of subscripts one underscore.

    >>> to_ascii("∂E/∂w₁₂ = δ·σ′(z)⁻¹ → ŷ")
    "dE/dw_12 = delta*sigma'(z)^-1 -> y_hat"
    """
    if text.isascii():
        return text
    out: list[str] = []
    run = ""  # "^" or "_" while inside a run of super/subscripts
    for ch in text:
        piece = ascii_char(ch)
        mark = piece[:1] if (ch in SUPERSCRIPTS or ch in SUBSCRIPTS) else ""
        if mark and mark == run:
            piece = piece[1:]
        run = mark
        out.append(piece)
    return "".join(out)


def escape_json(text: str) -> str:
    """JSON text with every non-ASCII character written as a ``\\uXXXX`` escape (surrogate pairs
    beyond U+FFFF): the same JSON value, in ASCII. Non-ASCII can only occur inside strings.

    >>> escape_json('{"f": "σ(z)"}')
    '{"f": "\\\\u03c3(z)"}'
    """
    if text.isascii():
        return text
    def escape(ch: str) -> str:
        code = ord(ch)
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return "".join(ch if ch.isascii() else escape(ch) for ch in text)


def can_encode(encoding: str | None, text: str = PROBE) -> bool:
    """True when ``encoding`` (None: an in-memory text stream) can write ``text``."""
    if encoding is None:
        return True
    try:
        codecs.lookup(encoding)
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


class OutputFailed(Exception):
    """Writing to a standard stream failed (no space, a closed descriptor, an I/O error)."""

    def __init__(self, stream: str, reason: str) -> None:
        super().__init__(f"{stream}: cannot write ({reason})")
        self.stream, self.reason = stream, reason


class OutputClosed(Exception):
    """The reader of a standard stream went away (a broken pipe, as in ``| head -1``)."""


class Guarded:
    """A text stream that writes ASCII notation when its encoding cannot hold the course's
    Unicode, and raises :class:`OutputFailed`/:class:`OutputClosed` instead of ``OSError``."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream = stream
        self._name = name
        self.ascii = not can_encode(getattr(stream, "encoding", None))

    @property
    def wrapped(self) -> Any:
        """The stream written to."""
        return self._stream

    @property
    def encoding(self) -> str | None:
        """The encoding the text arrives in: ``ascii`` when transliterated, else the stream's."""
        return "ascii" if self.ascii else getattr(self._stream, "encoding", None)

    @property
    def errors(self) -> str:
        return "replace"

    def write(self, text: str) -> int:
        """Write ``text`` (in ASCII notation when the stream needs it); failures are raised as
        :class:`OutputFailed` or :class:`OutputClosed`."""
        try:
            self._call("write", to_ascii(text) if self.ascii else text)
        except UnicodeEncodeError:  # a character outside the probe (a lone surrogate from argv …)
            self._call("write", to_ascii(text))
        return len(text)

    def flush(self) -> None:
        self._call("flush")

    def isatty(self) -> bool:
        try:
            return bool(self._stream.isatty())
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _call(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            raise OutputClosed(self._name) from None
        except UnicodeError:
            raise
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise OutputClosed(self._name) from None
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise OutputFailed(self._name, reason) from None


def closed_reason(stream: Any) -> str | None:
    """Why ``stream`` cannot be written at all (None: it looks writable): no stream (started with
    ``>&-``) or a descriptor that is closed."""
    if stream is None:
        return "it is closed"
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None  # an in-memory stream
    try:
        os.fstat(fd)
    except OSError as exc:
        return "it is closed" if exc.errno == errno.EBADF else exc.strerror
    return None


@contextmanager
def guarded() -> Iterator[tuple[Guarded | None, Guarded | None]]:
    """``sys.stdout``/``sys.stderr`` wrapped in :class:`Guarded` while the block runs (None for a
    stream that is missing, e.g. started with ``>&-``), restored after."""
    saved = sys.stdout, sys.stderr
    out = Guarded(sys.stdout, "standard output") if sys.stdout is not None else None
    err = Guarded(sys.stderr, "standard error") if sys.stderr is not None else None
    if out is not None:
        sys.stdout = out  # type: ignore[assignment]
    if err is not None:
        sys.stderr = err  # type: ignore[assignment]
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = saved


def silence(stream: TextIO | None) -> None:
    """Point ``stream``'s descriptor at ``os.devnull`` (after a failed write or a broken pipe),
    so the interpreter's final flush of buffered text cannot fail again."""
    try:
        fd = stream.fileno() if stream is not None else -1
    except (AttributeError, OSError, ValueError):
        return
    if fd < 0:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


def drain(out: Guarded | None) -> None:
    """Flush ``out`` after a command stopped early; if that fails (or had failed), point its
    descriptor at ``os.devnull`` so the interpreter's own final flush stays silent too."""
    if out is None:
        return
    try:
        out.flush()
    except (OutputFailed, OutputClosed):
        silence(out.wrapped)


def say(line: str) -> None:
    """Write one line to stderr (in ASCII notation if it needs it); a stderr that cannot be
    written is ignored — there is nowhere left to report to."""
    stream = sys.stderr
    if stream is None:
        return
    text = line.rstrip("\n") + "\n"
    try:
        if not isinstance(stream, Guarded) and not can_encode(getattr(stream, "encoding", None), text):
            text = to_ascii(text)
        stream.write(text)
        stream.flush()
    except (OSError, ValueError, OutputFailed, OutputClosed):
        pass
