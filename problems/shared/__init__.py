"""Building blocks shared by several problem types; none of them is a problem type.

One module per job:

- ``statement_text``: numbers, vectors and matrices as an exercise statement writes them.
- ``step_labels``: a step's left-hand side, plain in text and ``\\mathrm{…}`` in LaTeX.
- ``random_givens``: hand-friendly random numbers and the variant drawn for a difficulty.
- ``given_readers``: givens that ``problems.givens`` does not read (words, text, whole numbers,
  0/1 states) and 1-unit layers written as plain numbers.
- ``checked_math``: logarithm and square root that stop a replay outside their domain.
- ``unit_functions``: σ, tanh, ReLU, softmax and the derivative tables of the network types.
- ``mistake_replay``: when a solver may skip the replay of a known mistake.
- ``clear_mistakes``: givens on which every known mistake is visible and told apart.
- ``array_steps``: recording array-valued steps (a 1-unit layer's value as a number).
- ``optional_torch``: torch, or None when it is not installed.
- ``hypothesis_tests``: critical values, p-values and decisions of the t- and z-tests.
- ``gated_cells``: givens, texts and parameter counts of the LSTM and GRU cells.
- ``tanh_recurrence``: the plain tanh recurrence of the bidirectional RNN and the ESN.

A type's own helpers stay in ``problems/types/`` as ``_<type>_<job>.py``.
"""
