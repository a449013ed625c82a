"""The GAN of ``numeric/models/gan.py`` trained with torch autograd (CPU or CUDA)."""

from __future__ import annotations

from typing import Any

from numeric.datasets import ring
from numeric.models import _gen, _mlp, gan
from numeric.training import Progress


def train_torch(cfg: dict[str, Any], params: dict, net: tuple, steps: int, src: gan.Source, progress: Progress) -> tuple[dict, list]:
    """The same alternating D/G Adam steps with torch autograd; returns (NumPy parameters, history)."""
    torch, dev, gen = _gen.torch_setup(cfg)
    F, (G, D), n = torch.nn.functional, net, int(cfg["batch_size"])
    pg, pd = _mlp.torch_params(torch, gan.split(params, G), dev), _mlp.torch_params(torch, gan.split(params, D), dev)
    og = torch.optim.Adam(pg.values(), lr=cfg["lr"], betas=(gan.BETA1, 0.999))
    od = torch.optim.Adam(pd.values(), lr=cfg["lr"], betas=(gan.BETA1, 0.999))
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
    history = gan.run_steps(steps, step, progress)
    return {**_gen.to_numpy(pg), **_gen.to_numpy(pd)}, history
