"""How one value (number, vector, matrix, text, shape) is written in each format, without SymPy.

``value_text`` / ``value_latex`` format numbers, vectors, matrices and strings deterministically
(6 significant digits, no trailing zeros, no ``-0``); ``latex_escape`` turns plain text with
Unicode mathematics (σ, ∂, x̄, w₁) into LaTeX text mode. SymPy is imported only when a value is a
SymPy object (then it is loaded already), so printing a sheet or a table does not load it.
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any

DIGITS = 6


UNICODE_LATEX = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "ρ": r"\rho", "σ": r"\sigma",
    "τ": r"\tau", "φ": r"\varphi", "ω": r"\omega", "ξ": r"\xi", "π": r"\pi", "κ": r"\kappa",
    "Δ": r"\Delta", "Σ": r"\Sigma", "Π": r"\Pi", "Φ": r"\Phi", "Ω": r"\Omega", "Θ": r"\Theta",
    "∂": r"\partial", "∇": r"\nabla", "⊙": r"\odot", "⊘": r"\oslash", "⋆": r"\star", "·": r"\cdot",
    "×": r"\times", "−": "-", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx",
    "←": r"\leftarrow", "→": r"\to", "⇒": r"\Rightarrow", "‖": r"\|", "√": r"\surd",
    "∈": r"\in", "ℝ": r"\mathbb{R}", "∞": r"\infty", "±": r"\pm", "⌊": r"\lfloor",
    "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil", "′": "'", "∑": r"\sum", "∏": r"\prod",
    "∫": r"\int", "ℓ": r"\ell", "∝": r"\propto", "∀": r"\forall", "…": r"\ldots",
    "½": r"\tfrac{1}{2}", "⟨": r"\langle", "⟩": r"\rangle", "∠": r"\angle", "𝟏": r"\mathbf{1}",
    "ŷ": r"\hat{y}", "ŝ": r"\hat{s}", "ĥ": r"\hat{h}", "ĉ": r"\hat{c}", "ẑ": r"\hat{z}",
    "⊗": r"\otimes", "∘": r"\circ", "≡": r"\equiv", "∼": r"\sim", "⋅": r"\cdot", "∣": r"\mid",
    "✓": r"\checkmark", "✗": r"\times", "↳": r"\hookrightarrow",
}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵀᵏⁿˣⁱʲᵗ", "0123456789-+Tknxijt"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₋₊ₖₙᵢⱼₜ", "0123456789-+knijt"))
ACCENTS = {"\u0302": r"\hat", "\u0303": r"\tilde", "\u0304": r"\bar", "\u0307": r"\dot", "\u20d7": r"\vec"}
TEXT_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}",
                 "–": "--", "—": "---", "“": "``", "”": "''", "’": "'", "‘": "`", "•": r"\textbullet{}",
                 "\u00a0": "~", "é": r"\'e", "è": r"\`e", "ö": '\\"o', "ü": '\\"u', "ä": '\\"a'}


def latex_writable(ch: str) -> bool:
    """True when :func:`latex_escape` writes ``ch`` as something other than '?'."""
    return (ord(ch) < 128 or ch in UNICODE_LATEX or ch in TEXT_SPECIALS or ch in SUPERSCRIPTS
            or ch in SUBSCRIPTS or ch in ACCENTS)


def _math_token(text: str, i: int) -> tuple[str | None, int]:
    """The LaTeX math for the Unicode at ``text[i]`` (runs of super/subscripts and accented
    letters become one token) and the index after it; (None, i) when it is plain text."""
    ch = text[i]
    for table, mark in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
        if ch in table:
            j = i
            while j < len(text) and text[j] in table:
                j += 1
            return mark + "{" + "".join(table[c] for c in text[i:j]) + "}", j
    if i + 1 < len(text) and text[i + 1] in ACCENTS:
        base = UNICODE_LATEX.get(ch) or TEXT_SPECIALS.get(ch) or (ch if ord(ch) < 128 else "?")
        return ACCENTS[text[i + 1]] + "{" + base + "}", i + 2
    if ch in UNICODE_LATEX:
        return UNICODE_LATEX[ch], i + 1
    return None, i


def latex_escape(text: str) -> str:
    """Plain text → LaTeX text mode: specials escaped, Unicode math (Greek, operators,
    super/subscript runs, accented letters such as x̄ ŷ c̃) as inline math."""
    out: list[str] = []
    in_math = False
    i = 0
    while i < len(text):
        token, j = _math_token(text, i)
        if token is not None:
            if not in_math:
                out.append("$")
                in_math = True
            elif token[0].isalpha() and out and out[-1][-1:].isalpha():
                out.append(" ")
            out.append(("{}" if token[0] in "^_" and out[-1] == "$" else "") + token)
            i = j
            continue
        if in_math:
            out.append("$")
            in_math = False
        ch = text[i]
        out.append(TEXT_SPECIALS.get(ch, ch if ord(ch) < 128 else "?"))
        i += 1
    return "".join(out) + ("$" if in_math else "")


_SUBSCRIPTED = re.compile(r"([A-Za-z][A-Za-z0-9]*)((?:_(?:\{[^{}]*\}|[A-Za-z0-9]+))+)(?![A-Za-z0-9])")
_SUBSCRIPT_PART = re.compile(r"_(?:\{([^{}]*)\}|([A-Za-z0-9]+))")


def _subscripted(base: str, subscripts: str) -> str:
    """``\\text{h}_{\\text{t}-\\text{1}}`` for h_{t−1}; ``x_i_j`` is x with the subscript i,j."""
    parts = [math_text(braced or plain) for braced, plain in _SUBSCRIPT_PART.findall(subscripts)]
    return r"\text{" + base + "}_{" + ",".join(parts) + "}"


def math_text(text: str) -> str:
    """Plain text inside a formula: runs of words as ``\\text{…}``, the Unicode mathematics
    between them (Greek, operators, super/subscripts) as math, so no ``$`` is ever nested in
    ``\\text{}`` (GitHub's and Jupyter's Markdown end the formula at such a ``$``). A name with
    an ASCII subscript (``s_d``, ``mean_d``) is set as one, ``\\text{s}_{\\text{d}}``: an escaped
    ``\\_`` inside ``\\text{}`` shows as a backslash in MathJax."""
    out: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(text):
        sub = _SUBSCRIPTED.match(text, i) if i == 0 or not (text[i - 1].isascii() and text[i - 1].isalnum()) else None
        if sub is not None:                      # s_d, mean_d, x_i: a subscript, not an escaped underscore
            if run:
                out.append(r"\text{" + "".join(run) + "}")
                run = []
            out.append(_subscripted(sub[1], sub[2]))
            i = sub.end()
            continue
        after = _SUBSCRIPT_PART.match(text, i) if out and not run and "_" not in out[-1] else None
        if after is not None:                    # Σ_j, ‖…‖_F: a subscript of the mathematics just set
            out[-1] = out[-1].rstrip() + "_{" + math_text(after[1] or after[2]) + "}"
            i = after.end()
            continue
        token, j = _math_token(text, i)
        if token is None:
            ch = text[i]
            run.append(TEXT_SPECIALS.get(ch, ch if ord(ch) < 128 else "?"))
            i += 1
            continue
        if run:
            out.append(r"\text{" + "".join(run) + "}")
            run = []
        out.append(("{}" if token[0] in "^_" and not out else "") + token + (" " if token[-1].isalpha() else ""))
        i = j
    if run:
        out.append(r"\text{" + "".join(run) + "}")
    return "".join(out).rstrip() or r"\text{}"


def counted(n: int, noun: str) -> str:
    """``1 epoch``, ``3 epochs``, ``1 decimal place``: a count with its noun in the right number."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def number_text(x: float, digits: int = DIGITS) -> str:
    """A number with ``digits`` significant digits, no trailing zeros, no ``-0``."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = f"{x:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp)}"
    return "0" if s in ("-0", "0") else s


def as_plain(value: Any) -> Any:
    """Convert NumPy / SymPy values into plain Python numbers, lists and strings (for JSON)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "tolist"):  # ndarray or numpy scalar
        return as_plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_plain(v) for k, v in value.items()}
    sympy = sys.modules.get("sympy")
    if sympy is not None and isinstance(value, sympy.Basic):
        if value.is_Integer:
            return int(value)
        if value.is_number:
            return float(value)
        return to_sympy_string(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def value_text(value: Any) -> str:
    """Human text of a value: numbers to 6 significant digits, vectors as [a, b], matrices as rows."""
    value = as_plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return number_text(value)


def value_latex(value: Any) -> str:
    """LaTeX of a value: a bmatrix for vectors and matrices."""
    value = as_plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return math_text(value)
    if isinstance(value, list):
        rows = value if value and isinstance(value[0], list) else [value]
        body = r" \\ ".join(" & ".join(value_latex(v) for v in row) for row in rows)
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"
    return number_text(value).replace("∞", r"\infty").replace("−", "-")


def shape_text(shape: Any) -> str:
    """``ℝ^{2×3}`` for a shape tuple; empty for a scalar."""
    if not shape:
        return ""
    return "ℝ^{" + "×".join(str(s) for s in shape) + "}"


def shape_latex(shape: Any) -> str:
    """``\\mathbb{R}^{2 \\times 3}`` for a shape tuple; empty for a scalar."""
    if not shape:
        return ""
    return r"\mathbb{R}^{" + r" \times ".join(str(s) for s in shape) + "}"



def to_sympy_string(expr: Any) -> str:
    """A string that ``sympy.parse_expr`` turns back into ``expr`` (srepr for matrices); a string
    passes through. A SymPy ``expr`` means SymPy is loaded already: nothing is imported here."""
    if expr is None:
        return ""
    if isinstance(expr, str):
        return expr
    sp = sys.modules["sympy"]
    if isinstance(expr, sp.MatrixExpr) or expr.has(sp.MatrixSymbol):
        return sp.srepr(expr)
    return sp.sstr(expr, order="none")
