"""GAN losses on discriminator logits l (D = σ(l)), stable for any finite l (SYLLABUS §10).

log D = −softplus(−l) and log(1 − D) = −softplus(l), so every loss is a softplus.

Equations (mean over the batch; l_r on real x, l_f on generated G(z))::

    L_D            = −[log D(x) + log(1 − D(G(z)))]  = mean softplus(−l_r) + mean softplus(l_f)
                     ∂L_D/∂l_r = (σ(l_r) − 1)/N_r,   ∂L_D/∂l_f = σ(l_f)/N_f
    non-saturating L_G = −log D(G(z))                 = mean softplus(−l_f);  ∂/∂l_f = (σ(l_f) − 1)/N
    saturating (minimax) L_G = log(1 − D(G(z)))       = −mean softplus(l_f);  ∂/∂l_f = −σ(l_f)/N
"""

from __future__ import annotations

import numpy as np

from numeric.layers.activations import sigmoid, softplus

FORMS = ("non-saturating", "saturating")


def discriminator_loss(real_logits: np.ndarray, fake_logits: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """(L_D, ∂L_D/∂l_real, ∂L_D/∂l_fake) for logits of shape (N, 1)."""
    nr, nf = real_logits.shape[0], fake_logits.shape[0]
    loss = float(softplus(-real_logits).sum() / nr + softplus(fake_logits).sum() / nf)
    return loss, (sigmoid(real_logits) - 1.0) / nr, sigmoid(fake_logits) / nf


def generator_loss(fake_logits: np.ndarray, form: str = "non-saturating") -> tuple[float, np.ndarray]:
    """(L_G, ∂L_G/∂l_fake): −log D(G(z)) (non-saturating) or log(1 − D(G(z))) (saturating)."""
    n = fake_logits.shape[0]
    if form == "non-saturating":
        return float(softplus(-fake_logits).sum() / n), (sigmoid(fake_logits) - 1.0) / n
    if form == "saturating":
        return float(-softplus(fake_logits).sum() / n), -sigmoid(fake_logits) / n
    raise ValueError(f"unknown generator loss form '{form}' (known: {', '.join(FORMS)})")
