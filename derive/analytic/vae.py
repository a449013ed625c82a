"""The VAE's KL term from its integral definition, its gradients, the reparameterization, the ELBO.

Every step is produced by SymPy (substitution, change of variable, integration, differentiation)
and proved equal to the previous one.

Equations::

    KL(N(μ, σ²) ‖ N(0, 1)) = ∫ q log(q/p) dx = ½(σ² + μ² − log σ² − 1) = −½(1 + log σ² − μ² − σ²)
    d dimensions: KL = Σ_j −½(1 + log σ_j² − μ_j² − σ_j²)
    with ℓ = log σ²:  ∂KL/∂μ = μ,  ∂KL/∂ℓ = ½(e^ℓ − 1) = ½(σ² − 1)
    z = μ + σ ε, ε ~ N(0, 1):  ∂z/∂μ = 1,  ∂z/∂σ = ε,  ∂z/∂ℓ = ½σε
    ELBO = E_q[log p(x|z)] − KL;  loss = −ELBO = reconstruction + KL
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.analytic import prepared
from derive.analytic.script import Script
from derive.notation import WrittenSum

x, u, eps = sp.symbols("x u epsilon", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
logvar = sp.Symbol("logvar", real=True)
KL, R, L, ELBO = sp.symbols("KL R L ELBO")
q, p, phi = sp.Function("q"), sp.Function("p"), sp.Function("phi")
j, d = sp.symbols("j d", integer=True, positive=True)
OO = (-sp.oo, sp.oo)

Q = sp.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)
P = sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)
PHI = sp.exp(-u ** 2 / 2) / sp.sqrt(2 * sp.pi)
DENSITIES = ((q, sp.Lambda(x, Q)), (p, sp.Lambda(x, P)), (phi, sp.Lambda(u, PHI)))


def _log2(s: Any) -> Any:
    """log σ² kept as written (SymPy would otherwise show 2 log σ)."""
    return sp.log(s ** 2, evaluate=False)


def closed_form() -> Any:
    """½(σ² + μ² − log σ² − 1), as displayed."""
    return sp.Mul(sp.Rational(1, 2), sp.Add(sigma ** 2, mu ** 2, -_log2(sigma), -1, evaluate=False), evaluate=False)


def course_form(m: Any = mu, s: Any = sigma) -> Any:
    """−½(1 + log σ² − μ² − σ²), the course's form."""
    return sp.Mul(-sp.Rational(1, 2), WrittenSum(1, _log2(s), -m ** 2, -s ** 2), evaluate=False)


def kl_steps(s: Script) -> None:
    """KL from ∫ q log(q/p): log-ratio, change of variable x = μ + σu, Gaussian moments, closed form."""
    s.define("kl.def", "KL divergence from the definition (one latent dimension)", KL,
             sp.Integral(q(x) * sp.log(q(x) / p(x)), (x, *OO)), "q = N(μ, σ²) is the encoder's posterior, p = N(0, 1) the prior")
    s.define("kl.q", "Encoder posterior", q(x), Q)
    s.define("kl.p", "Prior", p(x), P)
    ratio = sp.expand_log(sp.log(Q / P), force=True)
    s.fact("kl.logratio", "Log-ratio of the densities (SymPy expand_log)", sp.log(q(x) / p(x)), ratio, left=sp.log(Q / P))
    s.then("kl.sub", "Substitute", sp.Integral(Q * ratio, (x, *OO)), after="kl.def", assume=DENSITIES[:2])
    before = s.last
    moved = prepared.computed("transform", (before, x, mu + sigma * u, u), lambda: before.transform(x, (mu + sigma * u, u)))
    poly = sp.Poly(sp.expand(moved.function * sp.exp(u ** 2 / 2) * sp.sqrt(2 * sp.pi)), u)  # integrand / φ(u)
    s.then("kl.std", "Change of variable x = μ + σu, dx = σ du (SymPy transform)", sp.Integral(phi(u) * poly.as_expr(), (u, *OO)),
           "the same standardisation as the reparameterization z = μ + σε", method="numeric", functions=(DENSITIES,))
    moments = [sp.Integral(u ** m * phi(u), (u, *OO)) for m in range(3)]
    coeffs = [poly.coeff_monomial(u ** m) for m in range(3)]
    s.then("kl.linear", "Linearity: split into the moments of φ", sum(c * m for c, m in zip(coeffs, moments)),
           "φ is the N(0, 1) density", assume=DENSITIES[2:])
    values = []
    for m, integral in enumerate(moments):
        values.append(s.compute(f"kl.m{m}", f"Moment {m} of N(0, 1) (SymPy integrate)", integral,
                                integral.replace(phi, sp.Lambda(u, PHI))))
    s.then("kl.moments", "Insert the moments 1, 0, 1", sum(c * v for c, v in zip(coeffs, values)), after="kl.linear",
           assume=tuple(zip(moments, values)), depends_on=("kl.m0", "kl.m1", "kl.m2"))
    s.then("kl.closed", "Collect", closed_form())
    s.then("kl.course", "The course's form", course_form())


def multi_steps(s: Script) -> None:
    """d independent dimensions: the KL is the sum over dimensions (checked on d = 2 by 2-D quadrature)."""
    x1, x2 = sp.symbols("x1 x2", real=True)
    m1, m2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    q2 = Q.xreplace({x: x1, mu: m1, sigma: s1}) * Q.xreplace({x: x2, mu: m2, sigma: s2})  # (xreplace: plain renaming)
    p2 = P.xreplace({x: x1}) * P.xreplace({x: x2})
    mj, sj = sp.Symbol("mu_j", real=True), sp.Symbol("sigma_j", positive=True)
    s.fact("kl.d", "d independent latent dimensions: a sum over j", KL, sp.Sum(course_form(mj, sj), (j, 1, d)),
           "log(q/p) = Σ_j log(q_j/p_j) and each term involves x_j only, whose marginal is N(μ_j, σ_j²)",
           left=sp.Integral(q2 * sp.log(q2 / p2), (x1, *OO), (x2, *OO)),
           right=course_form(m1, s1) + course_form(m2, s2), method="numeric", points=2)


def gradient_steps(s: Script) -> None:
    """Gradients of one dimension's KL with respect to μ and ℓ = log σ² (what the encoder outputs)."""
    in_l = sp.Mul(-sp.Rational(1, 2), WrittenSum(1, logvar, -mu ** 2, -sp.exp(logvar)), evaluate=False)
    s.fact("kl.logvar", "In terms of ℓ = log σ² (the encoder's output; σ² = e^ℓ > 0 for any ℓ)", KL, in_l,
           left=course_form(), assume=((sigma, sp.exp(logvar / 2)),))
    s.derive("kl.dmu", "Gradient with respect to μ", sp.Derivative(KL, mu), in_l, mu)
    s.derive("kl.dlogvar", "Gradient with respect to ℓ = log σ²", sp.Derivative(KL, logvar), in_l, logvar)
    s.then("kl.dlogvar.sigma", "In terms of σ²", sp.Mul(sp.Rational(1, 2), sigma ** 2 - 1, evaluate=False),
           "zero at σ = 1: the KL pulls σ towards 1 and μ towards 0", assume=((sigma, sp.exp(logvar / 2)),))
    s.result("KL_j", in_l, "KL of dimension j, −½(1 + ℓ − μ² − e^ℓ)")
    s.result("dKL_dmu", mu, "∂KL/∂μ_j")
    s.result("dKL_dlogvar", (sp.exp(logvar) - 1) / 2, "∂KL/∂ℓ_j, ℓ = log σ²")


def reparam_steps(s: Script) -> None:
    """z = μ + σε: derivatives of the sample, and why the expectation can then be differentiated."""
    z_l = mu + sp.exp(logvar / 2) * eps
    zs = sp.Symbol("z")
    s.define("rep.z", "Reparameterization: sample ε ~ N(0, 1), then z = μ + σε with σ = e^(ℓ/2)", zs, z_l)
    s.derive("rep.dmu", "∂z/∂μ", sp.Derivative(zs, mu), z_l, mu)
    s.derive("rep.dsigma", "∂z/∂σ", sp.Derivative(zs, sigma), mu + sigma * eps, sigma)
    s.derive("rep.dlogvar", "∂z/∂ℓ", sp.Derivative(zs, logvar), z_l, logvar)
    s.then("rep.dlogvar.sigma", "In terms of σ", sigma * eps / 2, assume=((sigma, sp.exp(logvar / 2)),))
    zs, expect = sp.Symbol("z"), sp.Function("E")
    ez2 = expect(zs ** 2)
    path = expect(sp.Mul(2, zs, sp.Derivative(zs, mu, evaluate=False), evaluate=False))
    moments = [sp.Integral(u ** m * phi(u), (u, *OO)) for m in range(3)]
    ones = tuple(zip(moments, (1, 0, 1)))
    s.define("rep.example", "Example: E_ε[z²] = E_ε[(μ + σε)²], an average over the parameter-free N(0, 1)", ez2,
             sp.Integral((mu + sigma * u) ** 2 * phi(u), (u, *OO)))
    s.then("rep.example.split", "Linearity", mu ** 2 * moments[0] + 2 * mu * sigma * moments[1] + sigma ** 2 * moments[2])
    s.then("rep.example.value", "The moments 1, 0, 1 of N(0, 1)", mu ** 2 + sigma ** 2, assume=ones, depends_on=("kl.m0", "kl.m1", "kl.m2"))
    s.derive("rep.grad", "Its exact gradient", sp.Derivative(ez2, mu), mu ** 2 + sigma ** 2, mu)
    s.fact("rep.pathwise", "Pathwise: E_ε[2z · ∂z/∂μ], the derivative taken inside the expectation", path,
           2 * mu * moments[0] + 2 * sigma * moments[1], left=sp.Integral(2 * (mu + sigma * u) * phi(u), (u, *OO)))
    s.then("rep.pathwise.value", "The same gradient", 2 * mu,
           "ε's distribution has no parameters, so the derivative passes through the sample z = μ + σε and a "
           "single-sample 2z is an unbiased gradient; sampling z ~ N(μ, σ²) directly leaves no path from z back to μ, σ",
           assume=ones, depends_on=("rep.grad",))
    s.result("z", z_l, "z = μ + e^(ℓ/2) ε")
    s.result("dz_dmu", sp.Integer(1), "∂z/∂μ")
    s.result("dz_dlogvar", sp.exp(logvar / 2) * eps / 2, "∂z/∂ℓ")


def elbo_steps(s: Script) -> None:
    """ELBO = reconstruction term − KL; the loss is its negative; a Gaussian decoder gives MSE."""
    xhat = sp.Symbol("xhat", real=True)
    s.define("elbo.def", "Evidence lower bound", ELBO, R - KL, "R = E_q(z|x)[log p(x|z)], the expected reconstruction log-likelihood")
    s.fact("elbo.loss", "The VAE minimises its negative", L, -R + KL, "reconstruction loss −R plus the KL term", left=-ELBO,
           assume=((ELBO, R - KL),))
    gauss = sp.exp(-(x - xhat) ** 2 / 2) / sp.sqrt(2 * sp.pi)
    s.fact("elbo.mse", "With a unit-variance Gaussian decoder, −log p(x|z) is ½(x − x̂)² + const (MSE)", -sp.log(gauss),
           (x - xhat) ** 2 / 2 + sp.log(2 * sp.pi) / 2, "a Bernoulli decoder gives binary cross-entropy instead")


def mistake_steps(s: Script) -> None:
    """Two wrong forms of the KL that circulate, shown wrong with numbers."""
    w1 = sp.Symbol("wrong_1")
    form1 = sigma ** 2 + mu ** 2 - sp.log(sigma) - 1
    s.define("notes1.def", "A wrong form in circulation: Σ(σ² + μ² − log σ − 1) (log σ where log σ² belongs), one dimension", w1, form1)
    s.derive("notes1.dsigma", "Its derivative in σ", sp.Derivative(w1, sigma), form1, sigma)
    slope = sp.diff(form1, sigma)
    root = prepared.computed("solve", (slope, sigma), lambda: sp.solve(slope, sigma)[0])
    s.show("notes1.argmin", "Zero at (SymPy solve)", sp.Symbol("sigma_min"), root, left=root, method="symbolic")
    at = ((mu, 0, 0), (sigma, root, root))
    s.show("notes1.neg", "Its value there with μ = 0: negative", w1, form1.subs({mu: 0, sigma: root}),
           "a KL divergence is never negative, so this cannot be the KL", left=form1, domain=at)
    s.show("notes1.true", "The true KL at the same point", KL, closed_form().subs({mu: 0, sigma: root}).doit(),
           left=closed_form(), domain=at)
    w2 = sp.Symbol("wrong_2")
    s.fact("notes2", "A second wrong form: ½Σ(1 + log σ² − μ² − σ²), the course's form with its minus sign dropped, is −KL", w2,
           sp.Mul(-1, KL, evaluate=False), "≤ 0 everywhere; minimising it would push q away from the prior",
           left=sp.Mul(sp.Rational(1, 2), sp.Add(1, _log2(sigma), -mu ** 2, -sigma ** 2, evaluate=False), evaluate=False),
           right=-closed_form())
    one = ((mu, 1.0, 1.0), (sigma, 1.0, 1.0))
    s.show("notes2.at", "At μ = 1, σ = 1 it gives −0.5 where the KL is +0.5", w2, sp.Rational(-1, 2), left=-closed_form(), domain=one)


def script() -> Script:
    """The whole VAE derivation with its legend."""
    s = Script(functions=DENSITIES)
    for part in (kl_steps, multi_steps, gradient_steps, reparam_steps, elbo_steps, mistake_steps):
        part(s)
    for name, meaning, shape in (
            ("mu, sigma", "mean and standard deviation of q(z|x) in one latent dimension (μ_j, σ_j)", ()),
            ("logvar", "ℓ = log σ², what the encoder outputs", ()), ("epsilon", "ε ~ N(0, 1), the noise of the sample", ()),
            ("x, u", "integration variables (x = μ + σu)", ()), ("q, p, phi", "densities N(μ, σ²), N(0, 1), N(0, 1)", ()),
            ("d", "number of latent dimensions (vectors μ, σ, ε ∈ ℝ^d)", ()), ("R", "E_q(z|x)[log p(x|z)]", ()),
            ("xhat", "x̂, the decoder's reconstruction", ())):
        s.symbol(name, meaning, shape)
    s.notes.append("KL(q ‖ p) with q = N(μ, σ²) the encoder's posterior and p = N(0, 1) the prior; log is natural.")
    s.notes.append("Per dimension; vectors μ, ℓ, ε ∈ ℝ^d are handled element by element and the KL is summed.")
    return s
