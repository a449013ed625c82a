"""The comparers: precision written, rounding by hand, truncation, floors, words and whole numbers."""

from __future__ import annotations

import pytest

from problems import compare as C


@pytest.mark.parametrize("given, expected, decimals, status", [
    (0.3024, 0.3024, 4, "correct"),
    (0.30, 0.3024, 2, "rounded"),          # rounded
    (0.3, 0.3024, 1, "rounded"),
    (0.31, 0.3024, 2, None),               # neither rounded nor truncated
    (0.15, 0.145, 2, "rounded"),           # a hand-rounded 5 despite 0.145 = 0.14499999… in binary
    (2.68, 2.675, 2, "rounded"),
    (2.67, 2.675, 2, "rounded"),           # truncated
    (-0.13, -0.125, 2, "rounded"),         # half away from zero
    (-0.12, -0.125, 2, "rounded"),         # truncated towards zero
    (0.14, 0.1499, 2, "rounded"),          # truncation keeps 0.14
    (0.15, 0.1499, 2, "rounded"),
    (0.1, 0.1499, 1, "rounded"),
    (0.333333333, 1 / 3, None, "correct"),  # within the 1e-6 floor, whatever was written
    (0.3333, 1 / 3, None, None),            # an expression (no decimals) must be exact
    (1e9 + 0.5, 1e9, 1, "correct"),         # relative 1e-9 for big numbers
    (2.2621, 2.2621571628, 4, "rounded"),
    (2.263, 2.2621571628, 3, None),
])
def test_compare_number(given, expected, decimals, status):
    assert C.compare_number(given, expected, decimals) == status


def test_minimum_decimals_are_required_for_rounded_credit():
    assert C.compare_number(0.3, 0.3124, 1, min_decimals=2) is None  # 0.31 at 2 places: 0.3 loses a digit
    assert C.compare_number(0.30, 0.3024, 2, min_decimals=2) == "rounded"
    assert C.compare_number(0.3, 0.3, 1, min_decimals=4) == "correct"  # exact needs no padding


@pytest.mark.parametrize("given, expected, decimals, min_decimals, status", [
    (0.754, 0.753996, 3, 4, "rounded"),     # issue 11: 0.7540 with its trailing zero dropped
    (0.3, 0.3024, 1, 2, "rounded"),         # 0.30 at the 2 places asked
    (0.3, 0.2999, 1, 3, "rounded"),         # 0.300 rounded at 3 places
    (0.6, 0.606531, 1, 2, None),            # 0.61 at 2 places: information lost
    (0.50, 0.5039, 2, 2, "rounded"),        # truncated at the 2 places written
    (0.5, 0.5061, 1, 2, None),              # 0.51 at 2 places; a truncation written short is not told apart
    (1, 0.99996, 0, 4, "rounded"),          # an integer written for 1.0000
    (-0.2, -0.200004, 1, 4, "rounded"),
    (-0.2, -0.20051, 1, 4, None),           # -0.2005 / -0.2005: the dropped digits are not zeros
])
def test_trailing_zeros_left_off_lose_nothing(given, expected, decimals, min_decimals, status):
    assert C.compare_number(given, expected, decimals, min_decimals=min_decimals) == status


def test_absolute_floor_is_a_parameter():
    assert C.compare_number(0.5004, 0.5, 4) is None
    assert C.compare_number(0.5004, 0.5, 4, atol=1e-3) == "correct"
    assert C.compare_number(0.5 + 5e-7, 0.5, 8) == "correct"


def test_non_numbers_never_match_numbers():
    assert C.compare_number("0.5", 0.5, 1) is None
    assert C.compare_number(True, 1, 0) is None
    assert C.compare_number(float("inf"), 1.0, 0) is None


def test_words_match_after_normalising_and_synonyms():
    syn = {"retain": ["fail to reject", "accept"], "reject": ["reject h0"]}
    assert C.compare_word("Fail_to-Reject", "retain", syn) == "correct"
    assert C.compare_word("  REJECT   H0 ", "reject", syn) == "correct"
    assert C.compare_word("reject", "retain", syn) is None
    assert C.compare_word("1", 1) == "correct" and C.compare_word("1.0", 1) == "correct"
    assert C.compare_word("0", 1) is None


def test_whole_numbers_are_exact():
    assert C.compare_integer(3, 3) == "correct"
    assert C.compare_integer(3.0, 3) == "correct"
    assert C.compare_integer(2.5, 3) is None and C.compare_integer(2.5, 2) is None
    # a fractional target only comes from a mistake replay (e.g. the floor left out): it must match
    assert C.compare_integer(2.5, 2.5) == "correct"
    assert C.compare_integer(4, 3) is None


def test_arrays_give_element_statuses_and_positions():
    els = C.compare_array([[0.1, 0.25], [0.7, 1]], [[0.1, 0.2468], [0.66, 1.0]], [[1, 2], [1, 0]], min_decimals=0)
    assert els == [["correct", "rounded"], ["rounded", "correct"]]
    assert C.summarize(els) == "rounded"
    els = C.compare_array([0.1, 0.9, 0.3], [0.1, 0.2, 0.3], [1, 1, 1])
    assert els == ["correct", None, "correct"] and C.summarize(els) is None
    assert C.positions([["correct", "incorrect"], ["incorrect", "correct"]]) == [(1, 2), (2, 1)]
    words = C.compare_array(["Small", "big"], ["small", "small"], None, kind="choice")
    assert words == ["correct", None]
    ints = C.compare_array([1, 2], [1, 3], [0, 0], kind="integer")
    assert ints == ["correct", None]


def test_shape_mismatch_is_an_error_not_a_crash():
    with pytest.raises(ValueError, match="shape"):
        C.compare_array([1, 2], [1, 2, 3], [0, 0])
    with pytest.raises(ValueError):
        C.compare_array([1, 2], 3.0, [0, 0])
    assert C.shape_of([[1, 2, 3], [4, 5, 6]]) == (2, 3)


@pytest.mark.parametrize("given, centre, width, decimals, min_decimals, status", [
    (1.1053, 1.105365, 0.0, 4, 0, "rounded"),       # truncation of the centre itself
    (1.1052, 1.105371, 0.0, 4, 0, None),            # neither 1.1054 (rounded) nor 1.1053 (truncated)
    (1.2158, 1.215745, 5.25e-5, 4, 0, "rounded"),   # the centre ± width reaches 1.21575 (rounds to 1.2158)
    (1.2158, 1.215745, 1e-6, 4, 0, None),           # too narrow: 1.215746 still rounds to 1.2157
    (-0.5, -0.4, 0.06, 1, 0, "rounded"),            # −0.46 rounds to −0.5
    (-0.5, -0.4, 0.04, 1, 0, None),
    (0.3, 0.2999, 0.0, 1, 2, "rounded"),            # 0.30 at the 2 places asked (zeros dropped)
    (0.3, 0.31, 0.001, 1, 2, None),                 # 0.309–0.311 is 0.31 at 2 places: a digit lost
    (2.0, 2.0000004, 0.0, None, 0, "rounded"),      # within the floor, whatever was written
    ("0.5", 0.5, 0.1, 1, 0, None),
])
def test_compare_within_a_spread(given, centre, width, decimals, min_decimals, status):
    assert C.compare_within(given, centre, width, decimals, min_decimals) == status


def test_match_within_goes_entry_by_entry_and_never_for_decisions():
    from derive.parse import parse_answer
    from derive.steps import StepSpec
    spec = StepSpec("net_o", "Output net inputs", "vector", 4)
    status, elements = C.match_within(spec, parse_answer("[1.1053, 1.2158]"), [1.105365, 1.215745], [4.25e-5, 5.25e-5], C.ATOL)
    assert status == "rounded" and elements == ["rounded", "rounded"]
    status, elements = C.match_within(spec, parse_answer("[1.1052, 1.2158]"), [1.105365, 1.215745], [4.25e-5, 5.25e-5], C.ATOL)
    assert status is None and elements == [None, "rounded"]
    assert C.match_within(spec, parse_answer("[1.1, 1.2, 1.3]"), [1.1, 1.2], [0.1, 0.1], C.ATOL) == (None, None)
    assert C.match_within(StepSpec("class.p", "Class", "integer", None), parse_answer("1"), 0.6, 0.5, C.ATOL) == (None, None)
    assert C.match_within(spec, parse_answer("[1.1, 1.2]"), [1.1, 1.2], None, C.ATOL) == (None, None)
