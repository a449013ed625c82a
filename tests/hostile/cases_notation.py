"""Hostile command lines for issue 14's conveniences: --graph with odd formats, files and a
missing Graphviz; --out without --graph; typos and odd case in names; --version mixed with
commands. Each ends with exit 0 or 2 and one line on stderr."""

from __future__ import annotations

from tests.hostile.harness import Case

REFUSED = (2,)
OK = (0,)

CASES: list[Case] = [
    Case("graph-png-no-graphviz", ["derive", "mlp", "--graph", "png", "--out", "{tmp}/g.png"], env={"PATH": "{tmp}"},
         rc=REFUSED, stderr_match="--graph"),
    Case("graph-png-no-out", ["derive", "mlp", "--graph", "png"], rc=REFUSED, stderr_match="--out FILE"),
    Case("graph-unknown-format", ["derive", "mlp", "--graph", "pdf"], rc=REFUSED, stderr_match="--graph"),
    Case("graph-empty-format", ["derive", "mlp", "--graph", ""], rc=REFUSED, stderr_match="--graph"),
    Case("graph-out-alone", ["derive", "mlp", "--out", "{tmp}/g.svg"], rc=REFUSED, stderr_match="--out"),
    Case("graph-out-is-a-folder", ["derive", "mlp", "--graph", "mermaid", "--out", "{tmp}"], rc=REFUSED,
         stderr_match="--out"),
    Case("graph-analytic-topic", ["derive", "vae", "--graph", "mermaid"], rc=REFUSED, stderr_match="--graph"),
    Case("graph-mermaid-matrix", ["derive", "mlp", "--matrix", "--layers", "4", "--graph", "mermaid"], rc=OK,
         stdout_match=r"\Aflowchart BT"),
    Case("topic-upper-case", ["derive", "LSTM", "--format", "json"], rc=OK),
    Case("topic-mixed-case-typo", ["derive", "Mpl"], rc=REFUSED, stderr_match="did you mean 'mlp'"),
    Case("type-typo-long", ["practice", "x" * 10_000], rc=REFUSED, stderr_match="TOPIC"),
    Case("given-typo", ["derive", "mlp", "--given", "eta2=0.1"], rc=REFUSED, stderr_match="did you mean 'eta'"),
    Case("version-with-command", ["--version", "derive", "mlp"], rc=OK, stdout_match=r"\Achainrule "),
    Case("no-arguments", [], rc=OK, stdout_match="Start here"),
    Case("show-completion-unknown-shell", ["--show-completion", "nosuchshell"], rc=OK),
]
