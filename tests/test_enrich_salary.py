"""Pay from structured fields and from text, with the non-pay dollar amounts rejected."""

from __future__ import annotations

import pytest

from researchjobs.enrich.salary import (
    annualise,
    extract_salary,
    from_structured,
    from_text,
    normalise_period,
)


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        ("per-year-salary", "year"), ("per-hour-wage", "hour"), ("per-month-salary", "month"),
        ("1 YEAR", "year"), ("1 HOUR", "hour"), ("PA", "year"), ("PH", "hour"),
        ("PD", "day"), ("PM", "month"), ("Per Year", "year"), ("HOUR", "hour"),
        ("/hr", "hour"), ("/yr", "year"), ("annually", "year"), ("weekly", "week"),
        ("PW", None),  # USAJOBS: piece work, not per week
        ("NONE", None), (None, None), ("", None),
    ],
)
def test_periods(raw: str | None, period: str | None) -> None:
    assert normalise_period(raw)[0] == period


def test_biweekly_is_rescaled_to_weeks() -> None:
    salary = from_structured({"min": "2000", "max": "2500", "currency": "USD", "period": "BW"})
    assert salary is not None
    assert (salary.min, salary.max, salary.period) == (1000.0, 1250.0, "week")
    assert salary.annual_min == 52_000.0


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ({"min": 52000, "max": 60000, "currency": "USD", "period": "per-year-salary"},
         (52000.0, 60000.0, "year", 52000.0)),
        ({"min": 30, "max": 38, "currency": "USD", "period": "1 HOUR"},
         (30.0, 38.0, "hour", 62400.0)),
        ({"min": "45678", "max": "60000", "currency": "USD", "period": "PA", "raw": "x"},
         (45678.0, 60000.0, "year", 45678.0)),
        ({"min": 60000, "max": 50000, "currency": "usd", "period": None},  # swapped, no period
         (50000.0, 60000.0, "year", 50000.0)),
        ({"min": 22.5, "max": None, "currency": "USD", "period": "hourly"},
         (22.5, None, "hour", 46800.0)),
    ],
)
def test_structured(base: dict, expected: tuple) -> None:
    salary = from_structured(base)
    assert salary is not None
    assert (salary.min, salary.max, salary.period, salary.annual_min) == expected
    assert salary.currency == "USD"


@pytest.mark.parametrize("base", [None, {}, {"min": None, "max": None}, {"min": "n/a"},
                                  {"min": float("nan")}, {"min": -5}, "not a dict"])
def test_structured_without_numbers(base: object) -> None:
    assert from_structured(base) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        ("The hourly pay range is $22.50 - $28.00 per hour.", 22.5, 28.0, "hour"),
        ("Salary: $55k–$65k", 55000, 65000, "year"),
        ("Pay Range: $55-65k", 55000, 65000, "year"),
        ("Annual salary range: $30,732 - $49,296 annually", 30732, 49296, "year"),
        ("Pay: Up to $60,000 per year", None, 60000, "year"),
        ("Minimum salary: $48,000", 48000, None, "year"),
        ("Starting at $19.50 per hour", 19.5, None, "hour"),
        ("Pay is between $24.10/hour and $31.87/hour under the bargaining unit agreement.",
         24.10, 31.87, "hour"),
        ("Pay scale: Step 1 $21.45/hr; Step 2 $22.30/hr; Step 8 $27.90/hr.", 21.45, 27.90, "hour"),
        ("Salary range $52,000 to upper $60k's depending on experience.", 52000, 69000, "year"),
        ("About $55k annual, commensurate with education and experience.", 55000, 55000, "year"),
        ("Hiring range: $120,00-$150,000 annually", 120000, 150000, "year"),
        ("Base Pay Range: $61,900 USD - $92,900 USD", 61900, 92900, "year"),
        ("Salary range 45,000-55,000 USD", 45000, 55000, "year"),
        ("Minimum $45,000; Midpoint $52,000; Maximum $60,000 per year", 45000, 60000, "year"),
        ("Grade 7, $4,200 - $5,100 per month", 4200, 5100, "month"),
        ("$20.00/hr to $26.00/hr based on experience.", 20.0, 26.0, "hour"),
        ("Salary: $95,000 - $120,000 per year plus car allowance.", 95000, 120000, "year"),
    ],
)
def test_text_formats(text: str, low: float | None, high: float | None, period: str) -> None:
    salary = from_text(text)
    assert salary is not None, text
    assert (salary.min, salary.max, salary.period) == (low, high, period)
    assert salary.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Salary: Not Listed",
        "Participants are compensated $50 per visit.",
        "We offer tuition reimbursement up to $5,250 per year and a $1,000 sign-on bonus.",
        "The study budget is $2.5 million.",
        "401(k) match up to 4%.",
        "",
    ],
)
def test_amounts_that_are_not_pay(text: str) -> None:
    assert from_text(text) is None


def test_pay_beats_other_amounts_in_the_same_text() -> None:
    text = ("Participants receive a $50 gift card. The salary range is $45,000 - $52,000. "
            "Eligible for a $2,500 retention bonus.")
    salary = from_text(text)
    assert salary is not None and (salary.min, salary.max) == (45000, 52000)


def test_currencies() -> None:
    assert from_text("Salary: £28,000 - £32,000 per annum").currency == "GBP"  # type: ignore[union-attr]
    assert from_text("CAD $50,000 - $60,000 per year").currency == "CAD"  # type: ignore[union-attr]
    assert from_text("Salary $50,000 - $60,000", country="CA").currency == "CAD"  # type: ignore[union-attr]


def test_annualise() -> None:
    assert annualise(25, "hour") == 52_000
    assert annualise(200, "day") == 52_000
    assert annualise(1_000, "week") == 52_000
    assert annualise(4_000, "month") == 48_000
    assert annualise(50_000, "year") == 50_000
    assert annualise(None, "year") is None and annualise(5, None) is None


def test_structured_wins_then_raw_then_text() -> None:
    text = "Salary range: $40,000 - $45,000."
    structured = {"min": 50000, "max": 55000, "currency": "USD", "period": "PA"}
    assert extract_salary(structured, "$1 - $2", text).min == 50000  # type: ignore[union-attr]
    assert extract_salary(None, "$25 - $30 per hour", text).min == 25  # type: ignore[union-attr]
    assert extract_salary(None, None, text).min == 40000  # type: ignore[union-attr]
