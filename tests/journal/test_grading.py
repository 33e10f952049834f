"""The weighted average and the suggested period mark (property-based)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apps.gradebook.grading import grade, suggested_mark, weighted_average
from apps.school.policy import THRESHOLD_SETS

STANDARD, STRICT = THRESHOLD_SETS["2.5"], THRESHOLD_SETS["2.6"]
numeric = st.sampled_from(["1", "2", "3", "4", "5"])
weight = st.sampled_from(
    [Decimal("0.5"), Decimal("1.0"), Decimal("1.5"), Decimal("2.0"), Decimal("3.0")]
)
marks = st.lists(st.tuples(numeric, weight), min_size=1, max_size=40)
other = st.lists(st.tuples(st.sampled_from(["зач", "незач", "н/а"]), weight), max_size=5)


@given(marks)
def test_average_stays_between_the_lowest_and_highest_mark(values):
    avg = weighted_average(values)
    assert min(Decimal(v) for v, _w in values) <= avg <= max(Decimal(v) for v, _w in values)


@given(marks, other)
def test_pass_fail_and_not_attested_do_not_count(values, extra):
    assert weighted_average(values + extra) == weighted_average(values)


def test_no_numeric_marks_no_average():
    assert weighted_average([("зач", Decimal(1)), ("н/а", Decimal(2))]) is None
    assert grade([], STANDARD).suggested is None


@given(marks, st.integers(min_value=0, max_value=39))
def test_raising_one_mark_never_lowers_the_average_or_the_suggestion(values, index):
    index %= len(values)
    value, w = values[index]
    if value == "5":
        return
    raised = values[:index] + [(str(int(value) + 1), w)] + values[index + 1 :]
    assert weighted_average(raised) > weighted_average(values)
    order = "2345"
    assert order.index(grade(raised, STANDARD).suggested) >= order.index(
        grade(values, STANDARD).suggested
    )


@given(marks)
def test_strict_thresholds_never_suggest_more(values):
    assert grade(values, STRICT).suggested <= grade(values, STANDARD).suggested


def test_threshold_boundaries():
    assert suggested_mark(Decimal("3.49"), STANDARD) == "3"
    assert suggested_mark(Decimal("3.5"), STANDARD) == "4"
    assert suggested_mark(Decimal("3.59"), STRICT) == "3"
    assert suggested_mark(Decimal("3.6"), STRICT) == "4"
    assert suggested_mark(Decimal("2.49"), STANDARD) == "2"
    assert suggested_mark(Decimal("4.5"), STANDARD) == "5"


def test_weights_count_and_the_true_average_decides():
    # (5·1 + 3·2) / 3 = 3.666…: a control work weighs double.
    assert grade([("5", Decimal(1)), ("3", Decimal(2))], STANDARD).average == Decimal("3.67")
    # 3.495 is shown as 3.50 but is below the threshold: no rounding up into a «4».
    almost = [("4", Decimal("0.495")), ("3", Decimal("0.505"))]
    result = grade(almost, STANDARD)
    assert result.average == Decimal("3.50") and result.suggested == "3"
