"""Every derivation topic (every option combination in ``TOPIC_OPTIONS``) and every problem type
(every variant) rendered once per test session, in the human-readable formats.

The notation test and the Markdown-renders test read the same documents; each is derived and
rendered once (``functools.cache``), so the second test costs only its own checks.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from derive.registry import all_topics
from problems.registry import all_types

# The option combinations each topic is rendered with: its defaults and every switch that
# changes which steps or formulas are written (form, convention, loss, mask, heads, matrix form…).
TOPIC_OPTIONS: dict[str, list[dict[str, Any]]] = {
    "mlp": [{}, {"preset": "mazur"}, {"activation": "tanh"}, {"activation": "relu", "loss": "cross-entropy"},
            {"matrix": True}, {"matrix": True, "layers": 3, "loss": "cross-entropy"}, {"matrix": True, "preset": "mazur"}],
    "attention": [{}, {"heads": 2}, {"mask": "causal", "loss": "mse"}],
    "batchnorm": [{}, {"loss": "mse"}],
    "conv": [{}, {"dims": 1}, {"stride": 2, "padding": 1, "loss": "mse"}],
    "gru": [{}, {"convention": "pytorch"}, {"convention": "cho"}, {"form": "split", "steps": 2, "loss": "last"}],
    "lstm": [{}, {"form": "split"}, {"steps": 2, "loss": "last"}],
    "rnn": [{}, {"activation": "relu"}, {"loss": "last"}],
}
HUMAN_FORMATS = ("text", "rich", "markdown")


def topic_cases() -> list[tuple[str, dict[str, Any]]]:
    """(topic, options) for every topic: its ``TOPIC_OPTIONS`` rows, or its defaults alone."""
    return [(name, dict(opts)) for name in all_topics() for opts in TOPIC_OPTIONS.get(name, [{}])]


def type_cases() -> list[tuple[str, str | None]]:
    """(problem type, variant) for every type and each of its variants (None: the plain type)."""
    return [(name, v) for name, m in all_types().items() for v in [None, *getattr(m, "VARIANTS", {})]]


def case_id(case: tuple[Any, Any]) -> str:
    """A readable pytest id: ``mlp[matrix=True]``, ``rbf_xor:solve-weights``."""
    name, extra = case
    if isinstance(extra, dict):
        return name + ("[" + ",".join(f"{k}={v}" for k, v in extra.items()) + "]" if extra else "")
    return name + (f":{extra}" if extra else "")


@cache
def _topic_docs(name: str, options_key: tuple) -> tuple[Any, Any]:
    """The topic's symbolic derivation and its derivation with numbers (seed 0)."""
    module = all_topics()[name]
    options = {**getattr(module, "OPTIONS", {}), **dict(options_key)}
    return module.derive(dict(options), None, None), module.derive(dict(options), {}, 0)


@cache
def _type_doc(name: str, variant: str | None) -> Any:
    from problems import engine
    return engine.make_exercise(all_types()[name], 1, "exam", variant)


def render_plain(doc: Any, fmt: str) -> str:
    """``doc`` in ``fmt`` as a string; rich is drawn without colour, 200 columns wide."""
    from derive.printing import render
    if fmt != "rich":
        return render(doc, fmt)
    from rich.console import Console
    console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=False, legacy_windows=False)
    console.print(render(doc, "rich"))
    return console.file.getvalue()


@cache
def topic_output(name: str, options_key: tuple, fmt: str) -> str:
    """The symbolic and the numeric derivation of a topic, rendered in ``fmt``, one after the other."""
    return "\n".join(render_plain(doc, fmt) for doc in _topic_docs(name, options_key))


@cache
def type_output(name: str, variant: str | None, fmt: str) -> str:
    """One exercise of the type (seed 1, exam difficulty), with its worked solution, in ``fmt``."""
    return render_plain(_type_doc(name, variant), fmt)


def output(case: tuple[Any, Any], fmt: str) -> str:
    """The rendered text of a ``topic_cases()`` or ``type_cases()`` entry."""
    name, extra = case
    if isinstance(extra, dict):
        return topic_output(name, tuple(sorted(extra.items())), fmt)
    return type_output(name, extra, fmt)
