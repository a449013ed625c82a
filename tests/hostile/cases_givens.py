"""Hostile givens (issue 12 items 7 and 8): extreme numbers in every problem type's givens and in
``derive --given``, the issue's own examples, and one case per documented bound.

Realistic extremes compute (exit 0, with the conventional numbers where the case says so); givens
outside a type's documented range (docs/limits.md, "Problem givens") are refused with exit 2 and
one line naming the given; either way no NaN or ∞ reaches any output format and no RuntimeWarning
reaches stderr (the harness judges both).
"""

from __future__ import annotations

from tests.hostile.harness import Case

REFUSED = (2,)
OK = (0,)


def check(name: str, topic: str, *givens: str, rc: tuple[int, ...] = (0, 2), fmt: str = "text",
          answers: tuple[str, ...] = (), variant: str | None = None, seed: bool = False,
          stderr: str | None = None, stdout: str | None = None) -> Case:
    """``chainrule check TOPIC [--seed 0] [--variant V] --given … [--answer …] --reveal --format FMT`` (every
    expected value shown, so the output holds every number the key computed)."""
    args = ["check", topic, *(["--seed", "0"] if seed else []), *(["--variant", variant] if variant else [])]
    args += [a for g in givens for a in ("--given", g)] + [a for x in answers for a in ("--answer", x)]
    return Case(name, [*args, "--reveal", "--format", fmt], rc=rc, stderr_match=stderr, stdout_match=stdout)


def derive(name: str, topic: str, *givens: str, rc: tuple[int, ...] = (0, 2), fmt: str = "text",
           stderr: str | None = None, options: tuple[str, ...] = ()) -> Case:
    """``chainrule derive TOPIC [options] --given … --format FMT``."""
    args = ["derive", topic, *options, *[a for g in givens for a in ("--given", g)], "--format", fmt]
    return Case(name, args, rc=rc, stderr_match=stderr)


RELU_BACKPROP = ("x=[-1000,-1000,-1000]", "W1=[[-1,-1,-1],[-1,-1,-1],[-1,-1,-1]]", "b1=0", "W2=[[1,1,1]]", "b2=0",
                 "t=[0]", "lr=1", "activation=relu", "loss=ce", "update_biases=false")

# --- the examples ------------------------------------------------------------------------
EXAMPLES = [
    check("loss-ce-logit-1000", "loss", "loss=ce", "z=[1000,0,1]", "t=[0,0,1]", answers=("E=999", "grad=[1,0,-1]"),
          rc=OK, stdout=r"E\s+correct\s+999"),
    check("loss-ce-logit-1000-json", "loss", "loss=ce", "z=[1000,0,1]", "t=[0,0,1]", fmt="json", rc=OK, stdout=r'"expected": 999'),
    check("loss-ce-logit-minus-1e6", "loss", "loss=ce", "z=[-1e6,0,1]", "t=[1,0,0]", rc=OK, stdout=r"E\s+missing\s+\S+\s+1e6"),
    check("backprop-relu-x-minus-1000", "backprop", *RELU_BACKPROP, answers=("E=9000",), variant="relu", rc=OK,
          stdout=r"E\s+correct\s+9000"),
    check("backprop-relu-x-minus-1000-json", "backprop", *RELU_BACKPROP, variant="relu", fmt="json", rc=OK),
    check("ttest-sd-1e-300", "ttest", "n=5", "mean=1", "sd=1e-300", "mu0=0", rc=REFUSED, stderr=r"given 'sd'.*at least 1e-06"),
    check("ztest-sigma-1e-300", "ztest", "n=5", "mean=1", "sigma=1e-300", "mu0=0", rc=REFUSED, stderr=r"given 'sigma'"),
    check("ttest-paired-sd-d-1e-16", "ttest-paired", "n=5", "mean_d=1", "sd_d=1e-16", rc=REFUSED, stderr=r"given 'sd_d'"),
    check("ttest-data-1e300", "ttest", "data=[1e300,-1e300,1e300]", "mu0=0", rc=REFUSED, stderr=r"given 'data'.*at most ±1e\+06"),
    check("ttest-data-1e6-computes", "ttest", "data=[1e6,-1e6,1e6]", "mu0=0", fmt="json", rc=OK),
    derive("mlp-w1-i1-1e300", "mlp", "w1=1e300", "i1=1e300", rc=REFUSED, stderr=r"--given w1: 1e\+300 is outside"),
    derive("mlp-w1-i1-1e300-json", "mlp", "w1=1e300", "i1=1e300", fmt="json", rc=REFUSED, stderr=r"--given w1"),
    derive("mlp-w1-i1-1e6-json", "mlp", "w1=1e6", "i1=1e6", fmt="json", rc=OK),
    check("metrics-never-predicted", "metrics", "cm=[[0,3,4],[0,12,0],[0,5,9]]", variant="multiclass",
          answers=("precision=[0,0.6,0.6923]", "f1=[0,0.75,0.6667]", "macro_f1=0.4722"), rc=OK,
          stdout=r"precision\s+rounded.*\n(.*\n)*f1\s+rounded.*\n(.*\n)*macro_f1\s+rounded"),
    check("metrics-never-predicted-json", "metrics", "cm=[[0,3,4],[0,12,0],[0,5,9]]", variant="multiclass", fmt="json",
          rc=OK, stdout=r"zero_division=0"),
]

# --- one case per documented bound ----------------------------------------------------------------
BOUNDS = [
    check("generic-bound-number", "ttest", "n=5", "mean=1000001", "sd=1", "mu0=0", rc=REFUSED, stderr=r"given 'mean'"),
    check("generic-bound-list", "activation", "x=[1,2,1.5e6]", "function=relu", rc=REFUSED, stderr=r"given 'x'"),
    check("generic-bound-matrix", "pca", "X=[[1,2],[3,4],[5,1e7]]", rc=REFUSED, stderr=r"given 'X'"),
    check("alpha-below-1e-6", "ttest", "n=5", "mean=1", "sd=1", "mu0=0", "alpha=1e-7", rc=REFUSED, stderr=r"given 'alpha'"),
    check("alpha-1e-6-computes", "ttest", "n=5", "mean=1", "sd=1", "mu0=0", "alpha=1e-6", rc=OK),
    check("data-vary-too-little", "ttest", "data=[100000,100000.01,99999.99]", "mu0=0", rc=REFUSED, stderr=r"varies too little"),
    check("paired-differences-equal", "ttest-paired", "data1=[1,2,3]", "data2=[0,1,2]", rc=REFUSED, stderr=r"given 'data2'"),
    check("ttest-ind-sd-tiny", "ttest-ind", "n1=5", "n2=5", "mean1=1", "mean2=2", "sd1=1e-9", "sd2=1", rc=REFUSED,
          stderr=r"given 'sd1'"),
    check("vae-logvar-above-50", "vae", "mu=[0,0]", "logvar=[60,0]", "eps=[0,0]", "x=[0.5]", "x_hat=[0.5]", rc=REFUSED,
          stderr=r"given 'logvar'"),
    check("vae-logvar-50-computes", "vae", "mu=[0,0]", "logvar=[50,-50]", "eps=[1,1]", "x=[0.5]", "x_hat=[0.5]", fmt="json", rc=OK),
    check("gan-d-fake-edge", "gan", "D_real=[0.5]", "D_fake=[1e-12]", rc=REFUSED, stderr=r"given 'D_fake'"),
    check("gan-d-fake-1e-9-computes", "gan", "D_real=[0.5]", "D_fake=[1e-9]", fmt="json", rc=OK),
    check("clipping-zero-gradient-norm", "clipping", "g=[0,0,0]", "threshold=1", "mode=norm", rc=OK, stdout=r"factor\s+missing\s+\S+\s+1"),
    check("clipping-zero-gradient-value", "clipping", "g=[0,0,0]", "threshold=1", "mode=value", rc=REFUSED, stderr=r"given 'g'"),
    check("esn-ill-conditioned", "esn", "X=[[1e6,1e6,1e6],[1e6,1e6,1e6]]", "y=[1,2,3]", "lam=1e-6", rc=REFUSED, stderr=r"given 'X'"),
    check("normalize-tiny-spread", "normalize", "x=[1e-300,2e-300,3e-300]", "method=z-score", rc=REFUSED, stderr=r"given 'x'"),
    check("sparse-ae-saturated", "sparse-ae", "A=[[1e-300,0.5],[1e-300,0.5]]", "rho=0.05", "beta=3", rc=REFUSED, stderr=r"given 'A'"),
    check("metrics-empty-matrix", "metrics", "cm=[[0,0],[0,0]]", rc=REFUSED, stderr=r"given 'cm'.*no samples"),
    check("metrics-labels-never-positive", "metrics", "y_true=[1,0,1]", "y_pred=[0,0,0]", fmt="json", rc=OK),
    check("hpsearch-names-as-numbers", "hpsearch", "levels=[2,2]", "names=[1e300,3]", "minutes=1", rc=REFUSED, stderr=r"given 'names'"),
    check("negative-zero", "loss", "loss=mse", "o=[-0,0]", "t=[0,-0]", fmt="latex", rc=OK),
    check("bce-subnormal-output", "loss", "loss=bce", "o=[5e-324,0.5]", "t=[1,0]", rc=REFUSED, stderr=r"given 'o'.*1e-09"),
    check("bce-edge-output-computes", "loss", "loss=bce", "o=[1e-9,0.5]", "t=[1,0]", fmt="json", rc=OK),
    check("subnormal-logit", "loss", "loss=ce", "z=[5e-324,-5e-324,0]", "t=[0,1,0]", fmt="json", rc=OK),
    derive("derive-bound", "rnn", "x1=1000001", rc=REFUSED, stderr=r"--given x1"),
    derive("derive-batchnorm-epsilon-0", "batchnorm", "epsilon=0", rc=REFUSED, stderr=r"--given epsilon: 0 is outside \[1e-12, 1\]"),
    derive("derive-losses-saturated", "losses", "z=-1000", rc=REFUSED, stderr=r"--given: the values are too extreme"),
    derive("derive-tanh-ce-saturated", "mlp", "w5=1e6", options=("--activation", "tanh", "--loss", "cross-entropy"), fmt="json",
           rc=REFUSED, stderr=r"too extreme"),
    derive("derive-lstm-1e6-json", "lstm", "x1=[1e6,-1e6]", fmt="json", rc=OK),
]

# --- every problem type: one given at ±1e6 everywhere, another with one entry at the edge ----------
TYPE_EDGES = [  # (type, variant, given, value, format); the rest of the givens are the seed-0 exercise's
    ("activation", None, "x", "[1e6,1e6,1e6]", "text"),
    ("activation", None, "x", "[-1e6,0.0,-0.9]", "json"),
    ("attention", 'scaled', "Q", "[[-1e6,-1e6,-1e6,-1e6],[-1e6,-1e6,-1e6,-1e6],[-1e6,-1e6,-1e6,-1e6]]", "markdown"),
    ("attention", 'scaled', "K", "[[1e6,2.0,1.0,1.0],[1.0,1.0,2.0,0.0],[2.0,1.0,-1.0,0.0]]", "latex"),
    ("autodiff", 'trace', "x1", "1e6", "text"),
    ("autodiff", 'trace', "x2", "1e-300", "json"),
    ("backprop", None, "x", "[1e6,1e6,1e6]", "markdown"),
    ("backprop", None, "t", "[-1e6]", "latex"),
    ("batchnorm", None, "x", "[-1e6,-1e6,-1e6,-1e6,-1e6]", "text"),
    ("batchnorm", None, "gamma", "1e-300", "json"),
    ("birnn", None, "Wxh_f", "[[1e6]]", "markdown"),
    ("birnn", None, "Whh_f", "[[-1e6]]", "latex"),
    ("clipping", None, "g", "[1e6,1e6,1e6]", "text"),
    ("clipping", None, "threshold", "1e-300", "json"),
    ("conv", None, "input", "[-1e6,-1e6,-1e6]", "markdown"),
    ("conv", None, "input", "[1e6,32.0,3.0]", "latex"),
    ("denoising-ae", None, "x", "[1e6,1e6,1e6,1e6]", "text"),
    ("denoising-ae", None, "eps", "[-1e6,-0.3,-0.3,-0.2]", "json"),
    ("dropout", None, "a", "[1e6,1e6,1e6,1e6,1e6,1e6]", "markdown"),
    ("dropout", None, "mask", "[-1e6,1.0,1.0,0.0,0.0,0.0]", "latex"),
    ("early-stopping", None, "val", "[-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6]", "text"),
    ("early-stopping", None, "min_delta", "1e-300", "json"),
    ("esn", None, "X", "[[1e6,1e6,1e6,1e6],[1e6,1e6,1e6,1e6]]", "markdown"),
    ("esn", None, "y", "[-1e6,-0.4,-1.0,-0.9]", "latex"),
    ("gan", None, "p_data", "[1e6,1e6,1e6,1e6]", "text"),
    ("gan", None, "p_g", "[-1e6,0.2,0.2,0.4]", "json"),
    ("gradient-descent", None, "poly", "[-1e6,-1e6,-1e6]", "markdown"),
    ("gradient-descent", None, "w0", "1e-300", "latex"),
    ("gru", 'forward', "Wz", "[[1e6,1e6,1e6],[1e6,1e6,1e6]]", "text"),
    ("gru", 'forward', "Wr", "[[-1e6,0.7,0.3],[0.9,0.1,0.2]]", "json"),
    ("hpsearch", None, "q", "1e6", "markdown"),
    ("hpsearch", None, "target", "1e-300", "latex"),
    ("layernorm", None, "x", "[[-1e6,-1e6],[-1e6,-1e6],[-1e6,-1e6],[-1e6,-1e6]]", "text"),
    ("layernorm", None, "hw", "[1e6,2.0]", "json"),
    ("loss", None, "z", "[1e6,1e6,1e6]", "markdown"),
    ("loss", None, "t", "[-1e6,0.0,0.0]", "latex"),
    ("lstm", 'forward', "Wf", "[[1e6,1e6,1e6],[1e6,1e6,1e6]]", "text"),
    ("lstm", 'forward', "Wi", "[[-1e6,-0.7,0.7],[0.3,0.9,0.1]]", "json"),
    ("metrics", None, "y_true", "[-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6]", "markdown"),
    ("metrics", None, "y_pred", "[1e6,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,1.0]", "latex"),
    ("minibatch", 'batch', "x", "[1e6,1e6,1e6,1e6]", "text"),
    ("minibatch", 'batch', "y", "[-1e6,-2.0,-2.0,-2.0]", "json"),
    ("normalize", None, "x", "[1e6,1e6,1e6,1e6,1e6]", "markdown"),
    ("normalize", None, "x", "[-1e6,0.0,-2.5,-2.0,-5.0]", "latex"),
    ("numgrad", None, "x", "-1e6", "text"),
    ("numgrad", None, "w", "[1e6,-0.8,-1.9]", "json"),
    ("optimizer", None, "w0", "[1e6,1e6]", "markdown"),
    ("optimizer", None, "grads", "[[-1e6,0.1],[0.2,0.1],[0.4,1.7]]", "latex"),
    ("pca", None, "X", "[[1e6,1e6],[1e6,1e6],[1e6,1e6],[1e6,1e6]]", "text"),
    ("pca", None, "X", "[[-1e6,5.0],[4.0,2.0],[2.0,0.0],[0.0,0.0]]", "json"),
    ("perceptron", None, "w", "[-1e6,-1e6]", "markdown"),
    ("perceptron", None, "b", "1e-300", "latex"),
    ("rbf-xor", None, "centres", "[[1e6,1e6],[1e6,1e6],[1e6,1e6],[1e6,1e6]]", "text"),
    ("rbf-xor", None, "gamma", "1e-300", "json"),
    ("rbm", None, "W", "[[1e6,1e6],[1e6,1e6],[1e6,1e6],[1e6,1e6]]", "markdown"),
    ("rbm", None, "a", "[-1e6,0.5,0.1,0.1]", "latex"),
    ("regularization", None, "w", "[-1e6,-1e6,-1e6]", "text"),
    ("regularization", None, "grad0", "[1e6,-0.7,0.7]", "json"),
    ("resnet", None, "x", "[1e6,1e6,1e6]", "markdown"),
    ("resnet", None, "W1", "[[-1e6,-1.0,-0.7],[0.7,0.3,0.9],[0.1,0.2,1.0]]", "latex"),
    ("rnn", None, "Whh", "[[1e6,1e6],[1e6,1e6]]", "text"),
    ("rnn", None, "Whh", "[[-1e6,-1.5],[-1.0,1.0]]", "json"),
    ("som", None, "weights", "[[-1e6,-1e6,-1e6,-1e6],[-1e6,-1e6,-1e6,-1e6],[-1e6,-1e6,-1e6,-1e6],[-1e6,-1e6,-1e6,-1e6]]", "markdown"),
    ("som", None, "x", "[[1e6,0.8,0.7,0.0],[0.4,0.9,0.6,0.0],[0.8,0.8,0.9,0.1]]", "latex"),
    ("sparse-ae", None, "rho", "1e6", "text"),
    ("sparse-ae", None, "beta", "1e-300", "json"),
    ("test-choice", None, "mean", "1e6", "markdown"),
    ("test-choice", None, "sd", "1e-300", "latex"),
    ("ttest", None, "data", "[-1e6,-1e6,-1e6,-1e6,-1e6,-1e6,-1e6]", "text"),
    ("ttest", None, "alpha", "1e-300", "json"),
    ("ttest-ind", None, "data1", "[1e6,1e6,1e6,1e6,1e6,1e6]", "markdown"),
    ("ttest-ind", None, "data2", "[-1e6,31.9,32.9,29.3,32.5,30.9]", "latex"),
    ("ttest-paired", None, "data1", "[1e6,1e6,1e6,1e6,1e6,1e6,1e6]", "text"),
    ("ttest-paired", None, "data2", "[-1e6,37.6,33.4,41.5,43.0,42.8,33.8]", "json"),
    ("vae", None, "mu", "[-1e6,-1e6]", "markdown"),
    ("vae", None, "logvar", "[1e6,-0.7]", "latex"),
    ("word2vec", None, "W", "[[1e6,1e6],[1e6,1e6],[1e6,1e6],[1e6,1e6]]", "text"),
    ("word2vec", None, "W_out", "[[-1e6,0.4,-1.0,-0.2],[0.8,0.1,-1.0,0.6]]", "json"),
    ("ztest", None, "data", "[1e6,1e6,1e6,1e6,1e6,1e6,1e6]", "markdown"),
    ("ztest", None, "alpha", "1e-300", "latex"),
]

CASES = EXAMPLES + BOUNDS + [
    check(f"{topic}{'-' + variant if variant else ''}-{key}-{n}", topic, f"{key}={value}", variant=variant, seed=True, fmt=fmt)
    for n, (topic, variant, key, value, fmt) in enumerate(TYPE_EDGES)
]
