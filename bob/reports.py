"""Reports shaped for the screens and the command line: the ledgers with their counts, the
what-if overdue report summarised by stage and partner, the partner view, the aging pivot,
the outbox with one email opened, and CSV.

Every function reads; none writes. Amounts stay Decimal, except the `chart_amount` columns
that exist only to size bars on a chart.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from bob import notices, store
from bob.access import Principal, scoped_read
from bob.dunning import NO_STAGE, SCHEDULE, projection, stage_label, timeline
from bob.errors import BobError
from bob.money import format_money
from bob.months import first_of_month, first_of_next_month
from bob.store import outbox as outbox_sql
from bob.store import whatif as whatif_sql

LEDGER_SORTS = tuple(whatif_sql.LEDGER_SORTS)
AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
NOTICE_KINDS = {"invoice_issued": "Invoice issued", "reminder": "Reminder", "warning": "Warning",
                "service_stopped": "Service stopped", "service_restored": "Service restored"}
DELIVERY_STATES = ("pending", "delivered", "failed")
STAGE_LABELS = tuple(stage_label(stage) for stage in (NO_STAGE, *(s.stage for s in SCHEDULE)))


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    if "stage" in frame:
        frame.insert(frame.columns.get_loc("stage") + 1, "stage_label",
                     [stage_label(stage) for stage in frame["stage"]])
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV without the index; Decimal amounts print exactly (53.63, never 53.6299...)."""
    return frame.to_csv(index=False).encode("utf-8")


def percent(rate: Decimal) -> str:
    """Decimal('0.07250') -> '7.25%'."""
    text = f"{rate * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def parse_invoice_numbers(text: str | None) -> tuple[int, ...]:
    """'1042, 1043' or '#1042 #1043' -> (1042, 1043); empty -> ()."""
    parts = [part.lstrip("#") for part in re.split(r"[\s,;]+", str(text or "").strip()) if part]
    if not all(part.isdigit() for part in parts):
        raise BobError(f"Invoice numbers must be whole numbers separated by commas, such as "
                       f"1042, 1043; not {text!r}.")
    return tuple(int(part) for part in parts)


def month_options(as_of: date, months: int = 36) -> list[date]:
    """The billing months worth offering in a filter, newest first: next month and back."""
    options = [first_of_next_month(as_of)]
    while len(options) < months:
        options.append(first_of_month(options[-1] - timedelta(days=1)))
    return options


def partners(db, *, principal: Principal | None = None) -> pd.DataFrame:
    """Every partner with its country, email and number of customers: US partners (the ones
    that can use Billing on Behalf) first, each group by name."""
    return scoped_read(principal, db, whatif_sql.partners)


# --- invoices -------------------------------------------------------------------------------

def _ledger_filters(statuses, partner_ids, customer_ids, month_from, month_to, search) -> dict:
    """The page's filters in bob.store.invoices.LEDGER_FILTERS terms; `month_to` inclusive."""
    return {"statuses": list(statuses or []), "partner_ids": list(partner_ids or []),
            "customer_ids": list(customer_ids or []), "month_from": month_from,
            "month_to": first_of_next_month(month_to) if month_to else None,
            "search": (search or "").strip()}


def invoice_ledger(db, *, as_of: date, sort: str = LEDGER_SORTS[0], limit: int | None = 500,
                   statuses=(), partner_ids=(), customer_ids=(), month_from: date | None = None,
                   month_to: date | None = None, search: str | None = None,
                   principal: Principal | None = None) -> dict:
    """The invoice ledger as of a date, filtered and sorted, at most `limit` rows, with the
    number of invoices matching, their total, open balance and count by status.

    Period filters are billing months, both ends included (a cancellation counts in the
    month it was issued)."""
    filters = _ledger_filters(statuses, partner_ids, customer_ids, month_from, month_to, search)

    def work(con):
        summary = whatif_sql.ledger_summary(con, as_of, filters)
        rows = whatif_sql.ledger_rows(con, as_of, sort, limit, filters)
        return {"rows": rows, "matching": int(summary["invoices"].sum()),
                "total": sum(summary["total"], Decimal(0)),
                "open_balance": sum(summary["open_balance"], Decimal(0)),
                "by_status": dict(zip(summary["status"], summary["invoices"].astype(int),
                                      strict=True))}
    return scoped_read(principal, db, work)


def invoice_csv(db, *, as_of: date, sort: str = LEDGER_SORTS[0], statuses=(), partner_ids=(),
                customer_ids=(), month_from: date | None = None, month_to: date | None = None,
                search: str | None = None, principal: Principal | None = None) -> bytes:
    """Every invoice the ledger's filters match, as CSV."""
    filters = _ledger_filters(statuses, partner_ids, customer_ids, month_from, month_to, search)
    return scoped_read(principal, db, lambda con: store.csv(con, *whatif_sql.ledger_query(
        as_of, sort, None, filters)))


def invoice_emails(db, *, number: int, customer_id: str, as_of: date,
                   principal: Principal | None = None) -> pd.DataFrame:
    """The emails about one invoice in the outbox by `as_of`, newest first."""
    return outbox(db, as_of=as_of, customer_id=customer_id, invoice_number=number,
                  principal=principal)


# --- payments -------------------------------------------------------------------------------

def _payment_params(as_of, customer_id, partner_id, method, received_from,
                    received_to) -> dict:
    return {"as_of": as_of, "customer_id": customer_id or None, "partner_id": partner_id or None,
            "method": method or None, "received_from": received_from,
            "received_to": received_to}


def payments(db, *, as_of: date, customer_id: str | None = None, partner_id: str | None = None,
             method: str | None = None, received_from: date | None = None,
             received_to: date | None = None, limit: int | None = None,
             principal: Principal | None = None) -> pd.DataFrame:
    """The payment ledger as of a date, newest first: method, receipt date, amount, what was
    allocated by then and the balance left; filters by customer, partner, method and
    receipt dates (both ends included)."""
    params = _payment_params(as_of, customer_id, partner_id, method, received_from, received_to)
    return scoped_read(principal, db, lambda con: whatif_sql.payment_rows(con, params, limit))


def payment_ledger(db, *, as_of: date, customer_id: str | None = None,
                   partner_id: str | None = None, method: str | None = None,
                   received_from: date | None = None, received_to: date | None = None,
                   limit: int = 500, principal: Principal | None = None) -> dict:
    """`payments` for a screen: at most `limit` rows, with how many payments match and
    their amount."""
    params = _payment_params(as_of, customer_id, partner_id, method, received_from, received_to)

    def work(con):
        summary = whatif_sql.payment_summary(con, params)
        return {"rows": whatif_sql.payment_rows(con, params, limit),
                "matching": int(summary["payments"]), "amount": summary["amount"]}
    return scoped_read(principal, db, work)


def payments_csv(db, *, as_of: date, customer_id: str | None = None,
                 partner_id: str | None = None, method: str | None = None,
                 received_from: date | None = None, received_to: date | None = None,
                 principal: Principal | None = None) -> bytes:
    """Every payment `payments` lists, as CSV written by DuckDB (as `principal` may see)."""
    params = _payment_params(as_of, customer_id, partner_id, method, received_from, received_to)
    return scoped_read(principal, db,
                       lambda con: store.csv(con, *whatif_sql.payment_query(params, None)))


# --- dunning --------------------------------------------------------------------------------

def whatif_report(db, *, as_of: date, today: date, limit: int = 500,
                  principal: Principal | None = None) -> dict:
    """The what-if overdue report for any date, read on the business date `today`, assuming
    nothing more is paid and the daily job runs once for every day from `runs_from` on (see
    bob.store.reports); before that day it shows what the job actually decided:

    - runs_from: the first day the projection assumes a run (the day after the job's last
      run, never before today, whose run then catches up on the days missed);
    - totals: overdue invoices, customers and amount; amount and customers at risk (at the
      warning stage or beyond); services stopped; notices and service stops due that day;
    - by_stage: overdue invoices per projected stage;
    - notices: what the dunning run on that day decides, per stage and outcome; each notice
      sent goes to the customer and to the partner;
    - stopping: the customers whose service that run stops (at most `limit`);
    - by_partner: the same per partner, largest amount at risk first;
    - rows: the overdue invoices, furthest along first (at most `limit`).
    """
    def work(con):
        params = projection(con, as_of, today)
        whatif_sql.fill_whatif(con, params)
        return {
            "runs_from": params["first_day"],
            "totals": whatif_sql.whatif_totals(con),
            "by_stage": _with_labels(whatif_sql.whatif_by_stage(con)),
            "notices": _with_labels(whatif_sql.whatif_notices(con)),
            "stopping": whatif_sql.whatif_stopping(con, limit),
            "by_partner": whatif_sql.whatif_by_partner(con),
            "rows": _with_labels(whatif_sql.whatif_detail(con, limit)),
        }
    return scoped_read(principal, db, work)


def whatif_csv(db, *, as_of: date, today: date, principal: Principal | None = None) -> bytes:
    """Every row of the what-if report for the date, as CSV."""
    def work(con):
        whatif_sql.fill_whatif(con, projection(con, as_of, today))
        return _with_labels(whatif_sql.whatif_detail(con, None))
    return to_csv(scoped_read(principal, db, work))


def partner_view(db, *, as_of: date, today: date, partner_id: str,
                 limit: int = 1000, principal: Principal | None = None) -> pd.DataFrame:
    """The partner's customers with open invoices: furthest dunning stage, balances, and the
    day each customer's service would stop if nothing more is paid (or the day it stopped)."""
    return _with_labels(scoped_read(principal, db, lambda con: whatif_sql.partner_customers(
        con, projection(con, as_of, today), partner_id, limit)))


def aging_pivot(aging: pd.DataFrame) -> pd.DataFrame:
    """bob.aging's rows as a table: every age bucket down (an empty one at $0.00), stages
    across, amounts, and a total."""
    labels = [stage_label(stage) for stage in aging["stage"]]
    table = (aging.assign(stage_label=labels)
             .pivot(index="bucket", columns="stage_label", values="amount")
             .reindex(index=list(AGING_BUCKETS),
                      columns=[s for s in STAGE_LABELS if s in set(labels)]))
    table = table.map(lambda amount: Decimal(0) if pd.isna(amount) else amount)
    table["Total"] = [sum(row, Decimal(0)) for row in table.itertuples(index=False)]
    return table.rename_axis(index="Days overdue", columns=None).reset_index()


def aging_totals(aging: pd.DataFrame) -> dict:
    """bob.aging's open receivables, the overdue part and how many invoices are overdue."""
    overdue = aging[aging["bucket"] != AGING_BUCKETS[0]]
    return {"open": sum(aging["amount"], Decimal(0)), "overdue": sum(overdue["amount"], Decimal(0)),
            "overdue_invoices": int(overdue["invoices"].sum())}


def aging_chart(aging: pd.DataFrame) -> pd.DataFrame:
    """bob.aging's rows for a stacked bar chart (JSON-ready: no Decimal, no date objects)."""
    return pd.DataFrame({
        "bucket": aging["bucket"], "stage_label": [stage_label(s) for s in aging["stage"]],
        "stage_rank": aging["stage_rank"], "invoices": aging["invoices"],
        "amount_text": [format_money(a) for a in aging["amount"]],
        "chart_amount": aging["amount"].astype(float)})


def notice_timeline(db, *, as_of: date, today: date, horizon_days: int = 45,
                    principal: Principal | None = None) -> pd.DataFrame:
    """The notices that fall due each day of the next `horizon_days` if nothing is paid
    (bob.timeline's rows), with stage labels and JSON-ready columns for a chart."""
    rows = timeline(db, as_of=as_of, today=today, horizon_days=horizon_days,
                    principal=principal)
    return pd.DataFrame({
        "on_date": pd.to_datetime(rows["on_date"]), "stage": rows["stage"],
        "stage_label": [stage_label(s) for s in rows["stage"]], "action": rows["action"],
        "notices": rows["notices"], "amount": rows["amount"],
        "amount_text": [format_money(a) for a in rows["amount"]],
        "chart_amount": rows["amount"].astype(float)})


# --- notices --------------------------------------------------------------------------------

def outbox(db, *, as_of: date | None = None, kind: str | None = None,
           state: str | None = None, customer_id: str | None = None,
           invoice_number: int | None = None, limit: int | None = 500,
           principal: Principal | None = None) -> pd.DataFrame:
    """bob.notices.outbox, newest first, also filtered by delivery state ('pending',
    'delivered' or 'failed') and by invoice; `limit` None is every row. Pending and failed
    are told apart among the newest `limit` undelivered emails; an invoice's emails are
    looked for among all of its customer's. Invoice numbers are integers, or empty."""
    if invoice_number is not None:
        customer_id = customer_id or scoped_read(
            principal, db, lambda con: whatif_sql.invoice_customer(con, invoice_number))
        if customer_id is None:
            return _integer_invoice_numbers(notices.outbox(db, limit=0, principal=principal))
    rows = notices.outbox(db, as_of=as_of, kind=kind or None, customer_id=customer_id or None,
                          delivered=None if state is None else state == "delivered",
                          limit=limit if invoice_number is None else None,
                          principal=principal)
    if state is not None:
        rows = rows[rows["state"] == state]
    if invoice_number is not None:
        rows = rows[rows["invoice_number"] == invoice_number].head(limit)
    return _integer_invoice_numbers(rows.reset_index(drop=True))



def outbox_counts(db, *, as_of: date | None = None, kind: str | None = None,
                  customer_id: str | None = None,
                  invoice_number: int | None = None,
                  principal: Principal | None = None) -> dict[str, int]:
    """How many emails `outbox`'s filters keep in the whole outbox, per delivery state
    ('pending', 'delivered', 'failed', each present) and in all ('total')."""
    found = scoped_read(principal, db, lambda con: outbox_sql.counts(con, {
        "as_of": as_of, "kind": kind or None, "customer_id": customer_id or None,
        "invoice_number": invoice_number, "max_attempts": notices.MAX_ATTEMPTS}))
    by_state = {state: found.get(state, 0) for state in DELIVERY_STATES}
    return {**by_state, "total": sum(by_state.values())}

def _integer_invoice_numbers(rows: pd.DataFrame) -> pd.DataFrame:
    """Emails about no invoice (a restored service) would make the numbers floats: 1237.0."""
    return rows.astype({"invoice_number": "Int64"})


def email_view(db, *, outbox_id: int, principal: Principal | None = None) -> dict:
    """One email as its recipient reads it, with its outbox facts, delivery state and
    every delivery attempt. BobError when there is no such email."""
    email = notices.read_email(db, outbox_id, principal=principal)
    customer_id, attempts = scoped_read(principal, db, lambda con: (
        whatif_sql.outbox_customer(con, outbox_id), whatif_sql.delivery_attempts(con, outbox_id)))
    listed = _integer_invoice_numbers(notices.outbox(db, customer_id=customer_id, limit=None,
                                                      principal=principal))
    row = listed[listed["id"] == outbox_id].astype(object).to_dict("records")[0]
    return {"email": email, "row": {name: None if pd.isna(value) else value
                                    for name, value in row.items()},
            "attempts": attempts}
