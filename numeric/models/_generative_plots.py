"""PNG figures for the generative/unsupervised models (matplotlib, Agg; imported only for --plot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from numeric.plotting import pyplot, save_figure


def _images(fig: Any, grid: Any, rows: list[tuple[str, np.ndarray]]) -> None:
    """One row of 8×8 grey images per (label, images (k, 64))."""
    for r, (label, imgs) in enumerate(rows):
        for c, img in enumerate(imgs):
            ax = fig.add_subplot(grid[r, c])
            ax.imshow(np.asarray(img).reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, fontsize=8)


def _loss(ax: Any, history: list[dict[str, float]], keys: tuple[str, ...] = ("loss",), xkey: str = "epoch") -> None:
    for key in keys:
        ax.plot([h[xkey] for h in history], [h[key] for h in history], label=key)
    ax.set_xlabel(xkey)
    ax.set_title("training loss", fontsize=9)
    if len(keys) > 1:
        ax.legend(fontsize=7)


def reconstructions(path: Path, originals: np.ndarray, recon: np.ndarray, history: list[dict[str, float]], title: str) -> str:
    """Held-out digits over their reconstructions, and the loss curve."""
    plt = pyplot()
    k = len(originals)
    fig = plt.figure(figsize=(k * 0.9, 3.6), layout="constrained")
    grid = fig.add_gridspec(3, k, height_ratios=[1, 1, 1.8])
    _images(fig, grid, [("original", originals), ("reconstruction", recon)])
    if history:
        _loss(fig.add_subplot(grid[2, :]), history)
    fig.suptitle(title)
    return save_figure(fig, path)


def vae(path: Path, originals: np.ndarray, recon: np.ndarray, samples: np.ndarray, latent: np.ndarray,
        labels: np.ndarray, history: list[dict[str, float]], latent_title: str) -> str:
    """Reconstructions, samples decoded from z ~ N(0, I), and the 2-D latent space coloured by digit."""
    plt = pyplot()
    k = len(originals)
    fig = plt.figure(figsize=(k * 0.9, 9), layout="constrained")
    grid = fig.add_gridspec(5, k, height_ratios=[1, 1, 1, 4, 2])
    _images(fig, grid, [("original", originals), ("reconstruction", recon), ("sample", samples)])
    ax = fig.add_subplot(grid[3, :])
    pts = ax.scatter(latent[:, 0], latent[:, 1], c=labels, cmap="tab10", s=6)
    fig.colorbar(pts, ax=ax, label="digit")
    ax.set_title(latent_title, fontsize=9)
    if history:
        _loss(fig.add_subplot(grid[4, :]), history, ("loss", "recon", "kl"))
    fig.suptitle("Variational autoencoder")
    return save_figure(fig, path)


def gan_ring(path: Path, real: np.ndarray, fake: np.ndarray, centres: np.ndarray, radius3: float,
             history: list[dict[str, float]], title: str) -> str:
    """Real and generated samples with each mode's 3σ circle; D and G losses."""
    plt = pyplot()
    fig, (ax, axl) = plt.subplots(1, 2, figsize=(10, 4.5), layout="constrained")
    ax.scatter(real[:, 0], real[:, 1], s=3, alpha=0.4, label="real")
    ax.scatter(fake[:, 0], fake[:, 1], s=3, alpha=0.4, label="generated")
    for c in centres:
        ax.add_patch(plt.Circle(c, radius3, fill=False, lw=0.8, color="k"))
    ax.set_aspect("equal")
    ax.legend(fontsize=7, markerscale=3)
    ax.set_title(title, fontsize=9)
    if history:
        _loss(axl, history, ("loss_d", "loss_g"), "step")
    return save_figure(fig, path)


def gan_digits(path: Path, real: np.ndarray, fake: np.ndarray, history: list[dict[str, float]], title: str) -> str:
    """Rows of real digits and generated digits; D and G losses."""
    plt = pyplot()
    k = len(real)
    fig = plt.figure(figsize=(k * 0.9, 4.5), layout="constrained")
    grid = fig.add_gridspec(4, k, height_ratios=[1, 1, 1, 2.2])
    half = k
    _images(fig, grid, [("real", real), ("generated", fake[:half]), ("generated", fake[half:2 * half])])
    if history:
        _loss(fig.add_subplot(grid[3, :]), history, ("loss_d", "loss_g"), "step")
    fig.suptitle(title)
    return save_figure(fig, path)


def som(path: Path, data: np.ndarray, before: np.ndarray, after: np.ndarray, history: list[dict[str, float]], title: str) -> str:
    """The map before and after training (colour image for RGB, mesh over the data for 2-D) and the errors."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
    for ax, w, label in ((axes[0], before, "initial map"), (axes[1], after, "trained map")):
        if w.shape[-1] == 3:
            ax.imshow(np.clip(w, 0, 1))
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.scatter(data[:, 0], data[:, 1], s=3, c="0.7")
            for line in list(w) + list(w.transpose(1, 0, 2)):
                ax.plot(line[:, 0], line[:, 1], "-", lw=0.8, color="C3")
            ax.plot(w[..., 0].ravel(), w[..., 1].ravel(), ".", ms=3, color="C3")
            ax.set_aspect("equal")
        ax.set_title(label, fontsize=9)
    axes[2].plot([h["step"] for h in history], [h["quantization_error"] for h in history], label="quantization error")
    axes[2].plot([h["step"] for h in history], [h["topographic_error"] for h in history], label="topographic error")
    axes[2].set_xlabel("step")
    axes[2].legend(fontsize=7)
    fig.suptitle(title)
    return save_figure(fig, path)


def rbf(path: Path, x: np.ndarray, y: np.ndarray, centres: np.ndarray, predict: Any, title: str) -> str:
    """Decision regions of the RBF network with the data and the centres."""
    plt = pyplot()
    lo, hi = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    out = predict(np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
    ax.contourf(gx, gy, out, levels=[-1e9, 0.5, 1e9], colors=["#cfe0f5", "#f7d4c7"])
    ax.contour(gx, gy, out, levels=[0.5], colors="k", linewidths=0.8)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", s=14, edgecolors="k", linewidths=0.3)
    ax.scatter(centres[:, 0], centres[:, 1], marker="x", c="k", s=40, label="centres")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return save_figure(fig, path)
