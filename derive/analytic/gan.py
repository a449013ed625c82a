"""The GAN minimax game: the optimal discriminator, V(D*, G) = −log 4 + 2·JSD, and the losses' gradients.

Steps about integrals of the abstract densities p_data, p_g are proved symbolically (pointwise
identities, linearity, ∫p = 1) and, in ``verify`` and the tests, also numerically with two
concrete pairs of densities.

Equations::

    V(D, G) = E_x~p_data[log D(x)] + E_z~p_z[log(1 − D(G(z)))] = ∫ p_data log D + p_g log(1 − D) dx
    max_y a log y + b log(1 − y) at y* = a/(a + b)  ⇒  D*(x) = p_data(x)/(p_data(x) + p_g(x))
    V(D*, G) = −log 4 + KL(p_data ‖ m) + KL(p_g ‖ m) = −log 4 + 2·JSD(p_data ‖ p_g),  m = (p_data + p_g)/2
    D = σ(s):  L_D = −log D(x) − log(1 − D(G(z)))  ⇒  ∂L_D/∂s_real = D(x) − 1,  ∂L_D/∂s_fake = D(G(z))
    saturating L_G = log(1 − D(G(z))): ∂/∂s_fake = −D(G(z)) → 0 when D is confident
    non-saturating L_G = −log D(G(z)): ∂/∂s_fake = D(G(z)) − 1 → −1
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.analytic import prepared
from derive.analytic.script import Script
from derive.scalar_functions import sigmoid

x, z = sp.symbols("x z", real=True)
a, b = sp.symbols("a b", positive=True)
y = sp.Symbol("y", positive=True)
s_r, s_f = sp.symbols("s_real s_fake", real=True)
mu_g = sp.Symbol("mu_g", real=True)
sigma_g = sp.Symbol("sigma_g", positive=True)
V, JSD, LD, LG = sp.symbols("V JSD L_D L_G")
pd, pg, pz, m = (sp.Function(n) for n in ("p_data", "p_g", "p_z", "m"))
D, G = sp.Function("D"), sp.Function("G")
OO = (-sp.oo, sp.oo)


def normal(t: Any, mean: Any, sd: Any) -> Any:
    """The N(mean, sd²) density at t."""
    return sp.exp(-(t - mean) ** 2 / (2 * sd ** 2)) / (sd * sp.sqrt(2 * sp.pi))


def densities(mean: Any, sd: Any) -> tuple[tuple[Any, Any], ...]:
    """p_data = N(0, 1), p_g = N(mean, sd²) (the generator G(z) = mean + sd·z of z ~ p_z = N(0, 1)), m."""
    return ((pd, sp.Lambda(x, normal(x, 0, 1))), (pg, sp.Lambda(x, normal(x, mean, sd))),
            (pz, sp.Lambda(z, normal(z, 0, 1))), (G, sp.Lambda(z, mean + sd * z)),
            (m, sp.Lambda(x, (normal(x, 0, 1) + normal(x, mean, sd)) / 2)))


CASES = (densities(1, sp.Rational(3, 2)), densities(sp.Rational(-1, 2), sp.Rational(3, 5)))
VALUES = densities(mu_g, sigma_g)  # for --values: p_g from the inputs mu_g, sigma_g


def _I(f: Any) -> Any:
    return sp.Integral(f, (x, *OO))


def value_steps(s: Script) -> None:
    """V(D, G) as one integral over x, then the pointwise maximiser D*."""
    s.define("gan.value", "The minimax value (G minimises, D maximises)", V,
             _I(pd(x) * sp.log(D(x))) + sp.Integral(pz(z) * sp.log(1 - D(G(z))), (z, *OO)),
             "E_x~p_data[log D(x)] + E_z~p_z[log(1 − D(G(z)))]; p_z is the noise prior")
    disc = ((D, sp.Lambda(x, sigmoid(sp.Rational(7, 10) * x - sp.Rational(1, 5)))),)
    s.then("gan.pg", "Samples G(z) have density p_g: one integral over x", _I(pd(x) * sp.log(D(x)) + pg(x) * sp.log(1 - D(x))),
           "E_z[f(G(z))] = E_x~p_g[f(x)]; checked with G(z) = μ_g + σ_g z and D(x) = σ(0.7x − 0.2)", method="numeric",
           functions=tuple(case + disc for case in CASES), points=1)
    f = a * sp.log(y) + b * sp.log(1 - y)
    fy = sp.Symbol("f")
    s.define("gan.pointwise", "For fixed G, maximise the integrand at every x", fy, f,
             "a = p_data(x), b = p_g(x), y = D(x) ∈ (0, 1)")
    df = s.derive("gan.df", "Differentiate in y", sp.Derivative(fy, y), f, y)
    star = prepared.computed("solve", (sp.Eq(df, 0), y), lambda: sp.solve(sp.Eq(df, 0), y)[0])
    s.fact("gan.ystar", "Set to 0 and solve (SymPy solve)", sp.Symbol("y*"), star, "f′(y*) = 0", left=df.subs(y, star), right=0)
    d2 = s.derive("gan.d2f", "Second derivative: negative, so y* is the maximum", sp.Derivative(fy, (y, 2)), f, (y, 2))
    s.show("gan.concave", "At y* (a = 2, b = 1, say)", sp.Symbol("f''(y*)"), d2.subs(y, star).subs({a: 2, b: 1}),
           "−a/y² − b/(1 − y)² < 0 for every y", method="symbolic", left=d2.subs(y, star).subs({a: 2, b: 1}))
    dstar = star.subs({a: pd(x), b: pg(x)})
    s.define("gan.Dstar", "The optimal discriminator", sp.Function("D^*")(x), dstar, "D*(x) = p_data/(p_data + p_g)")
    s.result("D_star", dstar, "D*(x)")


def jsd_steps(s: Script) -> None:
    """Substitute D*: V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g)."""
    dstar = pd(x) / (pd(x) + pg(x))
    use_star = ((D, sp.Lambda(x, dstar)),)
    s.then("gan.sub", "Substitute D = D*", _I(pd(x) * sp.log(dstar) + pg(x) * sp.log(pg(x) / (pd(x) + pg(x)))),
           after="gan.pg", assume=use_star, functions=CASES, depends_on=("gan.Dstar",),
           lhs=sp.Function("V")(sp.Symbol("D^*"), sp.Symbol("G")))
    mix = ((m, sp.Lambda(x, (pd(x) + pg(x)) / 2)),)
    s.then("gan.m", "With the mixture m = (p_data + p_g)/2", _I(pd(x) * sp.log(pd(x) / (2 * m(x))) + pg(x) * sp.log(pg(x) / (2 * m(x)))),
           assume=mix, functions=CASES)
    split = -sp.log(2) * _I(pd(x)) - sp.log(2) * _I(pg(x)) + _I(pd(x) * sp.log(pd(x) / m(x))) + _I(pg(x) * sp.log(pg(x) / m(x)))
    s.then("gan.split", "Take the log 2 out (linearity)", split, functions=CASES)
    kls = _I(pd(x) * sp.log(pd(x) / m(x))) + _I(pg(x) * sp.log(pg(x) / m(x)))
    s.then("gan.kl", "Densities integrate to 1; the rest are two KL divergences", -sp.log(4) + kls,
           "KL(p_data ‖ m) + KL(p_g ‖ m)", assume=((_I(pd(x)), 1), (_I(pg(x)), 1)), functions=CASES)
    s.then("gan.jsd", "Jensen–Shannon divergence", -sp.log(4) + 2 * JSD, "JSD(p_data ‖ p_g) = ½KL(p_data ‖ m) + ½KL(p_g ‖ m) ≥ 0",
           assume=((JSD, kls / 2),), functions=CASES)
    s.fact("gan.optimum", "At p_g = p_data: D* = 1/2", sp.Function("D^*")(x), sp.Rational(1, 2),
           "JSD = 0 only when p_g = p_data, so the minimum over G is V = −log 4 ≈ −1.386", left=dstar.subs(pg(x), pd(x)))
    s.result("V_at_D_star", -sp.log(4) + 2 * JSD, "V(D*, G)")


def loss_steps(s: Script) -> None:
    """Discriminator BCE and the two generator losses on the logit s of D = σ(s)."""
    l_d = -sp.log(sigmoid(s_r)) - sp.log(1 - sigmoid(s_f))
    s.define("gan.LD", "Discriminator loss (BCE: real → 1, fake → 0), D = σ(s) on logits", LD, l_d)
    s.derive("gan.dLD.real", "Gradient on a real sample's logit", sp.Derivative(LD, s_r), l_d, s_r)
    s.then("gan.dLD.real.simple", "= D(x) − 1", sigmoid(s_r) - 1, "BCE's ŷ − y with y = 1")
    s.derive("gan.dLD.fake", "Gradient on a fake sample's logit", sp.Derivative(LD, s_f), l_d, s_f)
    s.then("gan.dLD.fake.simple", "= D(G(z)) − 0", sigmoid(s_f), "BCE's ŷ − y with y = 0")
    sat, ns = sp.log(1 - sigmoid(s_f)), -sp.log(sigmoid(s_f))
    s.define("gan.LG.sat", "Saturating generator loss (G minimises V directly)", LG, sat)
    g_sat = s.derive("gan.dLG.sat", "Its gradient on the fake logit", sp.Derivative(LG, s_f), sat, s_f)
    s.then("gan.dLG.sat.simple", "= −D(G(z)): vanishes when D is sure the sample is fake", -sigmoid(s_f))
    s.define("gan.LG.ns", "Non-saturating generator loss (the practical choice)", LG, ns)
    g_ns = s.derive("gan.dLG.ns", "Its gradient on the fake logit", sp.Derivative(LG, s_f), ns, s_f)
    s.then("gan.dLG.ns.simple", "= D(G(z)) − 1: close to −1 exactly when G most needs a signal", sigmoid(s_f) - 1)
    for p in (sp.Rational(1, 1000), sp.Rational(1, 100), sp.Rational(1, 10)):
        logit = sp.log(p / (1 - p))
        pin = ((s_f, logit, logit),)
        s.show(f"gan.sat.{float(p):g}", f"Saturating gradient when D(G(z)) = {float(p):g}", sp.Derivative(LG, s_f), -p,
               "early in training D rejects fakes easily, so this is almost 0", left=g_sat, domain=pin)
        s.show(f"gan.ns.{float(p):g}", f"Non-saturating gradient when D(G(z)) = {float(p):g}", sp.Derivative(LG, s_f), p - 1,
               f"{float((1 - p) / p):g} times larger", left=g_ns, domain=pin)
    s.result("dLD_ds_real", sigmoid(s_r) - 1, "∂L_D/∂s_real")
    s.result("dLD_ds_fake", sigmoid(s_f), "∂L_D/∂s_fake")
    s.result("dLG_sat_ds_fake", -sigmoid(s_f), "∂/∂s_fake of log(1 − D(G(z)))")
    s.result("dLG_ns_ds_fake", sigmoid(s_f) - 1, "∂/∂s_fake of −log D(G(z))")


def script() -> Script:
    """The whole GAN derivation with its legend."""
    s = Script(functions=VALUES, domain=((y, 0.01, 0.99),))
    for part in (value_steps, jsd_steps, loss_steps):
        part(s)
    for name, meaning in (
            ("p_data, p_g, p_z", "data density, generator's density, noise prior"), ("D, G", "discriminator, generator"),
            ("m", "mixture (p_data + p_g)/2"), ("a, b, y", "p_data(x), p_g(x), D(x) at one point x"),
            ("s_real, s_fake", "D's logits on a real and a generated sample, D = σ(s)"),
            ("mu_g, sigma_g", "--values: p_g = N(μ_g, σ_g²) against p_data = N(0, 1)")):
        s.symbol(name, meaning)
    s.notes.append("log is natural; D outputs the probability that its input is real.")
    s.notes.append("Integral identities are proved for any densities; verify also evaluates them for "
                   "p_data = N(0, 1) against p_g = N(1, 1.5²) and N(−0.5, 0.6²).")
    return s
