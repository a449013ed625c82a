"""numeric: the models of the course trained in NumPy (or torch), checked against the derivations.

``train(model)`` is the Python API that ``chainrule train`` calls. It loads NumPy (and torch)
only when called, so ``import numeric`` stays light. Bad input raises
``derive.errors.UserError`` with the CLI's one-line message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

Progress = Callable[[int, "int | None", dict[str, Any]], None]


def train(model: str, options: Mapping[str, Any] | None = None, /, *, progress: Progress | None = None,
          backend: str = "numpy", device: str = "cpu", seed: int = 0, plot: str | Path | None = None,
          save: str | Path | None = None, load: str | Path | None = None, **named: Any) -> Any:
    """Train ``model`` (see ``chainrule topics``) and return its ``TrainReport``: final metrics,
    loss history and, when ``metrics["failed_reason"]`` is set, why the run did not succeed.

    ``options`` and ``named`` are the model's options (``train("xor", epochs=500)``; the mapping
    also takes names that clash with this function's own, as ``--set`` does). ``progress(done,
    total, metrics)`` is called once with ``(0, None, {})`` when the checks have passed and
    training starts, then as training advances. ``plot``/``save``/``load`` are file paths
    (PNG plots, ``.npz`` parameters). Every numeric option is checked against ``numeric.bounds``
    and the run's memory and work against ``numeric.budget`` before anything is allocated.
    """
    from derive.errors import UserError
    from derive.options import SEED_MAX, TRAIN_OPTIONS, find, require_backend, require_whole, resolve
    from numeric import bounds, budget
    from numeric.registry import get
    require_whole(seed, 0, SEED_MAX, "--seed")
    module = find(get, model, "MODEL")
    if device not in ("cpu", "cuda"):
        raise UserError(f"expected cpu or cuda, got '{device}'", "--device")
    if device == "cuda" and backend != "torch":
        raise UserError("cuda needs --backend torch", "--device")
    require_backend(backend)
    config = resolve(module, {**(options or {}), **named}, TRAIN_OPTIONS)
    supplied = bounds.check(module.NAME, {k: v for k, v in {**(options or {}), **named}.items() if k in config and v is not None})
    config.update(supplied)  # every numeric option within the bounds of its named option (numeric.bounds)
    budget.check(module.NAME, config, supplied, getattr(module, "OPTIONS", {}))  # memory and work estimated before anything is allocated
    paths = {key: None if value is None else Path(value) for key, value in (("plot", plot), ("save", save), ("load", load))}
    config.update(backend=backend, device=device, seed=seed, **paths)
    if progress is not None:
        progress(0, None, {})
    return module.train(config, progress)
