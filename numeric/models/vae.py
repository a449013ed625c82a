"""Variational autoencoder on scikit-learn's digits (SYLLABUS §9).

Equations::

    encoder  h = ReLU(x W_e1 + b_e1),  [μ, log σ²] = h W_enc + b_enc          μ, log σ²: (N, K)
    sample   z = μ + σ ⊙ ε,  σ = exp(½ log σ²),  ε ~ N(0, I)                   (reparameterization)
    decoder  h' = ReLU(z W_d1 + b_d1),  l = h' W_out + b_out,  x̂ = σ(l)       l: (N, 64)
    loss     BCE(x, x̂) summed over pixels + β · KL,   KL = −½ Σ_k (1 + log σ² − μ² − σ²)
    ELBO     = −(BCE + KL)   (per image; the loss is the ELBO's negative when β = 1)

Reported on the 360 held-out images: ``elbo`` (nats per image, one ε draw), its two parts, and
``recon_error`` = mean squared error per pixel of the reconstruction decoded from μ. Options:
--epochs (80; 0 with --load), --lr, --batch-size, --hidden, --set latent=2, --set beta=1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import TrainReport
from numeric.layers import activations, losses, reparam
from numeric.models import _generative_digits, _generative_training, _mlp
from numeric.optim import Adam
from numeric.training import Progress

NAME = "vae"
SUMMARY = "Variational autoencoder on load_digits: ELBO, reconstruction error, samples and a 2-D latent space"
OPTIONS = {"epochs": None, "lr": 2e-3, "batch_size": 64, "hidden": 256, "data": "digits", "latent": 2, "beta": 1.0}
CHOICES = {"data": ("digits",)}
EPOCHS = 80
BENCH = {"epochs": 20}
QUALITY = "elbo"


def layers(hidden: int, latent: int, d: int = 64) -> tuple[tuple[_mlp.Layer, ...], tuple[_mlp.Layer, ...]]:
    """(encoder → [μ, log σ²] of width 2K, decoder → logits of width 64)."""
    return ((("e1", d, hidden, "relu"), ("enc", hidden, 2 * latent, None)),
            (("d1", latent, hidden, "relu"), ("out", hidden, d, None)))


def forward(params: dict[str, np.ndarray], x: np.ndarray, eps: np.ndarray, net: tuple) -> tuple[tuple, Any]:
    """((logits, μ, log σ², z), cache) for x: (N, 64) and ε: (N, K)."""
    enc, dec = net
    k = eps.shape[1]
    stats, ce = _mlp.forward(params, x, enc)                         # (N, 2K)
    mu, logvar = stats[:, :k], stats[:, k:]
    z, cr = reparam.forward(mu, logvar, eps)                         # (N, K)
    logits, cd = _mlp.forward(params, z, dec)                        # (N, 64)
    return (logits, mu, logvar, z), (ce, cr, cd)


def backward(dlogits: np.ndarray, dmu: np.ndarray, dlogvar: np.ndarray, cache: Any,
             grads: dict[str, np.ndarray]) -> None:
    """Write every ∂L/∂param into ``grads``; ``dmu``, ``dlogvar`` are the direct (KL) terms."""
    ce, cr, cd = cache
    dz = _mlp.backward(dlogits, cd, grads)                           # decoder, then ∂L/∂z
    dmu_z, dlogvar_z = reparam.backward(dz, cr)                      # through z = μ + σ ⊙ ε
    _mlp.backward(np.concatenate([dmu_z + dmu, dlogvar_z + dlogvar], axis=1), ce, grads, need_dx=False)


def loss(params: dict[str, np.ndarray], x: np.ndarray, eps: np.ndarray, net: tuple, beta: float = 1.0,
         grads: dict[str, np.ndarray] | None = None) -> tuple[float, float, float, dict[str, np.ndarray]]:
    """(BCE + β·KL, BCE, KL, grads), each a mean over the N rows of the batch."""
    (logits, mu, logvar, _), cache = forward(params, x, eps, net)
    recon, dlogits = losses.bce_with_logits(logits, x)
    kl, dmu, dlogvar = reparam.kl_standard_normal(mu, logvar)
    grads = grads if grads is not None else {k: np.empty_like(v) for k, v in params.items()}
    backward(dlogits, beta * dmu, beta * dlogvar, cache, grads)
    return recon + beta * kl, recon, kl, grads


def _numpy(cfg: dict[str, Any], params: dict, x: np.ndarray, net: tuple, epochs: int,
           rng: np.random.Generator, progress: Progress) -> tuple[dict, list]:
    flat, opt, k = _mlp.Flat(params), Adam(cfg["lr"]), int(cfg["latent"])
    parts = np.zeros(2)

    def step(idx: np.ndarray) -> float:
        eps = rng.standard_normal((len(idx), k), dtype=np.float32)
        total, recon, kl, _ = loss(flat.params, x[idx], eps, net, cfg["beta"], flat.grads)
        flat.step(opt)
        parts[:] += (recon * len(idx), kl * len(idx))
        return total
    return flat.params, _generative_training.run_epochs(epochs, len(x), cfg["batch_size"], rng, step, progress, _parts(parts, len(x)))


def _parts(parts: np.ndarray, n: int) -> Any:
    def metric() -> dict[str, float]:
        out = {"recon": float(parts[0] / n), "kl": float(parts[1] / n)}
        parts[:] = 0.0
        return out
    return metric


def _torch(cfg: dict[str, Any], params: dict, x: np.ndarray, net: tuple, epochs: int,
           rng: np.random.Generator, progress: Progress) -> tuple[dict, list]:
    torch, dev, gen = _generative_training.torch_setup(cfg)
    F = torch.nn.functional
    p, (enc, dec), k = _mlp.torch_params(torch, params, dev), net, int(cfg["latent"])
    opt = torch.optim.Adam(p.values(), lr=cfg["lr"])
    X, parts = torch.from_numpy(x).to(dev), np.zeros(2)

    def step(idx: np.ndarray) -> float:
        xb = X[torch.from_numpy(idx).to(dev)]
        mu, logvar = _mlp.torch_forward(torch, p, xb, enc).split(k, dim=1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=gen, device=dev)
        recon = F.binary_cross_entropy_with_logits(_mlp.torch_forward(torch, p, z, dec), xb, reduction="sum") / len(idx)
        kl = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum() / len(idx)
        total = recon + cfg["beta"] * kl
        opt.zero_grad(set_to_none=True)
        total.backward()
        opt.step()
        parts[:] += (recon.item() * len(idx), kl.item() * len(idx))
        return total.item()
    history = _generative_training.run_epochs(epochs, len(x), cfg["batch_size"], rng, step, progress, _parts(parts, len(x)))
    return _generative_training.to_numpy(p), history


def evaluate(params: dict, x: np.ndarray, net: tuple, rng: np.random.Generator) -> dict[str, Any]:
    """Held-out ELBO (one ε draw), its parts, the MSE of decoding μ, and the arrays the plot needs."""
    enc, dec = net
    k = enc[-1][2] // 2
    eps = rng.standard_normal((len(x), k)).astype(np.float32)
    (logits, mu, logvar, _), _ = forward(params, x, eps, net)
    recon, _ = losses.bce_with_logits(logits, x)
    kl, _, _ = reparam.kl_standard_normal(mu, logvar)
    xhat = activations.sigmoid(_mlp.forward(params, mu, dec)[0])
    samples = activations.sigmoid(_mlp.forward(params, rng.standard_normal((10, k)).astype(np.float32), dec)[0])
    return {"elbo": -(recon + kl), "recon_bce": recon, "kl": kl, "recon_error": float(np.mean((xhat - x) ** 2)),
            "_xhat": xhat, "_mu": mu, "_samples": samples}


@_generative_training.single_thread
def train(config: dict[str, Any], progress: Progress = None) -> TrainReport:
    """Train the VAE on the digits training split; report held-out ELBO and reconstruction error."""
    cfg = _generative_training.settings(config, OPTIONS, CHOICES)
    x_tr, _, x_te, y_te = _generative_digits.load()
    rng = np.random.default_rng(cfg["seed"])
    net = layers(int(cfg["hidden"]), int(cfg["latent"]))
    params = _mlp.init(rng, net[0] + net[1])
    _generative_training.load_into(cfg, NAME, params)
    run = _numpy if cfg["backend"] == "numpy" else _torch
    params, history = run(cfg, params, x_tr, net, _generative_training.budget(cfg, "epochs", EPOCHS), rng, progress)
    _generative_training.save_from(cfg, NAME, params)
    ev = evaluate(params, x_te, net, np.random.default_rng(cfg["seed"] + 1))
    baseline = float(np.mean((x_tr.mean(axis=0) - x_te) ** 2))
    metrics = {k: v for k, v in ev.items() if not k.startswith("_")}
    metrics.update(baseline_error=baseline, beats_baseline=ev["recon_error"] < baseline, epochs=len(history),
                   latent=int(cfg["latent"]), beta=float(cfg["beta"]))
    summary = (f"vae: held-out ELBO {ev['elbo']:.2f} nats per image (reconstruction {ev['recon_bce']:.2f} + KL "
               f"{ev['kl']:.2f}); reconstruction MSE {ev['recon_error']:.4f} per pixel vs {baseline:.4f} for the mean image")
    notes = ["elbo = −(BCE + KL) per held-out image, one ε draw; KL = −½ Σ(1 + log σ² − μ² − σ²)",
             "recon_error = mean over held-out images and pixels of (x̂ − x)², x̂ decoded from μ"]

    def plot(path: Any) -> str:
        from numeric.models._generative_plots import vae
        mu = ev["_mu"]
        title = "latent space (μ of held-out digits)"
        if mu.shape[1] > 2:
            centred = mu - mu.mean(axis=0)
            mu = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
            title = "latent space (μ projected on its first two principal axes)"
        return vae(path, x_te[:10], ev["_xhat"][:10], ev["_samples"], mu, y_te, history, title)
    return _generative_training.report(NAME, cfg, metrics, history, summary, notes, plot)
