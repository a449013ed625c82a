"""Graph specs: each model defined once as a Graph (``derive.graph``), used by derive and numeric.

``mlp.textbook_net`` (scalar, named weights w1…w8), ``mlp.layered_net`` (matrix form, L layers),
``chain.rnn_chain`` (an RNN-like chain over T steps, for the benchmark and as an example).
"""
