"""Hostile input for the safe parser and ``check diff`` (issue 12 classes 2, 3, 4, 9, and more).

Each hostile text goes in through every door that reaches the parser: a ``--given`` (read by
``parse_value``), a numeric ``--answer`` (``parse_answer``), and ``check diff``'s ``--answer`` and
``-f`` (``read_formula``). Then ``check diff`` cases of its own: bounded symbolic work, the
functions it documents, the notations it reads and its exit status.
"""

from __future__ import annotations

from tests.hostile.harness import Case

TOWER = "**".join(["x"] * 16)

HOSTILE_TEXTS = {  # name: text, each refused (exit 2) or read (exit 0/1), quickly and on one line
    "minus-1500": "-" * 1500 + "1",
    "power-2000-deep": "**".join(["1"] * 2000),
    "sum-10000-terms": "+".join(["1"] * 10_000),
    "parens-5000": "(" * 5000 + "1" + ")" * 5000,
    "brackets-5000": "[" * 5000 + "1" + "]" * 5000,
    "list-9000-numbers": "[" + ", ".join(f"{i % 97 / 7:.4f}" for i in range(9000)) + "]",
    "list-100k-numbers": "[" + ",".join(["0.5"] * 100_000) + "]",
    "ten-million-chars": "1" * 10**7,
    "huge-float-literal": "[1e308, 1e309]",
    "float-overflow-in-list": "[1e308*10, 1]",
    "forty-one-digits": "9" * 41,
    "hex-300-digits": "0x" + "F" * 300,
    "arabic-digits": "١٢٣",
    "fullwidth-digits": "１２",
    "superscript": "2²",
    "nul-byte": "1\x00",
    "nul-in-list": "[1,\x002]",
    "nan-name": "nan",
    "inf-name": "-inf",
    "code": "__import__('os').system('echo hacked')",
    "dunder-class": "().__class__.__bases__[0]",
    "nine-nine-nine": "((999**999)**999)**999",
    "exp-tower-number": "exp(exp(exp(exp(5))))",
    "log-minus-one": "log(-1)",
    "sqrt-minus-one": "sqrt(-1)",
    "zero-division": "1/0",
    "deep-list-of-huge": "[[[[1e300, -1e300], [1e-300, -0.0]]]]",
}


def _through_every_door(name: str, text: str) -> list[Case]:
    return [
        Case(f"parser-given-{name}", ["check", "som", "--given", f"weights={text}", "--given", "x=[[1,0]]", "--given", "lr=0.5"],
             rc=(0, 1, 2), check_output=False),
        Case(f"parser-answer-{name}", ["check", "som@7", "--answer", f"d2.1={text}", "--format", "json"], rc=(0, 1, 2)),
        Case(f"parser-diff-answer-{name}", ["check", "diff", "-f", "x**2", "--answer", text], rc=(1, 2)),
        Case(f"parser-diff-f-{name}", ["check", "diff", "-f", text, "--answer", "1"], rc=(1, 2)),
    ]


DOORS = [case for name, text in HOSTILE_TEXTS.items() for case in _through_every_door(name, text)]

DIFF = [
    # class 2: symbolic work without bounds
    Case("diff-tower-16", ["check", "diff", "-f", TOWER, "--wrt", "x", "--answer", "1"], rc=(1, 2)),
    Case("diff-tower-100", ["check", "diff", "-f", "**".join(["x"] * 100), "--wrt", "x", "--answer", "1"], rc=(2,)),
    Case("diff-tower-50", ["check", "diff", "-f", "**".join(["x"] * 50), "--answer", "1"], rc=(1, 2)),
    Case("diff-999-tower", ["check", "diff", "-f", "x+((999**999)**999)**999", "--wrt", "x", "--answer", "1"], rc=(2,)),
    Case("diff-2-1000-tower", ["check", "diff", "-f", "x*((2**1000)**1000)**1000", "--wrt", "x", "--answer", "1"], rc=(2,)),
    Case("diff-power-of-power", ["check", "diff", "-f", "(x**1000)**1000", "--answer", "1"], rc=(2,)),
    Case("diff-exact-digits-at-limit", ["check", "diff", "-f", "(10*x)**997", "--answer", "1"], rc=(1, 2)),
    Case("diff-exp-tower-in-max", ["check", "diff", "-f", "max(x, exp(exp(exp(exp(5)))))", "--answer", "1"], rc=(2,)),
    Case("diff-confirmation-too-complex", ["check", "diff", "-f", "x", "--answer", "2 + exp(-exp(exp(exp(x**2+3))))"], rc=(2,)),
    Case("diff-expand-blowup", ["check", "diff", "-f", "(x+y)**1000", "--wrt", "x", "--answer", "500*(2*x+2*y)**999/2**998"],
         rc=(0, 1, 2)),
    Case("diff-four-variable-power", ["check", "diff", "-f", "(x+y+z+w)**300", "--wrt", "x", "--answer", "300*(w+x+y+z)**299"],
         rc=(0,)),
    Case("diff-deep-sigmoids", ["check", "diff", "-f", "sigmoid(" * 20 + "x" + ")" * 20, "--answer", "1"], rc=(1, 2)),
    # σ(…), the course's sigmoid: wrong arity, nesting, huge arguments, σ both a variable and a call
    Case("diff-sigma-no-argument", ["check", "diff", "-f", "σ()", "--answer", "1"], rc=(2,), stderr_match="one argument"),
    Case("diff-sigma-two-arguments", ["check", "diff", "-f", "σ(x, x)", "--answer", "1"], rc=(2,), stderr_match="one argument"),
    Case("diff-sigma-keyword", ["check", "diff", "-f", "σ(x=1)", "--answer", "1"], rc=(2,)),
    Case("diff-deep-sigmas", ["check", "diff", "-f", "σ(" * 20 + "x" + ")" * 20, "--answer", "1"], rc=(1, 2)),
    Case("diff-sigma-huge-argument", ["check", "diff", "-f", "σ(1e308*x)", "--answer", "0", "--format", "json"], rc=(0, 1, 2)),
    Case("diff-sigma-variable-and-call", ["check", "diff", "-f", "σ**2 + σ(x)", "--wrt", "σ", "--answer", "2*σ + x"], rc=(0,)),
    Case("diff-long-formula", ["check", "diff", "-f", "x" + "+x" * 300, "--answer", "301"], rc=(2,)),
    Case("diff-long-answer", ["check", "diff", "-f", "x", "--answer", "1" + "+0" * 300], rc=(2,)),
    Case("diff-nested-parens-199", ["check", "diff", "-f", "(" * 199 + "x" + ")" * 199, "--answer", "1"], rc=(0, 2)),
    # class 4: recursion
    Case("diff-answer-minus-1500", ["check", "diff", "-f", "x", "--answer", "-" * 1500 + "1"], rc=(2,)),
    Case("diff-answer-unary-not", ["check", "diff", "-f", "x", "--answer", "not " * 3000 + "1"], rc=(2,)),
    Case("diff-answer-attribute-chain", ["check", "diff", "-f", "x", "--answer", ".".join(["x"] * 240)], rc=(2,)),
    Case("diff-answer-call-chain", ["check", "diff", "-f", "x", "--answer", "x" + "(1)" * 160], rc=(2,)),
    # class 9: the functions it documents
    Case("diff-heaviside", ["check", "diff", "-f", "Heaviside(x)*x", "--wrt", "x", "--answer", "Heaviside(x)"], rc=(0,)),
    Case("diff-sign", ["check", "diff", "-f", "sign(x)*x", "--wrt", "x", "--answer", "sign(x)"], rc=(0,)),
    Case("diff-abs", ["check", "diff", "-f", "abs(x)", "--answer", "sign(x)"], rc=(0,)),
    Case("diff-relu-json", ["check", "diff", "-f", "relu(w*x)", "--wrt", "w", "--answer", "x*Heaviside(w*x)", "--format", "json"], rc=(0,)),
    Case("diff-divide-by-zero", ["check", "diff", "-f", "x/0", "--wrt", "x", "--answer", "1"], rc=(2,)),
    Case("diff-1e400", ["check", "diff", "-f", "x*1e400", "--wrt", "x", "--answer", "1"], rc=(2,)),
    Case("diff-log-zero", ["check", "diff", "-f", "log(0)*x", "--wrt", "x", "--answer", "1"], rc=(2,)),
    Case("diff-zero-to-the-x", ["check", "diff", "-f", "0**x", "--answer", "0"], rc=(2,)),
    Case("diff-answer-divide-by-zero", ["check", "diff", "-f", "x**2", "--answer", "2*x/0"], rc=(2,)),
    Case("diff-no-domain", ["check", "diff", "-f", "sqrt(-x**2-1)", "--answer", "x"], rc=(2,)),
    Case("diff-log-log-json", ["check", "diff", "-f", "log(log(x))", "--answer", "1/(x*log(x))", "--format", "json"], rc=(0,)),
    # issue 11: notations
    Case("diff-gelu-erf", ["check", "diff", "-f", "x*(1+erf(x/sqrt(2)))/2", "--answer",
                           "(1+erf(x/sqrt(2)))/2 + x*exp(-x^2/2)/sqrt(2*pi)"], rc=(0,)),
    Case("diff-sech", ["check", "diff", "-f", "tanh(w*x)", "--wrt", "w", "--answer", "x*sech(w*x)^2"], rc=(0,)),
    Case("diff-caret", ["check", "diff", "-f", "x^3", "--answer", "3*x^2", "--format", "json"], rc=(0,)),
    Case("diff-implicit-product", ["check", "diff", "-f", "x(1-x)", "--answer", "1-2*x"], rc=(0,)),
    Case("diff-unknown-function", ["check", "diff", "-f", "w(x+1)", "--wrt", "x", "--answer", "w"], rc=(2,)),
    Case("diff-wrt-needed", ["check", "diff", "-f", "tanh(w*x)", "--answer", "x"], rc=(2,)),
    Case("diff-no-variable", ["check", "diff", "-f", "2+3", "--answer", "0"], rc=(2,)),
    Case("diff-wrong-is-exit-1", ["check", "diff", "-f", "tanh(w*x+b)", "--wrt", "w", "--answer", "1-tanh(w*x+b)**2"], rc=(1,)),
    Case("diff-format-short-f-is-gone", ["derive", "mlp", "-f", "json"], rc=(2,)),
    Case("diff-e-is-euler", ["check", "diff", "-f", "e**x", "--answer", "e**x"], rc=(0,)),
    Case("diff-dunder-wrt", ["check", "diff", "-f", "x", "--wrt", "__class__", "--answer", "1"], rc=(2,)),
    Case("diff-two-answers", ["check", "diff", "-f", "x", "--answer", "1", "--answer", "1"], rc=(2,)),
    Case("diff-empty-answer", ["check", "diff", "-f", "x", "--answer", " "], rc=(2,)),
    Case("diff-latex", ["check", "diff", "-f", "sigmoid(w*x)", "--wrt", "w", "--answer", "x*sigmoid(w*x)", "--format", "latex"], rc=(1,)),
]


def _toml(answer: str):
    """A setup writing ``work.toml``: the README's som exercise with ``"d2.1" = <answer>`` (a TOML value)."""
    def setup(tmp):
        (tmp / "work.toml").write_text('topic = "som"\n[givens]\nweights = [[0.1, 0.8, 0.9], [0.6, 0.0, 0.1]]\n'
                                       f'x = [[0.7, 0.8, 0.0]]\nlr = 0.2\n[answers]\n"d2.1" = {answer}\n', encoding="utf-8")
    return setup


TOML_ANSWERS = {  # typed values read by answer_from_number, not by the text parser
    "toml-answer-inf": "inf",
    "toml-answer-nan": "nan",
    "toml-answer-minus-inf-in-list": "[1.17, -inf]",
    "toml-answer-400-digit-int": "1" + "0" * 400,
    "toml-answer-5-deep": "[[[[[1.0]]]]]",
    "toml-answer-10001-numbers": "[" + ", ".join(["0.5"] * 10_001) + "]",
    "toml-answer-ragged": "[[1.0], [2.0, 3.0]]",
    "toml-answer-bool": "true",
    "toml-answer-datetime": "1979-05-27T07:32:00Z",
    "toml-answer-huge-float": "1e308",
    "toml-answer-text-1e400": '"1e400"',
    "toml-answer-text-deep": '"' + "-" * 1500 + '1"',
}
TOML = [Case(name, ["check", "{tmp}/work.toml", "--format", "json"], setup=_toml(value), rc=(0, 1, 2))
        for name, value in TOML_ANSWERS.items()]

CASES = DOORS + DIFF + TOML
