"""The claim checks themselves: a check must pass on every honest output and fail on a wrong one."""
import pytest

import claims


def test_a_ratio_of_rounded_times_passes_when_the_reader_cannot_reproduce_it_exactly():
    # Printed by notebook 08 in CI: 87.0 / 3.2 is 27,187, but the unrounded times gave 26,847.
    claims.assert_ratio_printed_consistently("87.0", "3.2", "26,847")
    claims.assert_ratio_printed_consistently("87.0", "3.24", "26,847")


def test_a_ratio_that_the_printed_times_do_not_allow_fails():
    with pytest.raises(AssertionError, match="is not 87.0 µs / 3.24 ns"):
        claims.assert_ratio_printed_consistently("87.0", "3.24", "25,000")
    with pytest.raises(AssertionError):
        claims.assert_ratio_printed_consistently("87.0", "3.24", "29,000")


def test_printed_range_follows_the_printed_decimals():
    assert claims.printed_range("3.2") == pytest.approx((3.15, 3.25))
    assert claims.printed_range("26,847") == pytest.approx((26846.5, 26847.5))
