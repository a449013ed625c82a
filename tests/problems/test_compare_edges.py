"""The comparers at the edges of their rules: float noise, many decimals, the 12-place cap,
whole numbers near .5, fractional words, the tolerances exactly at their bounds.

Each expected status is worked out here by hand from the rule in ``problems/compare.py``'s
docstring (the numbers are chosen so that a rounding by hand has one answer).
"""

from __future__ import annotations

import math

import pytest

from derive.parse import Answer
from derive.steps import StepSpec
from problems import compare as C

# --- float noise: 0.57 is 0.56999999999999995 in binary, 0.57·100 = 56.99999999999999 -------------


@pytest.mark.parametrize("expected, decimals, kept, below", [
    (0.57, 2, 0.57, 0.56), (0.29, 2, 0.29, 0.28), (1.15, 2, 1.15, 1.14), (4.35, 2, 4.35, 4.34),
    (0.7 - 0.1, 1, 0.6, 0.5), (8.2, 1, 8.2, 8.1), (1234567.89, 2, 1234567.89, 1234567.88),
    (6282.8847, 4, 6282.8847, 6282.8846), (555.11336, 5, 555.11336, 555.11335),  # noise grows with the value
])
def test_binary_noise_never_moves_a_digit(expected, decimals, kept, below):
    """A value that *is* ``kept`` at these places (binary noise aside) is not truncated one place down."""
    assert C.compare_number(kept, expected, decimals, atol=0) == "correct"
    assert C.compare_number(below, expected, decimals, atol=0) is None


def test_the_noise_allowance_never_reaches_a_real_digit():
    # 98765.4325 kept to 4 places is itself; 98765.4326 is one unit off (and not within 1e-9 relative)
    assert C.compare_number(98765.4326, 98765.4325, 4, atol=0) is None
    assert C.compare_number(98765.4324, 98765.4325, 4, atol=0) is None
    assert C.compare_number(98765.433, 98765.4325, 3, atol=0) == "rounded"   # half away from zero
    assert C.compare_number(98765.432, 98765.4325, 3, atol=0) == "rounded"   # truncated
    assert C.compare_number(100000.125, 100000.125, 4, atol=0) == "correct"
    # 12 significant digits, 1.5e-9 of a unit below a half: a real 4 in the 3rd place, not noise
    assert C.compare_number(0.15, 0.144999999985, 2, atol=0) is None
    assert C.compare_number(0.14, 0.144999999985, 2, atol=0) == "rounded"


@pytest.mark.parametrize("expected, decimals, rounded, truncated", [
    (0.145, 2, 0.15, 0.14), (2.675, 2, 2.68, 2.67), (-0.125, 2, -0.13, -0.12), (0.5, 0, 1.0, 0.0),
    (-2.5, 0, -3.0, -2.0), (1.0005, 3, 1.001, 1.0), (0.0449, 2, 0.04, 0.04),
])
def test_half_away_from_zero_and_truncation_towards_zero(expected, decimals, rounded, truncated):
    assert C.compare_number(rounded, expected, decimals, atol=0) == "rounded"
    assert C.compare_number(truncated, expected, decimals, atol=0) == "rounded"
    unit = 10.0 ** -decimals
    for wrong in (rounded + math.copysign(unit, expected), truncated - math.copysign(unit, expected)):
        assert C.compare_number(round(wrong, decimals), expected, decimals, atol=0) is None, wrong


# --- many decimals and the 12-place cap ------------------------------------------------------------

def test_eight_and_more_decimals_are_rounded_like_two():
    e = 0.123456789
    assert C.compare_number(0.12345679, e, 8, atol=0) == "rounded"      # rounded at 8 places
    assert C.compare_number(0.12345678, e, 8, atol=0) == "rounded"      # truncated at 8 places
    assert C.compare_number(0.12345677, e, 8, atol=0) is None
    assert C.compare_number(0.12345680, e, 8, atol=0) is None
    e = 0.00123456789012  # 1e-9 relative is 1.2e-12, below the last of 10 places
    assert C.compare_number(0.0012345679, e, 10, atol=0) == "rounded"
    assert C.compare_number(0.0012345678, e, 10, atol=0) == "rounded"
    assert C.compare_number(0.0012345677, e, 10, atol=0) is None


def test_the_slack_around_a_rounded_value_is_a_millionth_of_the_last_place():
    """round/trunc divide by 10^d, so the candidate carries float noise; a given within 1e-6 of the
    last place (plus 1e-12) of it counts, one further out does not (numbers typed with float noise)."""
    assert C.compare_number(0.15 + 0.9e-8, 0.145, 2, atol=0) == "rounded"
    assert C.compare_number(0.15 - 0.9e-8, 0.145, 2, atol=0) == "rounded"
    assert C.compare_number(0.15 + 1.1e-8, 0.145, 2, atol=0) is None
    e = 1.23456e-10
    assert C.compare_number(1.23e-10 + 0.9e-12, e, 12, atol=0) == "rounded"
    assert C.compare_number(1.23e-10 + 1.1e-12, e, 12, atol=0) is None


def test_at_most_twelve_decimal_places_earn_rounding_credit():
    e = 1.23456e-10  # tiny, so that neither tolerance says "correct" first (atol = 0, 1e-9 relative)
    assert C.compare_number(1.23e-10, e, 12, atol=0) == "rounded"       # 12 places: 0.000000000123
    assert C.compare_number(1.2e-10, e, 11, atol=0) == "rounded"
    assert C.compare_number(1.235e-10, e, 13, atol=0) is None           # 13 places: beyond the cap
    assert C.compare_number(1.23456e-10, e, 15, atol=0) == "correct"    # equal is equal at any places


# --- the tolerances exactly at their bounds ----------------------------------------------------------

def test_absolute_and_relative_tolerances_include_their_bound():
    assert C.compare_number(0.75, 0.5, None, atol=0.25) == "correct"    # |g − e| = atol
    assert C.compare_number(0.7500001, 0.5, None, atol=0.25) is None
    assert C.compare_number(1e9 + 1, 1e9, None, atol=0) == "correct"    # |g − e| = 1e-9·|e|
    assert C.compare_number(1e9 + 2, 1e9, None, atol=0) is None
    assert C.compare_number(1e9 - 1, 1e9, None, atol=0) == "correct"
    assert C.compare_number(0.5 + 9e-7, 0.5, None) == "correct"         # the default floor 1e-6
    assert C.compare_number(0.5 + 2e-6, 0.5, None) is None
    assert C.ATOL == 1e-6


def test_infinite_and_non_numbers():
    inf = float("inf")
    assert C.compare_number(inf, inf, None) == "correct"
    assert C.compare_number(-inf, inf, None) is None and C.compare_number(1e308, inf, 0) is None
    assert C.compare_number(float("nan"), float("nan"), None) is None
    assert C.compare_number(1, True, 0) is None and C.compare_number(None, 1.0, 0) is None
    assert C.compare_number(2, 2.0, 0) == "correct"                     # an int is a number


# --- whole numbers near .5 ------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected, status", [
    (3, 3, "correct"), (3.0, 3, "correct"), (3 + 5e-10, 3, "correct"), (3 - 5e-10, 3, "correct"),
    (3 + 1.5e-9, 3, None), (3 - 1.5e-9, 3, None), (1e-9, 0, None), (0.9e-9, 0, "correct"), (3.4, 3, None), (2.6, 3, None), (2.5, 3, None), (3.5, 3, None), (3.4999, 3, None),
    (2, 3, None), (4, 3, None), ("3", 3, None), (True, 1, None),
])
def test_whole_numbers_must_be_exact(given, expected, status):
    assert C.compare_integer(given, expected) == status


# --- words, with fractions ----------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected, status", [
    ("1.5", 1.5, "correct"), ("1.50", "1.5", "correct"), ("1.5", 1, None), ("1.5", "2", None), ("2.5", 2.5, "correct"),
    ("2.0", 2, "correct"), (2, "2.0", "correct"), ("0.5", "1/2", None), ("-1", -1, "correct"), ("-1.5", -1, None),
    ("-1", 1, None), ("1", -1, None), (" -2.50 ", -2.5, "correct"), ("1e400", "1e400", "correct"),
    ("Reject", "reject", "correct"), ("fail-to_reject", "fail to reject", "correct"), ("reject", "retain", None),
])
def test_words_keep_fractions_apart(given, expected, status):
    assert C.compare_word(given, expected) == status


def test_synonyms_name_their_canonical_word_only():
    syn = {"retain": ["fail to reject", "accept"], "reject": ["reject h0"]}
    assert C.compare_word("ACCEPT", "retain", syn) == "correct"
    assert C.compare_word("Retain", "retain", syn) == "correct"
    assert C.compare_word("accept", "reject", syn) is None
    assert C.compare_word("reject h0", "reject", syn) == "correct"
    assert C.compare_word("reject h0", "retain", syn) is None
    assert C.normalize_word("  Fail_to-Reject ") == "fail to reject" and C.normalize_word(3) == 3


# --- arrays, summaries, positions ----------------------------------------------------------------------

def test_array_helpers():
    assert C.shape_of([]) == (0,) and C.shape_of(2.0) == () and C.shape_of([[1], [2], [3]]) == (3, 1)
    assert C.flatten([[1, [2]], 3]) == [1, 2, 3] and C.flatten(4) == [4]
    assert C.summarize(["correct", ["correct"]]) == "correct"
    assert C.summarize(["correct", "rounded"]) == "rounded"
    assert C.summarize(["correct", None, "rounded"]) is None
    assert C.positions(["rounded", "correct", "rounded"], "rounded") == [(1,), (3,)]
    assert C.positions("incorrect") == [()] and C.positions("correct") == []
    with pytest.raises(ValueError, match="single value"):
        C.compare_array([1.0], 1.0, 0)
    assert C.compare_array([[0.25]], [[0.2468]], 2) == [["rounded"]]     # one decimals for every entry
    assert C.compare_array([0.0], [0.34], 0) == ["rounded"]                # no minimum places unless asked


def test_match_answer_uses_the_steps_kind_and_minimum_places():
    num = StepSpec("x", "x", "number", 2)
    assert C.match_answer(num, Answer(0.25, 2, "0.25"), 0.2468, {}, 1e-6) == ("rounded", None)
    assert C.match_answer(num, Answer(0.2, 2, "0.2"), 0.2468, {}, 1e-6) == (None, None)
    assert C.match_answer(num, Answer(0.25, 2, "0.25"), None, {}, 1e-6) == (None, None)
    assert C.match_answer(num, Answer(0.5, 1, "0.5"), 0.5, {}, 1e-6) == ("correct", None)
    vec = StepSpec("v", "v", "vector")
    assert C.match_answer(vec, Answer([0.25, 1.0], [2, 1], "…"), [0.2468, 1.0], {}, 1e-6) == ("rounded", ["rounded", "correct"])
    assert C.match_answer(vec, Answer([0.25], [2], "…"), [0.2468, 1.0], {}, 1e-6) == (None, None)  # shape
    whole = StepSpec("k", "k", "integer")
    assert C.match_answer(whole, Answer(3.4, 1, "3.4"), 3, {}, 1.0) == (None, None)     # exact, whatever atol
    assert C.match_answer(whole, Answer(3.0, 0, "3"), 3, {}, 1e-6) == ("correct", None)
    word = StepSpec("d", "d", "choice")
    assert C.match_answer(word, Answer("accept", None, "accept"), "retain", {"retain": ["accept"]}, 1e-6) == ("correct", None)
    assert C.match_answer(num, Answer(0.3, 1, "0.3"), 0.3024, {}, 1e-6, min_decimals=0) == ("rounded", None)
    free = StepSpec("n", "n", "number")  # no minimum: 3 for 3.4 is a rounding to 0 places
    assert C.match_answer(free, Answer(3.0, 0, "3"), 3.4, {}, 1e-6) == ("rounded", None)


def test_equal_up_to_noise():
    assert C.equal_up_to_noise(1.0, 1.0 + 5e-13) and not C.equal_up_to_noise(1.0, 1.0 + 2e-12)
    assert C.equal_up_to_noise(1e6, 1e6 + 5e-7) and not C.equal_up_to_noise(1e6, 1e6 + 2e-6)   # relative
    assert C.equal_up_to_noise(0.0, 7e-13) and not C.equal_up_to_noise(0.0, 2e-12)   # at least 1e-12 absolute
    assert C.equal_up_to_noise(0.0, 1e-12) and C.equal_up_to_noise(-1e-12, 0.0)       # the bound itself counts
    assert C.equal_up_to_noise([1.0, [2.0]], [1.0, [2.0 + 1e-13]])
    assert not C.equal_up_to_noise([1.0, 2.0], [1.0, 2.0, 3.0]) and not C.equal_up_to_noise([1.0], 1.0)
    assert not C.equal_up_to_noise(1.0, [1.0]) and not C.equal_up_to_noise([1.0, 2.0], [1.0, 2.5])
    assert C.equal_up_to_noise("reject", "reject") and not C.equal_up_to_noise("reject", "retain")
    assert not C.equal_up_to_noise(True, 1.0 + 1e-13)
