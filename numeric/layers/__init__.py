"""NumPy layers, cs231n style: explicit forward and backward, no hidden state.

Contract for every layer module:

    forward(params: dict[str, ndarray], x: ndarray, **hyper) -> (out, cache)
    backward(dout: ndarray, cache) -> (dx, grads: dict[str, ndarray])   # grads keyed like params

Shapes are in the docstrings (``x: (N, D)``). Layers never print and never use global RNG:
stochastic layers take an explicit ``numpy.random.Generator``.
"""
