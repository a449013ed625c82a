"""Hostile command lines for ``--out`` files (issue 15): every format's extension in odd spellings,
targets that are not regular files, derivations asked for sheet-only formats, and documents the
writers find awkward (a sheet without a key, the largest sheet, words and matrices in answers).

Refusals say so (``rc=(2,)`` and the argument the message names); the rest must write the file."""

from __future__ import annotations

from tests.hostile.cases_cli import fifo, folder, link
from tests.hostile.harness import Case

REFUSED = (2,)
OK = (0,)
WRITTEN = ["pdf", "apkg", "xml", "html"]

CASES: list[Case] = []
for ext in WRITTEN:
    CASES += [
        Case(f"{ext}-upper", ["practice", "som", "--seed", "1", "--out", f"{{tmp}}/S.{ext.upper()}"], rc=OK),
        Case(f"{ext}-directory", ["practice", "som", "--out", f"{{tmp}}/d.{ext}"], setup=folder(f"d.{ext}"), rc=REFUSED,
             stderr_match="--out.*directory"),
        Case(f"{ext}-fifo", ["practice", "som", "--out", f"{{tmp}}/f.{ext}"], setup=fifo(f"f.{ext}"), rc=REFUSED,
             stderr_match="--out.*FIFO"),
        Case(f"{ext}-dev-null", ["practice", "som", "--out", f"{{tmp}}/n.{ext}"], setup=link(f"n.{ext}", "/dev/null"),
             rc=REFUSED, stderr_match="--out"),
        Case(f"{ext}-no-folder", ["practice", "som", "--out", f"{{tmp}}/none/s.{ext}"], rc=REFUSED, stderr_match="--out"),
        Case(f"{ext}-no-key", ["practice", "ttest", "--seed", "2", "--no-solutions", "--out", f"{{tmp}}/k.{ext}"], rc=OK),
        Case(f"{ext}-words-and-matrices", ["practice", "--topics", "test-choice,rbm,layernorm", "--seed", "5", "--count", "3",
                                           "--difficulty", "hard", "--out", f"{{tmp}}/w.{ext}"], rc=OK, max_seconds=20),
    ]
for ext in ["pdf", "apkg", "html", "md", "json"]:
    CASES.append(Case(f"derive-{ext}", ["derive", "attention", "--heads", "2", "--values", "--out", f"{{tmp}}/a.{ext}"], rc=OK,
                      max_seconds=20))
CASES += [
    Case("derive-xml-refused", ["derive", "mlp", "--out", "{tmp}/m.xml"], rc=REFUSED, stderr_match="--out.*Moodle"),
    Case("derive-toml-refused", ["derive", "mlp", "--out", "{tmp}/m.toml"], rc=REFUSED, stderr_match="--out"),
    Case("derive-graph-to-a-pdf-name", ["derive", "mlp", "--graph", "mermaid", "--out", "{tmp}/m.pdf"], rc=REFUSED,
         stderr_match="--out.*mermaid writes a .mmd"),  # a graph file's extension names its format
    Case("derive-docx-refused", ["derive", "mlp", "--out", "{tmp}/m.docx"], rc=REFUSED, stderr_match="--out"),
    Case("pdf-double-extension", ["practice", "som", "--out", "{tmp}/s.pdf.bak"], rc=REFUSED, stderr_match="--out"),
    Case("apkg-largest-sheet", ["practice", "som", "--seed", "3", "--count", "500", "--out", "{tmp}/big.apkg"], rc=OK,
         max_seconds=60),
    Case("xml-largest-sheet", ["practice", "ttest", "--seed", "3", "--count", "500", "--out", "{tmp}/big.xml"], rc=OK,
         max_seconds=60),
]
