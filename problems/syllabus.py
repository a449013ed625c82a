"""The course's sections (SYLLABUS.md) and which problem types cover each."""

from __future__ import annotations

from derive.steps import Table

SECTIONS = {
    "1": "Neuron, perceptron, MLP, backprop",
    "2": "Activations",
    "3": "Optimizers",
    "4": "Regularization and normalization",
    "5": "CNN",
    "6": "RNN, BPTT, clipping",
    "7": "LSTM, GRU, bidirectional",
    "8": "Attention and transformers",
    "9": "Autoencoders and VAE",
    "10": "GAN",
    "11": "RBF networks",
    "12": "Self-organizing map",
    "13": "Boltzmann machines",
    "14": "Hypothesis tests and metrics",
    "15": "Word embeddings",
}


def coverage() -> Table:
    """Each SYLLABUS section with the problem types that cover it (empty when none does)."""
    from derive.discovery import index
    rows = []
    for sec, title in SECTIONS.items():
        names = [n for n, e in index("problems.types").items() if sec in e.sections]
        rows.append((f"§{sec}", title, ", ".join(names) or "—"))
    return Table("SYLLABUS coverage by problem types", ("section", "title", "problem types"), tuple(rows))
