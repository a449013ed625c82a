"""word2vec on a one-sentence corpus: tokens, vocabulary, one-hot, skip-gram pairs, CBOW (§15).

Equations::

    tokens: lower-case words, stop words removed;  vocabulary in order of first appearance (size V)
    skip-gram pairs: (w_t, w_{t+j}) for 1 ≤ |j| ≤ c, both sides, inside the sentence
    CBOW for the target word w_t with context words c_1 … c_C:
    h = (1/C) Σ_k Wᵀ x_{c_k}   (the average of the context words' rows of W, W: V × N)
    u = W'ᵀ h  (W': N × V)      ŷ = softmax(u)      loss = −log ŷ_target
Word lists are written as words separated by spaces, e.g. ``cat sat mat``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, matrix
from problems.shared.clear_mistakes import distinct, this
from problems.shared.given_readers import text, words
from problems.shared.random_givens import dec, pick
from problems.shared.statement_text import mat_g
from problems.shared.checked_math import log_probability
from problems.shared.unit_functions import log_softmax, softmax

NAME = "word2vec"
SUMMARY = "word2vec: tokens without stop words, vocabulary, one-hot, skip-gram context pairs, CBOW h, scores, softmax"
SECTIONS = ("15",)
VARIANTS: dict[str, str] = {}
STEPS = [
    StepSpec("tokens", "Tokens after stop-word removal (space-separated)", "choice", None, "lower-case, drop stop words"),
    StepSpec("vocab", "Vocabulary in order of first appearance", "choice", None, "unique tokens"),
    StepSpec("V", "Vocabulary size", "integer", None, "|vocabulary|"),
    StepSpec("onehot", "One-hot vector of the target word", "vector", None, "x_target"),
    StepSpec("context.k", "Context words of token k (left to right)", "choice", None, "tokens within c positions"),
    StepSpec("pairs", "Number of skip-gram (centre, context) pairs", "integer", None, "Σ_k |context_k|"),
    StepSpec("h", "CBOW hidden layer", "vector", 3, "h = (1/C) Σ Wᵀ x_c"),
    StepSpec("u", "Output scores", "vector", 3, "u = W'ᵀ h"),
    StepSpec("yhat", "Softmax output", "vector", 3, "ŷ = softmax(u)"),
    StepSpec("pred", "Predicted word", "choice", None, "argmax ŷ"),
    StepSpec("loss", "Cross-entropy loss for the target", "number", 3, "−log ŷ_target"),
]
GIVENS = {"corpus": "the text", "stopwords": "words to drop", "window": "context size c on each side",
          "target": "the CBOW target word (occurs once)", "W": "input embeddings, one row per vocabulary word (V × N)",
          "W_out": "output weights W' (N × V)",
          "windows": "corpus (default: a window runs across sentence ends) or sentence (per-line contexts: it stops there)"}
MISTAKES = {
    "stopwords-kept": "stop words kept in the tokens",
    "vocab-duplicates": "vocabulary lists repeated words: each word once",
    "vocab-sorted": "vocabulary sorted alphabetically: the stated order is first appearance",
    "pairs-halved": "pairs counted once per unordered pair: (a, b) and (b, a) are separate skip-gram pairs",
    "one-sided": "window counted one-sided: context words on both sides of the centre, up to c each",
    "center-included": "target word included in its own CBOW context average",
    "cbow-sum": "CBOW hidden layer summed instead of averaged over the C context words",
    "input-matrix-out": "scores computed with the input matrix W instead of the output matrix W'",
    "window-crosses-sentences": "context window ran across a sentence end: here contexts stop at the end of each sentence (line)",
}
_NOUNS = ["cat", "dog", "bird", "fish", "king", "queen", "boy", "girl", "sun", "tree", "lake", "park", "hill", "book", "mat"]
_VERBS = ["sat", "ran", "sang", "swam", "slept", "read", "ruled", "fell", "stood", "played"]
_PATTERNS = {4: ["the {A} and the {B} {v} in the {C}", "the {A} {v} and the {A} {w}"],
             5: ["the {A} {v} the {B} and the {B} {w}", "a {A} {v} on the {B} and the {A} {w}"],
             6: ["the {A} {v} on the {B} and the {C} {v} in the {D}", "a {A} {v} to the {B} and a {C} {w} the {A}"]}
_STOP = ["the", "a", "on", "in", "and", "to", "is", "of"]


def tokenize(corpus: str, stop: list[str], keep_stop: bool = False) -> list[str]:
    """Lower-case words of the corpus without the stop words."""
    return [w for w in re.findall(r"[a-z']+", corpus.lower()) if keep_stop or w not in stop]


def sentence_ids(corpus: str, stop: list[str], keep_stop: bool = False) -> list[int]:
    """The sentence (0, 1, …) of each token: sentences end at . ! ? ; or a line end."""
    return [i for i, part in enumerate(re.split(r"[.!?;\n]", corpus)) for _ in tokenize(part, stop, keep_stop)]


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """A sentence of T content words (one repeated) with stop words; a target with a full window.
    Hard: half the time a second, short sentence too, with windows that stop at sentence ends."""
    T, c, N = {"easy": (4, 1, 2), "exam": (5, pick(rng, [1, 2]), 2), "hard": (6, 2, 3)}[difficulty]
    while True:
        nouns, verbs = rng.choice(_NOUNS, 4, replace=False), rng.choice(_VERBS, 2, replace=False)
        sent = pick(rng, _PATTERNS[T]).format(A=nouns[0], B=nouns[1], C=nouns[2], D=nouns[3], v=verbs[0], w=verbs[1])
        text = sent.capitalize() + "."
        if difficulty == "hard" and rng.random() < 0.5:
            more = rng.choice([n for n in _NOUNS if n not in nouns], 2, replace=False)
            second = pick(rng, _PATTERNS[4]).format(A=more[0], B=more[1], C=nouns[0], v=pick(rng, _VERBS), w=pick(rng, _VERBS))
            sent, text = f"{sent} {second}", f"{text} {second.capitalize()}."
        stops = sorted({w for w in sent.split() if w in _STOP} | {pick(rng, _STOP)})
        toks = tokenize(sent, stops)
        once = [t for t in range(len(toks)) if toks.count(toks[t]) == 1]
        full = [t for t in once if c <= t < len(toks) - c]
        V = len(dict.fromkeys(toks))
        g = {"corpus": text, "stopwords": stops, "window": c, "target": toks[pick(rng, full or once)],
             "W": dec(rng, (V, N), -1, 1).tolist(), "W_out": dec(rng, (N, V), -1, 1).tolist()}
        if text.count(".") > 1:
            g["windows"] = "sentence"
        if distinct(this(__name__), g):
            return g


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Corpus, stop words, window and target consistent with the weight shapes."""
    per_sentence = choice(givens, "windows", ("corpus", "sentence"), default="corpus") == "sentence"
    raw = givens.get("corpus")
    if per_sentence and isinstance(raw, str) and "\n" in raw.strip():  # lines are sentences: keep their ends through the whitespace collapse
        givens = {**givens, "corpus": ". ".join(line.strip().rstrip(".") for line in raw.splitlines() if line.strip())}
    corpus, stop = text(givens, "corpus"), words(givens, "stopwords", default=[])
    toks = tokenize(corpus, stop)
    if not 2 <= len(toks) <= 30:
        raise GivenError("corpus", "expected 2–30 words after stop-word removal")
    target = words(givens, "target", low=1, high=1)[0]
    if toks.count(target) != 1:
        raise GivenError("target", f"'{target}' must occur exactly once among the tokens")
    V = len(dict.fromkeys(toks))
    W = matrix(givens, "W", rows=(V, V), cols=(1, 6))
    out = {"corpus": corpus, "stopwords": stop, "window": integer(givens, "window", 1, 5), "target": target, "W": W,
           "W_out": matrix(givens, "W_out", rows=(len(W[0]),) * 2, cols=(V, V))}
    return {**out, "windows": "sentence"} if per_sentence else out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    return (f"Corpus: \"{g['corpus']}\". Stop words: {' '.join(g['stopwords'])}. Window c = {g['window']}. List the tokens, "
            "the vocabulary (order of first appearance) and its size, the one-hot vector of the target "
            f"'{g['target']}', each token's context words and the number of skip-gram pairs. Then run CBOW for the "
            f"target with W = {mat_g(g['W'])} (rows in vocabulary order) and W' = {mat_g(g['W_out'])}: h, u = W'ᵀh, ŷ, "
            "the predicted word and the loss −log ŷ_target.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    ends = ("; a window stops at the end of its sentence (line): contexts are per sentence"
            if g.get("windows") == "sentence" else "")
    return ["Write word lists as words separated by spaces (no commas), e.g. 'cat sat mat'; tokens are lower case.",
            f"Vocabulary in order of first appearance; context = up to c tokens on each side, left to right{ends}.",
            "CBOW averages the rows of W of the target's context words; ŷ = softmax(W'ᵀh); natural log."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Preprocessing, skip-gram contexts, then one CBOW forward pass."""
    toks = tokenize(g["corpus"], g["stopwords"], work.mistake("stopwords-kept"))
    toks = work.put("tokens", "Tokens", " ".join(toks), "drop stop words").split()
    vocab = toks if work.mistake("vocab-duplicates") else list(dict.fromkeys(toks))
    vocab = work.put("vocab", "Vocabulary", " ".join(sorted(vocab) if work.mistake("vocab-sorted") else vocab), "unique tokens",
                     depends_on=("tokens",)).split()
    work.put("V", "Vocabulary size", len(vocab), "|vocabulary|", depends_on=("vocab",))
    work.put("onehot", f"One-hot of '{g['target']}'", [float(w == g["target"]) for w in vocab], "x_target", depends_on=("vocab",))
    c, ctx = g["window"], []
    sentence = [0] * len(toks)
    if g.get("windows") == "sentence" and not work.mistake("window-crosses-sentences"):
        # the sentence of each token as used (the student's own tokens may keep or drop the stop words)
        sentence = next((ids for keep in (work.mistake("stopwords-kept"), not work.mistake("stopwords-kept"))
                         if len(ids := sentence_ids(g["corpus"], g["stopwords"], keep)) == len(toks)), sentence)
    for k in range(len(toks)):
        lo = k + 1 if work.mistake("one-sided") else max(0, k - c)
        near = " ".join(toks[j] for j in range(lo, min(len(toks), k + c + 1)) if j != k and sentence[j] == sentence[k])
        ctx.append(work.put(f"context.{k + 1}", f"Context of token {k + 1} ('{toks[k]}')", near, f"tokens within {c}",
                            depends_on=("tokens",)).split())
    n = sum(len(x) for x in ctx)
    work.put("pairs", "Skip-gram pairs", n // 2 if work.mistake("pairs-halved") else n, "Σ_k |context_k|",
             depends_on=tuple(f"context.{k}" for k in range(1, len(ctx) + 1)))
    if any(work.mistake(m) for m in ("stopwords-kept", "vocab-duplicates", "vocab-sorted")):
        return  # a preprocessing mistake's replay stops here: W's rows follow the true vocabulary
    t = toks.index(g["target"])
    words_ = ctx[t] + ([g["target"]] if work.mistake("center-included") else [])
    rows = np.array(g["W"], dtype=float)[[vocab.index(w) for w in words_]]
    h = work.put("h", "CBOW hidden layer h", rows.sum(axis=0) / (1 if work.mistake("cbow-sum") else max(len(words_), 1)),
                 "(1/C) Σ Wᵀ x_c", f"average of the rows of {' '.join(words_)}", (f"context.{t + 1}", "vocab"))
    out = np.array(g["W"], dtype=float) if work.mistake("input-matrix-out") else np.array(g["W_out"], dtype=float).T
    u = work.put("u", "Scores u = W'ᵀh", out @ h, "W'ᵀ h", depends_on=("h",))
    y = work.put("yhat", "ŷ = softmax(u)", softmax(u), "e^{u_j} / Σ_k e^{u_k}", depends_on=("u",))
    work.put("pred", "Predicted word", vocab[int(np.argmax(y))], "argmax ŷ", depends_on=("yhat", "vocab"))
    k = vocab.index(g["target"])  # −log ŷ_k from log-softmax where ŷ_k underflows to 0
    work.put("loss", f"−log ŷ('{g['target']}')", -float(log_probability(y[k], log_softmax(u)[k], np.log)), "−log ŷ_target",
             depends_on=("yhat", "vocab"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): pairs enumerated explicitly; torch EmbeddingBag(mean),
    Linear and cross_entropy for CBOW (NumPy without torch)."""
    from problems.types._word2vec_crosscheck import word2vec_cross
    return word2vec_cross(g)


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
