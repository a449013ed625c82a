"""GAN on a ring of 8 Gaussians (or on digits with --data digits) (SYLLABUS §10).

Equations (D = σ(l), l the discriminator's logit)::

    G: z ~ N(0, I) → ReLU → ReLU → x̃          D: x → ReLU → ReLU → l
    L_D = −[log D(x) + log(1 − D(G(z)))]           (one step on the real and generated batch)
    L_G = −log D(G(z))                              (non-saturating, default)
    L_G = log(1 − D(G(z)))                          (--set loss=saturating: the minimax form)

Alternating Adam steps (β₁ = 0.5): one D step, then one G step. Reported: ``modes_covered`` —
ring: a mode is covered when at least 20 % of its fair share of 2000 generated samples (i.e. 50)
lies within 3σ of its centre (numeric/datasets/ring.py); digits: a digit class is covered when
a logistic-regression classifier assigns it at least 20 % of its fair share. Options: --steps
(3000; 0 with --load), --lr, --batch-size, --hidden, --data ring|digits, --set loss=…, --set noise=.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import TrainReport
from numeric.datasets import ring
from numeric.layers.gan_losses import discriminator_loss, generator_loss
from numeric.models import _generative_digits, _generative_training, _mlp
from numeric.optim import Adam
from numeric.training import Progress, guard_finite, tick

NAME = "gan"
SUMMARY = "GAN on a ring of 8 Gaussians (or digits): modes covered, non-saturating or minimax generator loss"
OPTIONS = {"steps": None, "lr": 5e-4, "batch_size": 256, "hidden": 64, "data": "ring", "loss": "non-saturating", "noise": 0}
CHOICES = {"data": ("ring", "digits"), "loss": ("non-saturating", "saturating")}
STEPS, EVAL_SAMPLES, BETA1 = 3000, 2000, 0.5
BENCH = {"steps": 2000}
QUALITY = "modes_covered"


def layers(data: str, hidden: int, noise: int) -> tuple[tuple[_mlp.Layer, ...], tuple[_mlp.Layer, ...]]:
    """(generator, discriminator): two ReLU hidden layers each (one for digits); G outputs σ(·) on digits."""
    if data == "ring":
        return ((("g1", noise, hidden, "relu"), ("g2", hidden, hidden, "relu"), ("gout", hidden, 2, None)),
                (("d1", 2, hidden, "relu"), ("d2", hidden, hidden, "relu"), ("dout", hidden, 1, None)))
    return ((("g1", noise, hidden, "relu"), ("gout", hidden, 64, "sigmoid")),
            (("d1", 64, hidden, "relu"), ("dout", hidden, 1, None)))


def d_loss(params: dict[str, np.ndarray], real: np.ndarray, z: np.ndarray, net: tuple,
           grads: dict[str, np.ndarray] | None = None) -> tuple[float, dict[str, np.ndarray]]:
    """(L_D, ∂L_D/∂θ_D): D on the stacked batch [x; G(z)], G held fixed."""
    G, D = net
    fake, _ = _mlp.forward(params, z, G)
    logits, cache = _mlp.forward(params, np.concatenate([real, fake]), D)       # (2N, 1)
    value, dreal, dfake = discriminator_loss(logits[:len(real)], logits[len(real):])
    grads = grads if grads is not None else {k: np.empty_like(params[k]) for k in keys(D)}
    _mlp.backward(np.concatenate([dreal, dfake]), cache, grads, need_dx=False)
    return value, grads


def g_loss(params: dict[str, np.ndarray], z: np.ndarray, net: tuple, form: str = "non-saturating",
           grads: dict[str, np.ndarray] | None = None) -> tuple[float, dict[str, np.ndarray]]:
    """(L_G, ∂L_G/∂θ_G): backpropagate through D (its parameters fixed) into G."""
    G, D = net
    fake, cg = _mlp.forward(params, z, G)
    logits, cd = _mlp.forward(params, fake, D)
    value, dlogits = generator_loss(logits, form)
    grads = grads if grads is not None else {k: np.empty_like(params[k]) for k in keys(G)}
    _mlp.backward(_mlp.backward(dlogits, cd, None), cg, grads, need_dx=False)
    return value, grads


def keys(stack: tuple[_mlp.Layer, ...]) -> list[str]:
    """Parameter names of one network (W_name, b_name per layer)."""
    return [f"{p}_{n}" for n, *_ in stack for p in "Wb"]


def split(params: dict[str, np.ndarray], stack: tuple[_mlp.Layer, ...]) -> dict[str, np.ndarray]:
    """The parameters of one network (G or D) out of the joint dict."""
    return {k: params[k] for k in keys(stack)}


class Source:
    """Real batches (ring samples or digits) and noise, from one NumPy Generator."""

    def __init__(self, data: str, rng: np.random.Generator, noise: int):
        self.data, self.rng, self.noise = data, rng, noise
        self.x = _generative_digits.load()[0] if data == "digits" else None

    def real(self, n: int) -> np.ndarray:
        """n real samples: ring points or digits drawn with replacement: (n, 2) or (n, 64)."""
        if self.x is None:
            return ring.sample(self.rng, n)
        return self.x[self.rng.integers(0, len(self.x), n)]

    def z(self, n: int) -> np.ndarray:
        """n noise vectors z ~ N(0, I): (n, noise)."""
        return self.rng.standard_normal((n, self.noise), dtype=np.float32)


def run_steps(steps: int, step: Any, progress: Progress) -> list[dict[str, float]]:
    """Run ``step(s) -> (L_D, L_G)``; record the mean losses every steps/50 steps; NaN/inf names the step."""
    history, every, acc = [], max(steps // 50, 1), np.zeros(2)
    for s in range(1, steps + 1):
        ld, lg = step(s)
        acc += (guard_finite(ld, f"step {s} (discriminator)"), guard_finite(lg, f"step {s} (generator)"))
        if s % every == 0 or s == steps:
            n = every if s % every == 0 else s % every
            history.append({"step": s, "loss_d": float(acc[0] / n), "loss_g": float(acc[1] / n)})
            acc[:] = 0.0
            tick(progress, s, steps, loss_d=history[-1]["loss_d"], loss_g=history[-1]["loss_g"])
    return history


def _numpy(cfg: dict[str, Any], params: dict, net: tuple, steps: int, src: Source, progress: Progress) -> tuple[dict, list]:
    G, D = net
    fg, fd = _mlp.Flat(split(params, G)), _mlp.Flat(split(params, D))
    og, od = Adam(cfg["lr"], beta1=BETA1), Adam(cfg["lr"], beta1=BETA1)
    both, n = {**fg.params, **fd.params}, int(cfg["batch_size"])

    def step(s: int) -> tuple[float, float]:
        ld, _ = d_loss(both, src.real(n), src.z(n), net, fd.grads)
        fd.step(od)
        lg, _ = g_loss(both, src.z(n), net, cfg["loss"], fg.grads)
        fg.step(og)
        return ld, lg
    return both, run_steps(steps, step, progress)


def _torch(cfg: dict[str, Any], params: dict, net: tuple, steps: int, src: Source, progress: Progress) -> tuple[dict, list]:
    """The same alternating D/G Adam steps with torch autograd; returns (NumPy parameters, history)."""
    torch, dev, gen = _generative_training.torch_setup(cfg)
    F, (G, D), n = torch.nn.functional, net, int(cfg["batch_size"])
    pg, pd = _mlp.torch_params(torch, split(params, G), dev), _mlp.torch_params(torch, split(params, D), dev)
    og = torch.optim.Adam(pg.values(), lr=cfg["lr"], betas=(BETA1, 0.999))
    od = torch.optim.Adam(pd.values(), lr=cfg["lr"], betas=(BETA1, 0.999))
    centres = torch.tensor(ring.centres(), dtype=torch.float32, device=dev)
    X = torch.from_numpy(src.x).to(dev) if src.x is not None else None

    def real() -> Any:
        if X is None:
            k = torch.randint(0, len(centres), (n,), generator=gen, device=dev)
            return centres[k] + ring.STD * torch.randn((n, 2), generator=gen, device=dev)
        return X[torch.randint(0, len(X), (n,), generator=gen, device=dev)]

    def step(s: int) -> tuple[float, float]:
        fake = _mlp.torch_forward(torch, pg, torch.randn((n, src.noise), generator=gen, device=dev), G).detach()
        logits = _mlp.torch_forward(torch, pd, torch.cat([real(), fake]), D)
        ld = F.softplus(-logits[:n]).mean() + F.softplus(logits[n:]).mean()
        od.zero_grad(set_to_none=True)
        ld.backward()
        od.step()
        lf = _mlp.torch_forward(torch, pd, _mlp.torch_forward(torch, pg, torch.randn((n, src.noise), generator=gen, device=dev), G), D)
        lg = F.softplus(-lf).mean() if cfg["loss"] == "non-saturating" else -F.softplus(lf).mean()
        og.zero_grad(set_to_none=True)
        lg.backward()
        og.step()
        return ld.item(), lg.item()
    history = run_steps(steps, step, progress)
    return {**_generative_training.to_numpy(pg), **_generative_training.to_numpy(pd)}, history


def generate(params: dict[str, np.ndarray], z: np.ndarray, net: tuple) -> np.ndarray:
    """x̃ = G(z): (N, 2) ring points or (N, 64) digit images."""
    return _mlp.forward(params, z, net[0])[0]


def _digit_classes(fake: np.ndarray) -> tuple[int, np.ndarray]:
    """(classes covered, generated samples per class) by a logistic regression fitted on the digits."""
    from sklearn.linear_model import LogisticRegression
    x, y, _, _ = _generative_digits.load()
    counts = np.bincount(LogisticRegression(max_iter=500).fit(x, y).predict(fake), minlength=10)
    return int(np.sum(counts >= ring.MIN_SHARE * len(fake) / 10)), counts


@_generative_training.single_thread
def train(config: dict[str, Any], progress: Progress = None) -> TrainReport:
    """Train G and D by alternating Adam steps; report modes covered by 2000 generated samples."""
    cfg = _generative_training.settings(config, OPTIONS, CHOICES)
    noise = int(cfg["noise"]) or (2 if cfg["data"] == "ring" else 16)
    rng = np.random.default_rng(cfg["seed"])
    net = layers(cfg["data"], int(cfg["hidden"]), noise)
    params = _mlp.init(rng, net[0] + net[1])
    _generative_training.load_into(cfg, NAME, params)
    src = Source(cfg["data"], rng, noise)
    run = _numpy if cfg["backend"] == "numpy" else _torch
    params, history = run(cfg, params, net, _generative_training.budget(cfg, "steps", STEPS), src, progress)
    _generative_training.save_from(cfg, NAME, params)
    ev = np.random.default_rng(cfg["seed"] + 1)
    fake = generate(params, ev.standard_normal((EVAL_SAMPLES, noise)).astype(np.float32), net)
    metrics: dict[str, Any] = {"data": cfg["data"], "loss": cfg["loss"]}
    if cfg["data"] == "ring":
        covered, counts, quality = ring.coverage(fake)
        metrics.update(modes_covered=covered, modes=ring.MODES, high_quality=quality)
        what = f"{covered} of {ring.MODES} modes covered; {quality:.0%} of samples within 3σ of a centre"
    else:
        covered, counts = _digit_classes(fake)
        metrics.update(modes_covered=covered, modes=10)
        what = f"{covered} of 10 digit classes covered"
    metrics.update(samples_per_mode=[int(c) for c in counts], steps=history[-1]["step"] if history else 0,
                   **({"loss_d": history[-1]["loss_d"], "loss_g": history[-1]["loss_g"]} if history else {}))
    notes = [f"{EVAL_SAMPLES} samples G(z), z ~ N(0, I); a mode is covered when at least "
             f"{ring.MIN_SHARE:.0%} of its fair share of them falls in it"
             + (" (within 3σ of its centre)" if cfg["data"] == "ring" else " (by a logistic-regression digit classifier)"),
             f"generator loss: {cfg['loss']} ({'−log D(G(z))' if cfg['loss'] == 'non-saturating' else 'log(1 − D(G(z)))'})"]

    def plot(path: Any) -> str:
        from numeric.models import _generative_plots
        title = f"GAN ({cfg['loss']}): {what}"
        if cfg["data"] == "ring":
            return _generative_plots.gan_ring(path, ring.sample(ev, EVAL_SAMPLES), fake, ring.centres(), 3 * ring.STD, history, title)
        return _generative_plots.gan_digits(path, src.x[:10], fake[:20], history, title)
    return _generative_training.report(NAME, cfg, metrics, history, f"gan: {what}", notes, plot)
