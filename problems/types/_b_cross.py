"""Independent step values for vae, gan, pca, rbm and word2vec (used only by the tests).

Each function recomputes a type's steps by another route: torch.distributions and torch losses,
scipy's jensenshannon and a numerical maximisation, sklearn's PCA, energy differences, explicit
pair enumeration and torch EmbeddingBag. Without torch a direct NumPy path is taken.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from problems.types._b_common import torch_module


def vae_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.distributions KL and torch losses, or NumPy with
    the KL in its other closed form log(1/σ) + (σ² + μ²)/2 − 1/2."""
    torch = torch_module()
    mu, eps = np.array(g["mu"]), np.array(g["eps"])
    s = np.array(g["sigma"]) if g["variant"] == "sigma" else np.sqrt(np.exp(np.array(g["logvar"])))
    x, xh = np.array(g["x"]), np.array(g["x_hat"])
    if torch is not None:
        N, F = torch.distributions.Normal, torch.nn.functional
        terms = torch.distributions.kl_divergence(N(torch.tensor(mu), torch.tensor(s)), N(0.0, 1.0)).numpy()
        loss_fn = F.binary_cross_entropy if g["recon"] == "bce" else F.mse_loss
        r = float(loss_fn(torch.tensor(xh), torch.tensor(x), reduction="sum"))
    else:
        terms = np.log(1 / s) + (s * s + mu * mu) / 2 - 0.5
        r = float(-(x * np.log(xh) + (1 - x) * np.log(1 - xh)).sum()) if g["recon"] == "bce" else float(np.square(x - xh).sum())
    out = {"var": np.square(s).tolist(), "kl-terms": terms.tolist(), "kl": float(terms.sum()), "z": (mu + s * eps).tolist(),
           "recon": r, "loss": r + float(terms.sum()), "elbo": -(r + float(terms.sum()))}
    out |= {"sigma": s.tolist()} if g["variant"] == "logvar" else {"logvar": [2 * math.log(v) for v in s]}
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in out.items()}


def gan_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch BCE and autograd, scipy's jensenshannon and a numerical
    maximisation of p log D + q log(1 − D) for D*; NumPy log1p without torch."""
    if g["variant"] == "optimal":
        from scipy.optimize import minimize_scalar
        from scipy.spatial.distance import jensenshannon
        p, q = np.array(g["p_data"]), np.array(g["p_g"])
        D = [minimize_scalar(lambda d, a=a, b=b: -(a * math.log(d) + b * math.log(1 - d)), bounds=(1e-9, 1 - 1e-9),
                             method="bounded", options={"xatol": 1e-12}).x for a, b in zip(p, q)]
        js = float(jensenshannon(p, q) ** 2)
        return {"Dstar": D[0] if len(D) == 1 else D, "Vstar": -math.log(4) + 2 * js, "JSD": js,
                "V-equal": -math.log(4) + 2 * float(jensenshannon(p, p) ** 2)}
    torch = torch_module()
    r, f = np.array(g["D_real"]), np.array(g["D_fake"])
    if torch is None:
        V = float(np.mean(np.log(r)) + np.mean(np.log1p(-f)))
        out = {"LG-sat": float(np.mean(np.log1p(-f))), "LG-ns": float(-np.mean(np.log(f))), "grad-sat": (-1 / (1 - f)).tolist(),
               "grad-ns": (-1 / f).tolist()}
    else:
        bce, t = torch.nn.functional.binary_cross_entropy, torch.tensor(f, requires_grad=True)
        tr = torch.tensor(r)
        V = -float((bce(tr, torch.ones_like(tr)) + bce(t, torch.zeros_like(t))).detach())
        gs = torch.autograd.grad(torch.log(1 - t).sum(), t)[0].numpy()
        gn = torch.autograd.grad(-torch.log(t).sum(), t)[0].numpy()
        out = {"LG-sat": -float(bce(t, torch.zeros_like(t)).detach()), "LG-ns": float(bce(t, torch.ones_like(t)).detach()),
               "grad-sat": gs.tolist(), "grad-ns": gn.tolist()}
    out = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in out.items()}
    return out | {"V": V, "LD": -V}


def pca_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): sklearn.decomposition.PCA (numpy.linalg.eigh without it),
    signs brought to the stated convention."""
    X = np.array(g["X"], dtype=float)
    n, ddof = len(X), 1 if g["divisor"] == "n-1" else 0
    scale = (n - 1) / n if ddof == 0 else 1.0
    try:
        from sklearn.decomposition import PCA
        pca = PCA(n_components=2).fit(X)
        comps, lam, mu, z = pca.components_, pca.explained_variance_ * scale, pca.mean_, pca.transform(X)[:, 0]
    except ImportError:  # pragma: no cover - sklearn is a test dependency
        w, U = np.linalg.eigh(np.cov(X.T, ddof=ddof))
        comps, lam, mu = U[:, ::-1].T, w[::-1], X.mean(axis=0)
        z = (X - mu) @ comps[0]
    signs = np.array([1.0 if c[np.flatnonzero(np.abs(c) > 1e-12)[0]] > 0 else -1.0 for c in comps])
    comps, z = comps * signs[:, None], z * signs[0]
    Xh = np.outer(z, comps[0]) + mu
    return {"mean": mu.tolist(), "centered": (X - mu).tolist(), "cov": np.cov(X.T, ddof=ddof).tolist(), "eigvals": lam.tolist(),
            "v1": comps[0].tolist(), "v2": comps[1].tolist(), "proj": z.tolist(), "recon": Xh.tolist(),
            "explained": float(lam[0] / lam.sum()), "residual": float(lam[1] * (n - ddof))}


def rbm_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): every conditional from energy differences,
    P(h_j = 1 | v) = 1/(1 + exp(E(v, h with h_j = 1) − E(v, h with h_j = 0))), and explicit loops."""
    W, a, b = (np.array(g[k], dtype=float) for k in ("W", "a", "b"))
    v0, h0, v1, h1 = (np.array(g[k], dtype=float) for k in ("v0", "h0", "v1", "h1"))
    m, n = W.shape

    def energy(v: np.ndarray, h: np.ndarray) -> float:
        return -sum(a[i] * v[i] for i in range(m)) - sum(b[j] * h[j] for j in range(n)) - sum(
            v[i] * W[i, j] * h[j] for i in range(m) for j in range(n))

    def cond(fixed: np.ndarray, hidden: bool) -> list[float]:
        out = []
        for k in range(n if hidden else m):
            on, off = np.zeros(n if hidden else m), np.zeros(n if hidden else m)
            on[k] = 1
            e1, e0 = (energy(fixed, on), energy(fixed, off)) if hidden else (energy(on, fixed), energy(off, fixed))
            out.append(1 / (1 + np.exp(e1 - e0)))
        return out

    outer = lambda v, h: [[v[i] * h[j] for j in range(n)] for i in range(m)]  # noqa: E731
    dW = [[g["lr"] * (p - q) for p, q in zip(r0, r1)] for r0, r1 in zip(outer(v0, h0), outer(v1, h1))]
    nets = {"net-h0": np.einsum("i,ij->j", v0, W) + b, "net-v1": np.einsum("ij,j->i", W, h0) + a,
            "net-h1": np.einsum("i,ij->j", v1, W) + b}
    return {k: v.tolist() for k, v in nets.items()} | {"energy": energy(v0, h0), "ph0": cond(v0, True), "pv1": cond(h0, False), "ph1": cond(v1, True),
            "pos": outer(v0, h0), "neg": outer(v1, h1), "dW": dW, "W-new": (W + np.array(dW)).tolist(),
            "da": [g["lr"] * (p - q) for p, q in zip(v0, v1)], "db": [g["lr"] * (p - q) for p, q in zip(h0, h1)]}


def word2vec_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): pairs enumerated explicitly; torch EmbeddingBag(mean),
    Linear and cross_entropy for CBOW (NumPy without torch)."""
    stop = set(g["stopwords"])
    toks = [w for w in re.split(r"[^a-z']+", g["corpus"].lower()) if w and w not in stop]
    vocab = sorted(set(toks), key=toks.index)
    pairs = [(toks[i], toks[j]) for i in range(len(toks)) for j in range(len(toks)) if 0 < abs(i - j) <= g["window"]]
    ctx = {f"context.{i + 1}": " ".join(toks[j] for j in range(len(toks)) if 0 < abs(i - j) <= g["window"]) for i in range(len(toks))}
    t = toks.index(g["target"])
    ids = [vocab.index(w) for w in ctx[f"context.{t + 1}"].split()]
    W, Wo, tgt = np.array(g["W"], dtype=float), np.array(g["W_out"], dtype=float), vocab.index(g["target"])
    torch = torch_module()
    if torch is not None:
        bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(W), mode="mean")
        lin = torch.nn.Linear(W.shape[1], len(vocab), bias=False, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(Wo.T))
            h = bag(torch.tensor([ids]))[0]
            u = lin(h)
            y, loss = torch.softmax(u, 0).numpy(), float(torch.nn.functional.cross_entropy(u[None], torch.tensor([tgt])))
        h, u = h.numpy(), u.numpy()
    else:
        h = W[ids].mean(axis=0)
        u = np.einsum("nv,n->v", Wo, h)
        y = np.exp(u) / np.exp(u).sum()
        loss = float(np.log(np.exp(u).sum()) - u[tgt])
    return ctx | {"tokens": " ".join(toks), "vocab": " ".join(vocab), "V": len(vocab), "onehot": np.eye(len(vocab))[tgt].tolist(),
                  "pairs": len(pairs), "h": h.tolist(), "u": u.tolist(), "yhat": y.tolist(), "pred": vocab[int(np.argmax(y))],
                  "loss": loss}
