"""Problem types: one module per type (see problems.engine for the contract)."""
