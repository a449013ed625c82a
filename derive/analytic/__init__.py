"""Analytic derivations: scripted steps, each proved equal to the previous one by SymPy.

``script``  the :class:`Script` builder (define / then / derive / compute / fact / show)
``proof``   claims and their proofs (bounded symbolic rewrites, numbers at random points)
``inputs``  numbers for ``--values`` / ``--seed`` / ``--given``
``topic``   helpers shared by the analytic topic modules (``--which``, verify checks)
``timeguard`` a bounded clock for SymPy work that could run long
"""
