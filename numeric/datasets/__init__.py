"""Small datasets the models train on: logic gates (XOR, AND, OR …) and scikit-learn's digits."""
