"""The bill run's preview: what `bill_run` would issue today, and whom it leaves out and why.

The preview runs the bill run itself in a preview unit of work (never committed), so what
finance confirms is what is issued.
"""

from datetime import date

from bob.billing import bill_run
from bob.months import first_of_month, first_of_next_month, long_date, month_bounds
from bob.store import billing_skips
from bob.unit_of_work import unit_of_work


def _reason(row: dict, month: date) -> str:
    """The rule that skips a customer, in plain words."""
    rule, number = row["rule"], row["invoice_number"]
    if rule == "already billed":
        return f"Already billed for {month:%B %Y}: invoice {number}."
    if rule == "canceled":
        return (f"Its {month:%B %Y} invoice {number} is canceled; a month is billed once, "
                "so rebill that invoice to replace it.")
    if rule == "not started yet":
        return f"Billing on Behalf starts on {long_date(row['bob_start'])}, after {month:%B %Y}."
    return f"No subscription starts before the end of {month:%B %Y}."


def billable_months(today: date, *, back: int = 12) -> list[date]:
    """The months a bill run may pick on `today`, newest first: up to next month."""
    months, month = [], first_of_next_month(today)
    for _ in range(back + 1):
        months.append(month)
        month = first_of_month(date.fromordinal(month.toordinal() - 1))
    return months


def preview_bill_run(uow, month: date) -> dict:
    """The run's figures (invoices, lines, amount, tax, first and last number, balances
    applied) and the activated customers it skips, each with the rule that skips it."""
    start, end = month_bounds(month)
    skipped = billing_skips.skipped(uow.con, start, end, uow.today).to_dict("records")
    result = bill_run(uow, start)
    result["customers"] = result["invoices"]
    result["skipped"] = [{"customer_id": row["customer_id"],
                          "customer_name": row["customer_name"], "rule": row["rule"],
                          "reason": _reason(row, start)} for row in skipped]
    return result


def bill_run_plan(db, *, month: date, today: date) -> dict:
    """preview_bill_run in its own preview unit of work: a read, so the app can cache it."""
    with unit_of_work(db, actor="preview", today=today, preview=True) as uow:
        return preview_bill_run(uow, month)
