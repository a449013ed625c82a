"""Trainable models: one module per model (``chainrule train MODEL``).

A model module provides ``NAME``, ``SUMMARY``, ``OPTIONS`` (accepted option names → defaults)
and ``train(config, progress) -> TrainReport``; ``progress(done, total, metrics)`` is called as
training advances (the CLI draws the bar; numeric code never prints).
"""
