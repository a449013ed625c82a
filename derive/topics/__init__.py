"""Derivation topics: one module per topic (``chainrule derive TOPIC`` / ``verify TOPIC``).

A topic module provides ``NAME``, ``SUMMARY``, ``OPTIONS`` (accepted option names → defaults),
``derive(options, given, seed) -> Derivation`` and ``verify(options, seed, backend, points)
-> Verification``. ``registry.all_topics()`` discovers them.
"""
