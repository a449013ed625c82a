"""Hostile input for ``chainrule check`` of an exercise (issue 11): variants completed from the
givens, textbook names, and the cap on carried entries whose written precision is propagated.

A check that runs exits 0 (every answered step accepted) or 1 (a wrong step); bad input exits 2
with one line.
"""

from __future__ import annotations

from tests.hostile.harness import Case

RAN = (0, 1)
REFUSED = (2,)
RBF = ["--given", "centres=[[1,1],[0,0]]", "--given", "kernel=unit", "--given", "use_bias=true"]
MAZUR = [x for n, v in enumerate([0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55], 1) for x in ("-g", f"w{n}={v}")]
MAZUR += ["-g", "b1=0.35", "-g", "b2=0.6"]

# 20 × 20 SOM weights: 400 carried entries, over the 200 whose precision is propagated
BIG_W = "[" + ",".join("[" + ",".join(f"{((i * 20 + j) % 17) / 17:.3f}" for j in range(20)) + "]" for i in range(20)) + "]"
BIG_X = "[[" + ",".join("0.5" for _ in range(20)) + "],[" + ",".join("0.25" for _ in range(20)) + "]]"
BIG_ANSWER = "[" + ",".join("[" + ",".join("0.123" for _ in range(20)) + "]" for _ in range(20)) + "]"

CASES = [
    Case("solve-weights-flag-with-givens", ["check", "rbf-xor", "--solve-weights", *RBF, "--answer", "w=[1,2,3]"], rc=RAN),
    Case("variant-option-with-givens", ["check", "rbf-xor", "--variant", "solve-weights", *RBF, "--answer", "w=[1,2,3]"], rc=RAN),
    Case("given-contradicts-variant", ["check", "rbf-xor", "--variant", "solve-weights", *RBF, "--given", "solve_weights=false"],
         rc=REFUSED, stderr_match="--given"),
    Case("given-names-another-variant", ["check", "optimizer", "--variant", "adam", "--given", "optimizer=sgd",
                                         "--given", "w0=[1]", "--given", "grads=[[0.5]]", "--given", "lr=0.1"],
         rc=REFUSED, stderr_match="not variant adam"),
    Case("textbook-names", ["check", "backprop", *MAZUR, "-g", "i1=0.05", "-g", "i2=0.1", "-g", "t1=0.01", "-g", "t2=0.99",
                            "-g", "eta=0.5", "-a", "E=0.2984"], rc=(0,), stdout_match="rounded"),
    Case("textbook-name-without-partner", ["check", "backprop", *MAZUR, "-g", "i1=0.05", "-g", "t=[0.01,0.99]", "-g", "lr=0.5"],
         rc=REFUSED, stderr_match="i2"),
    Case("textbook-and-own-name", ["check", "backprop", *MAZUR, "-g", "x=[0.05,0.1]", "-g", "t=[0.01,0.99]", "-g", "lr=0.5",
                                   "-g", "eta=0.5"], rc=REFUSED, stderr_match="eta"),
    Case("textbook-name-as-text", ["check", "backprop", *MAZUR, "-g", "i1=abc", "-g", "i2=0.1", "-g", "t=[0.01,0.99]",
                                   "-g", "lr=0.5"], rc=REFUSED),
    Case("carried-400-entries", ["check", "som", "-g", f"weights={BIG_W}", "-g", f"x={BIG_X}", "-g", "lr=0.2",
                                 "-a", f"weights.1={BIG_ANSWER}", "-a", "d2.2=[" + ",".join(["1.5"] * 20) + "]"], rc=RAN),
    Case("one-element-for-a-matrix-step", ["check", "som@7", "-a", "weights.1=0.5"], rc=RAN),
    Case("nested-one-element", ["check", "optimizer@1:easy", "-a", "v.1=[[[[-0.2]]]]"], rc=(0,)),
    Case("trailing-zeros-everywhere", ["check", "backprop@1:easy", "-a", "out_h=[0.754, 0.5769]", "-a", "net_h=[1.12, 0.31]"],
         rc=(0,)),
    Case("gru-biases-unknown-word", ["check", "gru", "--variant", "params", "-g", "hidden=4", "-g", "inputs=2", "-g", "biases=three"],
         rc=REFUSED, stderr_match="biases"),
    Case("word2vec-windows-unknown-word", ["check", "word2vec@1", "-g", "windows=paragraph"], rc=REFUSED, stderr_match="windows"),
    Case("word2vec-sentences-only-stop-words", ["check", "word2vec", "-g", "corpus=The. A. The cat sat on the mat.", "-g",
                                                "stopwords=the a on", "-g", "window=2", "-g", "target=cat", "-g",
                                                "W=[[0.1],[0.2],[0.3]]", "-g", "W_out=[[0.1,0.2,0.3]]", "-g", "windows=sentence",
                                                "-a", "pairs=6"], rc=RAN),
]
