"""Analytic derivations: scripted steps, each proved equal to the previous one by SymPy.

Machinery
    ``script``     the :class:`Script` builder (define / then / fact / derive / compute / show)
    ``proof``      claims and their proofs (bounded symbolic rewrites, recomputation, numbers)
    ``inputs``     numbers for ``--values`` / ``--seed`` / ``--given``
    ``topic``      ``--which`` and the "every step" check shared by the topics' ``verify``
    ``timeguard``  a bounded clock for SymPy work that could run long

Derivations (used by ``derive/topics/*``) and their numerical checks
    ``activations``, ``losses`` (+ ``losscheck``), ``vae`` (+ ``vaecheck``), ``gan`` (+ ``gancheck``)

``slips`` reproduces typical wrong derivatives for ``chainrule check diff`` (``derive.check_diff``);
``pointwise`` evaluates expressions at sample points for both.
"""
