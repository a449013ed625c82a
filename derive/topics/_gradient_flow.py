"""Why recurrent gradients vanish or explode, and what clipping and the cell path do about it.

Steps added after the engine's backward pass (all of them evaluated by the same program):

    J_t = ∂h_t/∂h_{t−1} = diag(f'(a_t)) W_hh            (read off the reverse walk: the engine
                                                          applies J_tᵀ to ∂L/∂h_t)
    ∂h_T/∂h_k = J_T J_{T−1} ⋯ J_{k+1},   ‖∂h_T/∂h_k‖₂ ≤ (‖W_hh‖₂ · max|f'|)^{T−k} = γ^{T−k}
    ‖g‖ = √(Σ_P ‖∂L/∂P‖_F²),   c = θ/‖g‖ if ‖g‖ > θ else 1,   g ← c·g   (clipping by norm)
    ∂c_t/∂c_{t−1} = diag(f_t)                             (the LSTM's constant-error carousel)

f' is the activation op's own rule (``Elementwise.derivative``), so the Jacobian shown is the
one the reverse walk applies.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.backend import SympyBackend
from derive.graph import Graph
from derive.notation import Chain, ChainSum, Diag, FrobNorm, MAdd, MMul, Norm2, PartialMatrix
from derive.ops import make
from derive.steps import Step, SymbolInfo

FPRIME_MAX = {"tanh": sp.Integer(1), "sigmoid": sp.Rational(1, 4), "relu": sp.Integer(1)}
SCENARIOS = (("small", sp.Rational(1, 2)), ("large", sp.Integer(2)))


def local_jacobian(activation: str, a: Any, h: Any, W: Any) -> Any:
    """diag(f'(a)) W, with f' written as the activation op's VJP rule writes it (tanh: 𝟏 − h ⊙ h)."""
    return MMul(Diag(make(activation).derivative(SympyBackend(), a, h)), W)


def jacobian_steps(graph: Graph, T: int, activation: str, W: str = "W_hh") -> tuple[list[Step], dict[str, SymbolInfo]]:
    """J_t for every step, the products ∂h_T/∂h_k (k = T−1 … 0) and their spectral norms."""
    n = graph.get("h0").shape[0]
    Wsym = graph.symbol(W)
    steps, legend, J = [], {}, {}
    for t in range(1, T + 1):
        J[t] = PartialMatrix.of(f"h{t}", f"h{t - 1}", n, n)
        formula = local_jacobian(activation, graph.symbol(f"a{t}"), graph.symbol(f"h{t}"), Wsym)
        steps.append(Step(J[t].name, f"Jacobian ∂h_{t}/∂h_{t - 1} = diag(f'(a_{t})) {W}", formula, lhs=J[t],
                          shape=(n, n), because=f"the reverse walk sends ∂L/∂h_{t} to h_{t - 1} as {W}ᵀ(∂L/∂h_{t} ⊙ "
                          f"f'(a_{t})) = (∂h_{t}/∂h_{t - 1})ᵀ ∂L/∂h_{t}"))
        legend[str(J[t].name)] = SymbolInfo(f"∂h_{t}/∂h_{t - 1} (numerator layout)", (n, n))
    prod = J[T]
    norms = [Norm2(J[T])]
    for k in range(T - 2, -1, -1):
        lhs = PartialMatrix.of(f"h{T}", f"h{k}", n, n)
        steps.append(Step(str(lhs.name), f"∂h_{T}/∂h_{k} = ∏_{{j={k + 1}}}^{{{T}}} diag(f'(a_j)) {W}",
                          MMul(prod, J[k + 1]), lhs=lhs, shape=(n, n),
                          because=f"chain rule: ∂h_{T}/∂h_{k} = (∂h_{T}/∂h_{k + 1})(∂h_{k + 1}/∂h_{k})"))
        legend[str(lhs.name)] = SymbolInfo(f"∂h_{T}/∂h_{k} (numerator layout)", (n, n))
        prod = lhs
        norms.append(Norm2(lhs))
    row = sp.MatrixSymbol("jacobian_norms", 1, T)
    steps.append(Step("jacobian_norms", f"‖∂h_{T}/∂h_{{{T}−k}}‖₂ for k = 1 … {T} steps back",
                      sp.ImmutableMatrix([norms]), lhs=row, shape=(1, T),
                      because="spectral norm (largest singular value): how much a gradient can grow or shrink"))
    legend["jacobian_norms"] = SymbolInfo(f"‖∂h_{T}/∂h_{{{T}−k}}‖₂, k = 1 … {T}", (1, T))
    return steps, legend


def bound_steps(graph: Graph, T: int, activation: str, W: str = "W_hh") -> tuple[list[Step], dict[str, SymbolInfo]]:
    """σ_max = ‖W_hh‖₂, γ = σ_max · max|f'| and the bound γᵏ on ‖∂h_T/∂h_{T−k}‖₂."""
    sigma, gamma = sp.Symbol("sigma_max"), sp.Symbol("gamma")
    fmax = FPRIME_MAX[activation]
    bound = sp.MatrixSymbol("jacobian_bound", 1, T)
    steps = [
        Step("sigma_max", f"largest singular value of {W}", Norm2(graph.symbol(W)), lhs=sigma,
             because="the spectral norm ‖W‖₂ is the largest singular value σ_max(W)"),
        Step("gamma", f"γ = σ_max · max|f'| ({activation}: max|f'| = {fmax})", Chain(sigma, fmax), lhs=gamma,
             because=f"‖diag(f'(a))‖₂ = max_i |f'(a_i)| ≤ {fmax} and ‖AB‖₂ ≤ ‖A‖₂ ‖B‖₂"),
        Step("jacobian_bound", f"bound: ‖∂h_{T}/∂h_{{{T}−k}}‖₂ ≤ γᵏ, k = 1 … {T}",
             sp.ImmutableMatrix([[gamma ** k for k in range(1, T + 1)]]), lhs=bound, shape=(1, T),
             because="γ < 1: the products shrink at least geometrically (vanishing gradients); "
                     "γ > 1 is necessary for them to grow (exploding), not sufficient"),
    ]
    legend = {"sigma_max": SymbolInfo(f"σ_max({W}) = ‖{W}‖₂", ()), "gamma": SymbolInfo("σ_max · max|f'|", ()),
              "jacobian_bound": SymbolInfo(f"γᵏ, k = 1 … {T}", (1, T))}
    return steps, legend


def rnn_run(graph: Graph, T: int, activation: str, label: str, W: Any, U: Any, b: Any, title: str = "",
            ) -> tuple[list[Step], dict[str, SymbolInfo], Any]:
    """A vanilla RNN r_t = f(W r_{t−1} + U x_t + b) from r_0 = h_0 on the graph's inputs: its
    states ``h{t}_{label}`` as steps, and ∏_t diag(f'(a_t)) W (= ∂r_T/∂r_0) as an expression."""
    S, act = SympyBackend(), make(activation)
    n = graph.get("h0").shape[0]
    steps, legend, factors, h = [], {}, [], graph.symbol("h0")
    for t in range(1, T + 1):
        a = MAdd(MAdd(MMul(W, h), MMul(U, graph.symbol(f"x{t}"))), b)
        ht = sp.MatrixSymbol(f"h{t}_{label}", n, 1)
        steps.append(Step(str(ht.name), f"{title or label + ' RNN'}: hidden state {t}", act.forward(S, a), lhs=ht,
                          shape=(n, 1)))
        legend[str(ht.name)] = SymbolInfo(f"h_{t} of the {title or label + ' RNN'}", (n, 1))
        factors.insert(0, local_jacobian(activation, a, ht, W))
        h = ht
    return steps, legend, factors[0] if T == 1 else MMul(*factors)


def scenario_steps(graph: Graph, T: int, activation: str, label: str,
                   scale: Any) -> tuple[list[Step], dict[str, SymbolInfo]]:
    """The same RNN with W_hh rescaled to spectral norm ``scale``: its forward pass, ∂h_T/∂h_0,
    its norm against the bound (scale · max|f'|)^T and the linear-regime product ‖W^T‖₂."""
    n = graph.get("h0").shape[0]
    W = sp.MatrixSymbol(f"W_{label}", n, n)
    steps = [Step(str(W.name), f"a {label} W_hh: rescaled to spectral norm {scale}",
                  MMul(scale / sp.Symbol("sigma_max"), graph.symbol("W_hh")), lhs=W, shape=(n, n),
                  because=f"‖cW‖₂ = c‖W‖₂, so ‖{W.name}‖₂ = {scale}")]
    legend = {str(W.name): SymbolInfo(f"W_hh rescaled to ‖·‖₂ = {scale}", (n, n))}
    run, more, product = rnn_run(graph, T, activation, label, W, graph.symbol("W_xh"), graph.symbol("b_h"))
    P = sp.MatrixSymbol(f"P_{label}", n, n)
    gamma = scale * FPRIME_MAX[activation]
    steps += run + [
        Step(str(P.name), f"{label} RNN: ∂h_{T}/∂h_0 = ∏_t diag(f'(a_t)) {W.name}", product, lhs=P, shape=(n, n),
             because="the same Jacobians J_t, at the states of this RNN"),
        Step(f"norm_{label}", f"{label} RNN: ‖∂h_{T}/∂h_0‖₂", Norm2(P), lhs=sp.Symbol(f"norm_{label}"),
             because=f"compare with the bound γ^{T} = {gamma ** T} (γ = {gamma})"),
        Step(f"bound_{label}", f"{label} RNN: the bound γ^{T}, γ = {scale}·max|f'| = {gamma}", gamma ** T,
             lhs=sp.Symbol(f"bound_{label}"), because="γ < 1 forces vanishing; γ > 1 only permits growth"),
        Step(f"linear_{label}", f"{label} RNN: ‖{W.name}^{T}‖₂, the product if f' were 1 (h near 0)",
             Norm2(MMul(*([W] * T)) if T > 1 else W), lhs=sp.Symbol(f"linear_{label}"),
             because="with f' ≈ 1 the Jacobian product is a matrix power"),
    ]
    legend.update(more)
    legend.update({str(P.name): SymbolInfo(f"∂h_{T}/∂h_0 of the {label} RNN", (n, n)),
                   f"norm_{label}": SymbolInfo(f"‖P_{label}‖₂", ()),
                   f"bound_{label}": SymbolInfo(f"γ^{T} for the {label} RNN", ()),
                   f"linear_{label}": SymbolInfo(f"‖{W.name}^{T}‖₂", ())})
    return steps, legend


def carousel_steps(graph: Graph, T: int) -> tuple[list[Step], dict[str, SymbolInfo]]:
    """The LSTM's cell path: ∂c_t/∂c_{t−1} = diag(f_t), its product over T steps and its norm."""
    n = graph.get("c0").shape[0]
    steps, legend = [], {}
    for t in range(1, T + 1):
        J = PartialMatrix.of(f"c{t}", f"c{t - 1}", n, n)
        steps.append(Step(str(J.name), f"constant-error carousel: ∂c_{t}/∂c_{t - 1} = diag(f_{t})",
                          Diag(graph.symbol(f"f{t}")), lhs=J, shape=(n, n),
                          because=f"c_{t} = f_{t} ⊙ c_{t - 1} + i_{t} ⊙ c̃_{t}: the reverse walk sends ∂L/∂c_{t} to "
                                  f"c_{t - 1} as ∂L/∂c_{t} ⊙ f_{t} (no weight matrix, no squashing)"))
        legend[str(J.name)] = SymbolInfo(f"∂c_{t}/∂c_{t - 1} along the cell path (numerator layout)", (n, n))
    last = steps[-1].lhs
    if T > 1:
        fs = [graph.symbol(f"f{t}") for t in range(T, 0, -1)]
        last = PartialMatrix.of(f"c{T}", "c0", n, n)
        steps.append(Step(str(last.name), f"∂c_{T}/∂c_0 along the cell path = ∏_t diag(f_t)",
                          Diag(SympyBackend().hadamard(*fs)), lhs=last, shape=(n, n),
                          because="a product of diagonal matrices is the diagonal of the elementwise product"))
        legend[str(last.name)] = SymbolInfo(f"∂c_{T}/∂c_0 along the cell path", (n, n))
    steps.append(Step("cell_norm", f"‖∂c_{T}/∂c_0‖₂ = max_j ∏_t f_t,j", Norm2(last), lhs=sp.Symbol("cell_norm"),
                      because="the gradient along the cell shrinks only as fast as the forget gates close"))
    legend["cell_norm"] = SymbolInfo(f"‖∂c_{T}/∂c_0‖₂ along the cell path", ())
    return steps, legend


def clipping_steps(graph: Graph, loss: str = "L") -> tuple[list[Step], dict[str, SymbolInfo]]:
    """Clipping by norm over all parameters: ‖g‖, the clip factor c, and c·∂L/∂P for each P."""
    params = graph.params
    grads = [PartialMatrix.of(loss, p.name, *p.shape) for p in params]
    norm, theta, c = sp.Symbol("g_norm"), sp.Symbol("theta"), sp.Symbol("clip_factor")
    total = ChainSum(*(FrobNorm(g) ** 2 for g in grads)) if len(grads) > 1 else FrobNorm(grads[0]) ** 2
    steps = [
        Step("g_norm", "‖g‖: the norm of all gradients together", sp.sqrt(total, evaluate=False), lhs=norm,
             because="g stacks every ∂L/∂P; ‖X‖_F² is the sum of X's squared entries"),
        Step("clip_factor", "clip factor: θ/‖g‖ if ‖g‖ > θ, else 1",
             sp.Piecewise((theta / norm, norm > theta), (1, True)), lhs=c, because="clipping by norm: if ‖g‖ > θ then g ← θ g/‖g‖ (the direction is kept)"),
    ]
    legend = {"g_norm": SymbolInfo("‖g‖, the global gradient norm", ()),
              "theta": SymbolInfo("clipping threshold θ", ()),
              "clip_factor": SymbolInfo("θ/‖g‖ when ‖g‖ > θ, else 1", ())}
    for p, g in zip(params, grads):
        lhs = sp.MatrixSymbol(f"clipped_{p.name}", *p.shape)
        steps.append(Step(str(lhs.name), f"clipped gradient of {p.name}", MMul(c, g), lhs=lhs, shape=p.shape,
                          because=f"{p.name} ← {p.name} − η·clip_factor·∂{loss}/∂{p.name} when clipping"))
        legend[str(lhs.name)] = SymbolInfo(f"clip_factor · ∂{loss}/∂{p.name}", p.shape)
    return steps, legend
