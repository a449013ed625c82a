"""Independent step values of the ``pca`` type, by other routes (tests only)."""

from __future__ import annotations

from typing import Any

import numpy as np


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
