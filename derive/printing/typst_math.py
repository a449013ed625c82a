"""LaTeX formulas (SymPy's printer, the course's notation) rewritten as Typst math.

Typst ships its own compiler (the ``typst`` package), so the PDF needs no TeX; but its math
syntax differs: ``frac(a, b)``, ``mat(delim: "[", 1, 2; 3, 4)``, ``x_(i j)``, letters that
must stand apart (``hx`` would name a variable). ``convert`` reads the LaTeX subset that
``to_latex``/``value_latex`` write — commands, braces, ``^``/``_``, environments — and writes
symbols as the Unicode the course already prints, others by their Typst names (``union``).
A command it does not know is written as its name in upright text, so a formula can look
plainer but the document still compiles.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"\\\\|\\[a-zA-Z]+|\\.|[{}^_&]|\s+|.", re.S)

SYMBOLS = {
    "cdot": "dot.op", "odot": "⊙", "oslash": "⊘", "star": "⋆", "times": "×", "in": "∈", "notin": "∉",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftrightarrow": "⇔", "mapsto": "↦",
    "infty": "∞", "partial": "∂", "nabla": "∇", "pm": "±", "mp": "minus.plus", "ldots": "…", "cdots": "⋯",
    "dots": "…", "vdots": "dots.v", "ddots": "dots.down", "mid": "|", "|": "‖", "langle": "⟨", "rangle": "⟩",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "otimes": "⊗", "circ": "∘",
    "equiv": "≡", "sim": "∼", "propto": "∝", "forall": "∀", "exists": "∃", "ell": "ℓ",
    "emptyset": "emptyset", "cup": "union", "cap": "inter", "subset": "subset", "subseteq": "subset.eq", "neg": "not",
    "wedge": "and", "vee": "or", "prime": "′", "dagger": "dagger", "top": "top", "perp": "bot",
    "sum": "sum", "prod": "product", "int": "integral", "oint": "integral.cont",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "epsilon.alt", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "theta.alt", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "phi.alt", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
OPERATORS = {"log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "max", "min", "det", "arg",
             "lim", "sup", "inf", "sgn", "arcsin", "arccos", "arctan", "coth", "sec", "csc", "cot", "deg", "dim", "ker"}
SPACES = {",": "thin", ":": "med", ";": "thick", "!": "", " ": "space", "quad": "quad", "qquad": "wide"}
ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "overline",
           "overline": "overline", "dot": "dot", "ddot": "dot.double", "vec": "arrow", "underline": "underline"}
STYLES = {"mathbf": "bold", "boldsymbol": "bold", "mathbb": "bb", "mathcal": "cal", "mathit": "italic",
          "mathsf": "sans", "mathfrak": "frak", "mathtt": "mono"}
DELIMITERS = {"(": "(", ")": ")", "[": "[", "]": "]", "\\{": "\\{", "\\}": "\\}", "|": "|", "\\|": "‖", ".": "",
              "\\lfloor": "⌊", "\\rfloor": "⌋", "\\lceil": "⌈", "\\rceil": "⌉", "\\langle": "⟨", "\\rangle": "⟩"}
MATRICES = {"bmatrix": '"["', "pmatrix": '"("', "vmatrix": '"|"', "Bmatrix": '"{"', "matrix": "#none",
            "smallmatrix": "#none", "array": "#none"}
# characters with a meaning in Typst math, written escaped (or as a symbol) when LaTeX means them literally
ESCAPED = {",": "\\,", ";": "\\;", "/": "\\/", '"': '\\"', "#": "\\#", "$": "\\$", "@": "\\@", "~": "\\~",
           "<": "lt", ">": "gt", "'": "'", "*": "ast"}
TEXT_ESCAPES = {"\\_": "_", "\\{": "{", "\\}": "}", "\\&": "&", "\\%": "%", "\\$": "$", "\\#": "#",
                "\\textbackslash{}": "\\", "\\textasciitilde{}": "~", "\\^{}": "^", "{}": ""}


def string(text: str) -> str:
    """A Typst string literal (used for text inside math and in code)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert(latex: str) -> str:
    """Typst math for a LaTeX formula (without the ``$`` around it)."""
    parser = _Parser([t for t in TOKEN.findall(latex)])
    return parser.sequence(set()).strip()


class _Parser:
    """A recursive reader of the token list; each method returns Typst math text."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        """The next token (None at the end), not taken."""
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str | None:
        """The next token, taken (None at the end)."""
        token = self.peek()
        self.at += token is not None
        return token

    def skip_space(self) -> None:
        """Past any whitespace tokens."""
        while (t := self.peek()) is not None and t.isspace():
            self.at += 1

    def sequence(self, stop: set[str]) -> str:
        """Items up to (not including) a token in ``stop`` or the end."""
        out: list[str] = []
        while (t := self.peek()) is not None and t not in stop:
            if t == "\\end" or t == "\\right":
                break
            out.append(self.item())
        text = ""
        for x in out:  # a sub- or superscript attaches to what precedes it, with no space between
            if x:
                text += x if x.startswith(("^(", "_(")) or not text else " " + x
        return text

    def group(self) -> str:
        """One argument: a ``{…}`` group or a single item."""
        self.skip_space()
        if self.peek() == "{":
            self.take()
            body = self.sequence({"}"})
            self.take()
            return body
        return self.item() if self.peek() is not None else ""

    def raw_group(self) -> str:
        """The text of a ``{…}`` argument as written (``\\text``, ``\\operatorname``, environments)."""
        self.skip_space()
        if self.peek() != "{":
            return self.take() or ""
        self.take()
        depth, out = 1, []
        while (t := self.take()) is not None:
            depth += (t == "{") - (t == "}")
            if depth == 0:
                break
            out.append(t)
        return "".join(out)

    def item(self) -> str:
        """One token and what it takes (a group, a command's arguments) as Typst math."""
        t = self.take()
        assert t is not None
        if t.isspace():
            return ""
        if t in ("^", "_"):
            return t + "(" + self.group() + ")"
        if t == "{":
            body = self.sequence({"}"})
            self.take()
            return body
        if t == "}":
            return ""
        if t == "&":
            return "&"
        if t == "\\\\":
            return ";"
        if t.startswith("\\"):
            return self.command(t[1:])
        if t.isalpha():
            return t  # one letter: letters stand apart, so ``hx`` is h times x, not a variable
        if t.isdigit() or t == ".":
            return self.number(t)
        return ESCAPED.get(t, t)

    def number(self, first: str) -> str:
        """A number: ``first`` and the digits and points after it."""
        out = first
        while (t := self.peek()) is not None and (t.isdigit() or t == "."):
            out += self.take() or ""
        return out

    def command(self, name: str) -> str:  # noqa: C901 - one branch per kind of command, flat
        """``\\name`` and its arguments: a symbol, an operator, a structure or, unknown, its name as text."""
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in OPERATORS:
            return name
        if name in SPACES:
            return SPACES[name]
        if name in ("frac", "dfrac", "tfrac"):
            num, den = self.group(), self.group()
            return f"frac({num or 'zws'}, {den or 'zws'})"
        if name == "sqrt":
            self.skip_space()
            if self.peek() == "[":
                self.take()
                index = self.sequence({"]"})
                self.take()
                return f"root({index}, {self.group()})"
            return f"sqrt({self.group() or 'zws'})"
        if name in ACCENTS:
            return f"{ACCENTS[name]}({self.group() or 'zws'})"
        if name in STYLES:
            return f"{STYLES[name]}({self.group() or 'zws'})"
        if name in ("text", "textrm", "textit", "mbox", "mathrm", "operatorname", "textbf"):
            return self.text(self.raw_group(), upright=name != "textit")
        if name == "boxed":
            return f"#box(stroke: 0.6pt, inset: 2pt, outset: (y: 2pt))[$ {self.group()} $]"
        if name == "left":
            self.skip_space()
            opening = DELIMITERS.get(self.take() or ".", "")
            body = self.sequence(set())
            closing = ""
            if self.peek() == "\\right":
                self.take()
                self.skip_space()
                closing = DELIMITERS.get(self.take() or ".", "")
            return f"lr({opening} {body} {closing})" if opening or closing else body
        if name == "right":
            return ""
        if name == "begin":
            return self.environment(self.raw_group())
        if name in ("limits", "nolimits", "displaystyle", "textstyle", "middle", "big", "Big", "bigg", "Bigg"):
            return ""
        if len(name) == 1 and not name.isalpha():  # \{ \} \_ \% \& \# \$ \|
            return {"{": "\\{", "}": "\\}", "|": "‖", "_": "\\_", "%": "%", "&": "\\&", "#": "\\#", "$": "\\$"}.get(name, string(name))
        return string(name)  # unknown: its name as text, never a compile error

    def text(self, raw: str, upright: bool = True) -> str:
        """``\\text{…}``: plain text as a Typst string; ``$…$`` inside it read as math again."""
        parts = raw.split("$")
        out = []
        for i, part in enumerate(parts):
            if i % 2:
                out.append(convert(part))
            elif part:
                for escape, plain in TEXT_ESCAPES.items():
                    part = part.replace(escape, plain)
                out.append(string(part))
        return " ".join(out) if upright else "italic(" + " ".join(out) + ")"

    def environment(self, name: str) -> str:
        """``\\begin{NAME}`` … ``\\end{NAME}``: cells split at ``&``, rows at ``\\\\``, read one by one."""
        if name == "array":
            self.raw_group()  # the column spec
        rows: list[list[str]] = [[]]
        while True:
            rows[-1].append(self.sequence({"&", "\\\\"}).strip())
            t = self.take()
            if t == "&":
                continue
            if t == "\\\\":
                rows.append([])
                continue
            if t == "\\end":
                self.raw_group()
            break
        rows = [r for r in rows if any(r)]
        if name == "cases":
            return "cases(" + ", ".join(" & ".join(r) for r in rows) + ")"
        if name in ("aligned", "align", "align*", "gathered", "split"):
            return " \\ ".join(" & ".join(r) for r in rows)
        cells = "; ".join(", ".join(c or "zws" for c in r) for r in rows)
        return f"mat(delim: {MATRICES.get(name, '#none')}, {cells})"
