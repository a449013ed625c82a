"""Hostile derivation files for ``chainrule check derivation`` (issue 16): files that are not
regular, too large, too long or not text; headers without steps; nesting, definitions and
derivatives that explode; derivatives by unknown variables; code; and lines that cannot be
decided. Each is refused at once (exit 2) or checked within its bound (0, 1 or 2).
"""

from __future__ import annotations

from tests.hostile.cases_cli import fifo, file, folder, sparse
from tests.hostile.harness import Case

REFUSED = (2,)
ANY_VERDICT = (0, 1, 2)
FILE = "{tmp}/d.txt"
SLOW_LINE = 25.0  # a line may use its 8 s (and its confirmation and description) before it is undecided


def derivation(name: str, text: str | bytes, rc: tuple[int, ...] = REFUSED, max_seconds: float = 5.0,
               stderr_match: str | None = None) -> Case:
    """A case checking the derivation ``text`` written to d.txt."""
    return Case(name, ["check", "derivation", FILE, "--format", "json"], setup=file("d.txt", text), rc=rc,
                max_seconds=max_seconds, stderr_match=stderr_match)


def _doubling_definitions(levels: int) -> str:
    lines = ["where: a0 = x"] + [f"where: a{i} = a{i - 1}**2 + a{i - 1}" for i in range(1, levels)]
    return "\n".join(lines) + f"\nf: a{levels - 1}\nwrt: x\n= d/dx a{levels - 1}\n"


CASES = [
    derivation("empty-file", "", stderr_match="no steps"),
    derivation("only-comments", "# nothing\n   # here\n\n", stderr_match="no steps"),
    derivation("only-headers", "f: x**2\nwrt: x\nwhere: a = 1\n", stderr_match="no steps"),
    derivation("one-line-without-f", "x**2\n", stderr_match="nothing to compare"),
    Case("huge-sparse-file", ["check", "derivation", FILE], setup=sparse("d.txt", 10**9), rc=REFUSED, stderr_match="too large"),
    derivation("just-over-64k", "# " + "x" * 70_000 + "\n", stderr_match="too large"),
    derivation("ten-thousand-lines", "\n" * 10_000 + "x\n= x\n", stderr_match="too many lines"),
    derivation("line-of-5000-chars", "f: x\n= " + "+".join(["x"] * 2500) + "\n", stderr_match="line too long"),
    derivation("sixty-one-steps", "f: x\n" + "= x\n" * 61, stderr_match="too many steps"),
    derivation("forty-one-definitions", "".join(f"where: a{i} = x\n" for i in range(41)) + "f: x\n= x\n", stderr_match="too many definitions"),
    Case("dev-zero", ["check", "derivation", "/dev/zero"], rc=REFUSED, stderr_match="device"),
    Case("fifo", ["check", "derivation", FILE], setup=fifo("d.txt"), rc=REFUSED, stderr_match="FIFO"),
    Case("directory", ["check", "derivation", FILE], setup=folder("d.txt"), rc=REFUSED, stderr_match="directory"),
    Case("missing-file", ["check", "derivation", "{tmp}/none.txt"], rc=REFUSED, stderr_match="no such file"),
    Case("stdin-too-large", ["check", "derivation", "-"], stdin="x" * 200_000, rc=REFUSED, stderr_match="too large"),
    Case("stdin-empty", ["check", "derivation", "-"], stdin="", rc=REFUSED, stderr_match="no steps"),
    derivation("not-utf8", b"f: x\n= \xff\xfe x\n", stderr_match="not UTF-8"),
    derivation("nul-bytes", "f: x\n= x\x00\n", stderr_match="NUL"),
    derivation("deep-brackets", "f: x\n= " + "(" * 240 + "x" + ")" * 240 + "\n", stderr_match="nested too deeply"),
    derivation("deep-calls", "f: x\n= " + "exp(" * 60 + "x" + ")" * 60 + "\n", stderr_match="nested too deeply"),
    derivation("nested-derivatives", "f: x**x\nwrt: x\n= " + "d/dx " * 40 + "x**x**x\n", rc=ANY_VERDICT, max_seconds=SLOW_LINE),
    derivation("derivative-of-unknown-variable", "f: x**2\nwrt: x\n= d/dq x**2\n", stderr_match="unknown variable 'q'"),
    derivation("derivative-by-nothing-without-f", "x**2\n= d/dq x**2\n", stderr_match="not a variable of this derivation"),
    derivation("wrt-unknown", "f: x**2\nwrt: q\n= 2*x\n", stderr_match="does not appear"),
    derivation("wrt-a-function", "f: x**2\nwrt: exp\n= 2*x\n", stderr_match="function"),
    derivation("cyclic-definitions", "where: a = b + 1; b = a*2\nf: a\n= a\n", stderr_match="in terms of itself"),
    derivation("self-definition", "where: a = a + 1\nf: a\n= a\n", stderr_match="in terms of itself"),
    derivation("doubling-definitions", _doubling_definitions(40), stderr_match="too large"),
    derivation("code-injection", "f: x\n= __import__('os').system('echo hacked')\n", stderr_match="only named functions"),
    derivation("tilde-operator", "f: x\n= ~x\n", stderr_match="'~' is not allowed"),
    derivation("undefined-line", "f: x\n= 1/(x - x)\n", stderr_match="division by zero"),
    derivation("nowhere-defined-line", "f: sqrt(-1 - x**2)\n= 2*sqrt(-1 - x**2)\n", stderr_match="undecided: line 2"),
    derivation("power-tower", "f: x**x**x**x\nwrt: x\n= x**x**x**x * log(x)\n", rc=ANY_VERDICT, max_seconds=SLOW_LINE),
    derivation("big-power-expanded", "f: (x + y + z + 1)**40\n= (1 + x + y + z)**40\n= (x + y + z + 1)**39*(x + y + z + 1)\n",
               rc=ANY_VERDICT, max_seconds=SLOW_LINE),
    derivation("trig-identity-hard", "f: sin(x)**2 + cos(x)**2 + tanh(y)**8\n= 1 + tanh(y)**8\n= 1 + (1 - sech(y)**2)**4\n",
               rc=ANY_VERDICT, max_seconds=SLOW_LINE),
    derivation("huge-exponent", "f: x\n= x**100000\n", stderr_match="too large"),
    derivation("nan-name", "f: x\n= nan*x\n", stderr_match="finite"),
    derivation("at-unknown-variable", "f: x**2\nwrt: x\n= 2*x\nat: q = 1\n= 2\n", stderr_match="unknown variable 'q'"),
    derivation("expectation-not-polynomial", "expect: x ~ normal(mu, s)\nmu\n= E(exp(x))\n", stderr_match="undecided: line 3"),
    derivation("expectation-degree-60", "expect: x ~ normal(mu, s)\nf: E(x**60)\n= mu\n", stderr_match="degree 60"),
    derivation("expectation-without-expect", "f: x\n= E(x)\n", stderr_match="function 'E' is not allowed"),
    derivation("expect-malformed", "expect: x ~ gamma(1, 2)\nf: x\n= x\n", stderr_match="expect: x ~ normal"),
    derivation("header-after-step", "f: x\n= x\nwrt: x\n", stderr_match="before the first step"),
    derivation("windows-line-ends-and-bom", "\ufefff: x**2\r\nwrt: x\r\n= 2*x\r\n", rc=(0,)),
    derivation("sixty-trivial-steps", "f: x\n" + "= x\n" * 60, rc=(0,), max_seconds=SLOW_LINE),
    derivation("wrong-line-with-huge-values", "f: exp(x)\nwrt: x\n= exp(100*x)\n", rc=(1,)),
]
