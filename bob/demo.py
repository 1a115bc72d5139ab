"""Demo data: a realistic store built relative to `as_of` by the real bill run and dunning job.

It holds a few dozen reseller partners (most in the US; those abroad cannot use Billing on
Behalf, so their customers stay not activated), customers with 1-5 UC subscriptions,
activations spread over the last twelve months (some starting mid-month, so prorated; some
with changed terms; a few scheduled for next month), twelve months of invoices, payments by
payer profile (on time, late, partial, overpaying, stopped paying, paid after the stop), a
few canceled invoices, and the notices and service stops the daily job decides.

Accounts and activations are drawn with numpy from `seed`. The rest is set-based SQL whose
pseudo-randomness is hash(seed, key), run month by month in the order real life runs it:
the bill run on the 1st, that month's cancellations and payments, then the daily dunning job
for each day of the month, except for one week when its cron host was down (CRON_OUTAGE), so
the catch-up rule has skipped reminders to show. The emails of past days are recorded as
delivered; those of the as-of day wait in the outbox. Activations are written directly, each
activated before its start month, because the activation rule refuses a start in the past.
The same seed and as_of give the same store. It is built in bounded steps (see build_demo).
"""

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bob import store
from bob.billing import bill_run
from bob.dunning import run_dunning
from bob.errors import BobError
from bob.months import first_of_month, first_of_next_month
from bob.store import invoices as invoices_sql
from bob.store import outbox as outbox_sql
from bob.store import receivables
from bob.unit_of_work import unit_of_work

ACTOR = "demo"
HISTORY_MONTHS = 12
# The daily job did not run from the 4th to the 13th of the month three months before as_of's:
# the 5- and 10-day reminders of the invoices due about the 1st fall in that gap.
CRON_OUTAGE = (3, 4, 13)
MIN_CUSTOMERS, MAX_CUSTOMERS = 10, 1_000_000  # the bench builds up to a million
# Each step of the build (the accounts, one month) is one transaction, capped: past the cap
# DuckDB writes ahead to the file instead of holding the new rows in memory. The cap grows
# with the store past 200,000 customers: at a million under 1,250 MB, DuckDB 2.0.1 failed
# inside its storage ("decoded FSST string of >= 14 bytes", then "empty child ... in
# BaseNode::GetChild" at a month's commit); with 6,000 MB the build finishes, 2.9 GB peak.
MEMORY_LIMIT_MB, MEMORY_LIMIT_MB_PER_CUSTOMER = 1250, 0.006


def memory_limit(customers: int) -> str:
    return f"{max(MEMORY_LIMIT_MB, round(customers * MEMORY_LIMIT_MB_PER_CUSTOMER))}MB"

PARTNER_WORDS = ("Summit", "Bluewater", "Keystone", "Ironwood", "Northstar", "Clearpath",
                 "Redline", "Evergreen", "Pinnacle", "Lighthouse", "Cobalt", "Silverline",
                 "Beacon", "Granite", "Horizon", "Trident", "Meridian", "Cascade", "Frontier",
                 "Copperleaf", "Atlas", "Sterling", "Riverbend", "Crestview")
PARTNER_TRADES = ("Voice Solutions", "Communications", "Telecom Partners", "Networks",
                  "Unified Communications", "Cloud Voice", "IT Services", "Connect",
                  "Tel Systems", "Technology Group")
US_SUFFIXES = ("LLC", "Inc.", "Corp.")
# (country, company suffix, regions its customers are in); every fifth partner is abroad.
ABROAD = (("CA", "Inc.", ("ON", "BC", "QC", "AB")), ("GB", "Ltd", ("ENG", "SCT", "WLS")),
          ("DE", "GmbH", ("BY", "BE", "HH", "NW")), ("AU", "Pty Ltd", ("NSW", "VIC", "QLD")),
          ("NL", "B.V.", ("NH", "ZH", "UT")), ("IE", "Ltd", ("D", "C", "G")))
ABROAD_EVERY = 5

PLACES = ("Harbor", "Pinecrest", "Riverside", "Maple", "Cedar", "Lakeview", "Oak Ridge", "Bayside",
          "Northgate", "Silver Creek", "Westfield", "Brookside", "Highland", "Sunset", "Eastwood",
          "Fairview", "Golden Gate", "Hillcrest", "Ironbridge", "Juniper", "Kingsley", "Lakeshore",
          "Meadowbrook", "Mission", "Old Town", "Parkside", "Prairie", "Redwood", "Seaside",
          "Stonegate", "Sycamore", "Tri-County", "Valley", "Willow", "Windmill", "Blue Ridge",
          "Canyon", "Coastal", "Heartland", "Liberty")
SURNAMES = ("Anderson", "Bennett", "Carter", "Delgado", "Ellis", "Fischer", "Garcia", "Hughes",
            "Iverson", "Jensen", "Keller", "Lawson", "Morales", "Nguyen", "O'Brien", "Patel",
            "Quinn", "Reyes", "Sullivan", "Thompson", "Underwood", "Vasquez", "Walsh", "Young",
            "Zimmerman", "Brooks", "Chen", "Donovan", "Foster", "Greene", "Harper", "Kim")
TRADES = ("Dental Group", "Family Medicine", "Logistics", "Realty", "Law Partners", "Auto Repair",
          "Veterinary Clinic", "Construction", "Insurance Agency", "Accounting",
          "Physical Therapy", "Bakery", "Hotel", "Property Management", "Engineering",
          "Architects", "Pharmacy", "Marketing", "Plumbing & Heating", "Orthodontics",
          "Title & Escrow", "Staffing", "Landscaping", "Fitness", "Eye Care", "Wealth Advisors",
          "Home Health", "Print Shop", "Brewing Company", "Animal Hospital", "Dermatology",
          "Moving & Storage", "HVAC Services", "Electric", "Roofing", "Pediatrics", "Chiropractic",
          "Imaging Center", "Credit Union", "Learning Center")
CUSTOMER_SUFFIXES = ("", "", "LLC", "Inc.", "Co.")
EMAIL_BOXES = ("billing", "ap", "accounts.payable", "finance", "invoices")
# Population-like weights for the states with a tax rate; others get OTHER_STATES' share.
STATE_WEIGHTS = {"CA": 39, "TX": 30, "FL": 22, "NY": 20, "PA": 13, "IL": 12, "OH": 12,
                 "GA": 11, "NC": 11, "MI": 10, "NJ": 9, "VA": 9, "WA": 8, "AZ": 7, "MA": 7,
                 "CO": 6, "CT": 4}
OTHER_STATES = ("OR", "NV", "MN", "MO", "TN", "UT", "WI", "MD", "IN", "NH")
OTHER_STATES_SHARE = 0.12

# Every customer has seats of one tier, then distinct add-ons sized against the seats.
SEATS = (("UC Essential seat", 1995), ("UC Business seat", 2795), ("UC Premium seat", 3495))
SEAT_SHARES = (0.35, 0.45, 0.20)
# (product, monthly unit price in cents, quantity per seat from, to, minimum quantity)
ADD_ONS = (("Contact Center agent", 8900, 0.05, 0.30, 1),
           ("Video Meeting room", 4900, 0.03, 0.08, 1),
           ("SIP trunk", 2499, 0.10, 0.25, 2),
           ("Fax to email", 999, 0.00, 0.04, 1),
           ("Call recording storage (100 GB)", 1500, 0.02, 0.06, 1),
           ("Toll-free number", 499, 0.00, 0.05, 1),
           ("Additional phone number", 150, 0.10, 0.50, 1),
           ("Microsoft Teams direct routing", 600, 0.30, 1.00, 1))
SUBSCRIPTION_COUNT_SHARES = (0.12, 0.20, 0.33, 0.22, 0.13)  # 1..5 subscriptions, ~3 on average

SCHEDULED_SHARE, NOT_ACTIVATED_SHARE = 0.05, 0.10  # of US customers
LAUNCH_SHARE = 0.35        # activated customers billed for all twelve months
MID_MONTH_SHARE = 0.25     # first month prorated
CHANGED_TERMS_SHARE = 0.12
# Payer profiles of activated customers; the rest pay on time. `stopped` and `recovered`
# stop paying at some month; `recovered` later pays everything open in one payment.
PROFILE_SHARES = {"stopped": 0.05, "recovered": 0.04, "late": 0.12, "partial": 0.06,
                  "overpay": 0.05}
STOPPED_MONTHS_AGO = (3, 1, 2, 4)   # cycled, so a small demo still has a stopped service
RECOVERED_MONTHS_AGO = (4, 9)       # range, half-open
CATCH_UP_DAYS = (45, 71)            # after the due date, so after the stop on day 35

# Each invoice's payments as planned rows: pay_key names the payment, target_cents what it
# means to apply to this invoice. Recomputed each month: a pure function of the ledger.
PLAN = """
CREATE OR REPLACE TEMP TABLE demo_plan AS
WITH inv AS (
    SELECT i.number, i.customer_id, i.billing_month, i.issue_date, i.due_date,
           (i.total * 100)::BIGINT AS total_cents, p.profile, p.unpaid_from, p.catch_up_on,
           (i.due_date - i.issue_date)::INTEGER AS terms,
           hash($seed, 'when', i.number) AS h1, hash($seed, 'late', i.number) AS h2,
           hash($seed, 'size', i.number) AS h3
    FROM invoices i JOIN demo_payers p ON p.customer_id = i.customer_id
    WHERE i.kind = 'invoice' AND i.total > 0
      AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.cancels = i.number)
), timed AS (
    SELECT *, issue_date + least(2 + (h1 % greatest(terms - 1, 1))::INTEGER, terms) AS on_time,
           CASE WHEN billing_month >= unpaid_from
                     AND (catch_up_on IS NULL OR issue_date <= catch_up_on) THEN 'held'
                ELSE profile END AS behaviour
    FROM inv
)
SELECT number::VARCHAR || '-1' AS pay_key, number, customer_id, 1 AS seq, total_cents,
       CASE behaviour
           WHEN 'late' THEN due_date + (CASE WHEN h2 % 10 < 6 THEN 5 + h3 % 15
                                             WHEN h2 % 10 < 9 THEN 20 + h3 % 15
                                             ELSE 36 + h3 % 25 END)::INTEGER
           WHEN 'prompt' THEN CASE WHEN h2 % 100 < 8 THEN due_date + (1 + h3 % 15)::INTEGER
                                   ELSE on_time END
           ELSE on_time END AS receipt_date,
       CASE WHEN behaviour = 'partial' THEN total_cents * (30 + h3 % 51)::INTEGER // 10000 * 100
            ELSE total_cents END AS target_cents,
       behaviour = 'overpay' AS rounds_up
FROM timed WHERE behaviour <> 'held'
UNION ALL
SELECT number::VARCHAR || '-2', number, customer_id, 2, total_cents,
       due_date + (10 + h2 % 36)::INTEGER, total_cents, false
FROM timed WHERE behaviour = 'partial'
UNION ALL
SELECT 'catch-up-' || customer_id, number, customer_id, 1, total_cents, catch_up_on,
       total_cents, false
FROM timed WHERE behaviour = 'held' AND catch_up_on IS NOT NULL
"""

# The planned rows received in [first, last]: each applies what it meant to, capped at what is
# still open; overpayers round their payment up to the next $50, the rest stays unapplied.
DUE = """
CREATE OR REPLACE TEMP TABLE demo_due AS
WITH allocated AS (
    SELECT invoice_number, (sum(amount) * 100)::BIGINT AS cents
    FROM allocations GROUP BY invoice_number
), due AS (
    SELECT p.*, p.total_cents - coalesce(a.cents, 0) - coalesce(sum(p.target_cents) OVER (
               PARTITION BY p.number ORDER BY p.receipt_date, p.seq
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS open_cents
    FROM demo_plan p LEFT JOIN allocated a ON a.invoice_number = p.number
    WHERE p.receipt_date BETWEEN $first AND $last
), applied AS (
    SELECT *, greatest(least(target_cents, open_cents), 0) AS alloc_cents FROM due
)
SELECT *, CASE WHEN rounds_up THEN (5000 - alloc_cents % 5000) % 5000 ELSE 0 END AS extra_cents
FROM applied WHERE alloc_cents > 0
"""

PAYMENTS = ("""
CREATE OR REPLACE TEMP TABLE demo_payments AS
SELECT nextval('payment_seq') AS id, * FROM (
    SELECT pay_key, customer_id, min(receipt_date) AS receipt_date,
           sum(alloc_cents) + max(extra_cents) AS amount_cents,
           hash($seed, 'method', customer_id) % 20 AS m, hash($seed, 'ref', pay_key) AS r
    FROM demo_due GROUP BY pay_key, customer_id
    ORDER BY receipt_date, customer_id, pay_key
)""", """
INSERT INTO payments
SELECT id, customer_id, (amount_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2),
       CASE WHEN m < 11 THEN 'ACH' WHEN m < 15 THEN 'card' WHEN m < 18 THEN 'check'
            ELSE 'wire' END,
       receipt_date,
       CASE WHEN m < 11 THEN 'ACH ' || (100000 + r % 900000)
            WHEN m < 15 THEN 'Card ending ' || lpad((r % 10000)::VARCHAR, 4, '0')
            WHEN m < 18 THEN 'Check #' || (1000 + r % 9000)
            ELSE 'Wire ' || printf('%08X', r % 4294967296) END
FROM demo_payments ORDER BY id""", """
INSERT INTO allocations
SELECT nextval('allocation_seq'), payment_id, number, amount, receipt_date FROM (
    SELECT y.id AS payment_id, d.number,
           (d.alloc_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2) AS amount, d.receipt_date
    FROM demo_due d JOIN demo_payments y ON y.pay_key = d.pay_key
    ORDER BY y.id, d.number
)""")

CANCELABLE = """
SELECT i.number, least(i.issue_date + (2 + hash($seed, 'cancel-day', i.number) % 8)::INTEGER,
                       $as_of::DATE) AS on_date
FROM invoices i JOIN demo_payers p ON p.customer_id = i.customer_id AND p.profile = 'prompt'
WHERE i.kind = 'invoice' AND i.billing_month = $month
  AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.invoice_number = i.number)
ORDER BY hash($seed, 'cancel', i.number), i.number
LIMIT $count
"""

SUMMARY = """
SELECT (SELECT count(*) FROM partners) AS partners,
       (SELECT count(*) FROM partners WHERE country <> 'US') AS partners_outside_us,
       (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM subscriptions) AS subscriptions,
       (SELECT count(*) FROM activations) AS activated,
       (SELECT count(*) FROM activations WHERE start_date > $as_of) AS scheduled,
       (SELECT count(*) FROM invoices WHERE kind = 'invoice') AS invoices,
       (SELECT count(*) FROM invoices WHERE kind = 'cancellation') AS canceled_invoices,
       (SELECT count(*) FROM payments) AS payments,
       (SELECT count(*) FROM notices) AS notices,
       (SELECT count(*) FROM notices WHERE outcome = 'skipped') AS notices_skipped,
       (SELECT count(*) FROM service_state($as_of) WHERE last_event = 'stopped')
           AS services_stopped,
       (SELECT count(*) FROM service_events WHERE event = 'restored') AS services_restored
"""


def build_demo(db, *, customers: int = 300, seed: int = 7, as_of: date,
               progress: Callable[[float, str], None] | None = None) -> dict:
    """Fill an empty store with a year of history up to `as_of`; returns counts.

    Built in bounded steps, one transaction each, so memory does not grow with the size of
    the year: the accounts, then each month, then the closing count. A build that stopped
    part way (a crash, Ctrl-C) is continued by the same call with the same arguments; the
    store records how far it got in `demo_build` until the last step drops it."""
    if not MIN_CUSTOMERS <= customers <= MAX_CUSTOMERS:
        raise BobError(f"A demo needs at least {MIN_CUSTOMERS} customers and at most "
                       f"{MAX_CUSTOMERS:,}, not {customers:,}.")
    started = time.monotonic()
    report = progress or (lambda fraction, message: None)
    months = _months(as_of)
    cancel_counts = _spread(min(25, max(3, customers // 100)), len(months))
    limit = memory_limit(customers)
    with _step(db, as_of, limit) as uow:
        done = _resume_or_start(uow, customers, seed, report)
        uow.commit()
    for index in range(done, len(months)):
        with _step(db, as_of, limit) as uow:
            report(0.05 + 0.9 * index / len(months), f"Billing and collecting "
                                                      f"{months[index]:%B %Y}")
            _month(uow, seed, months[index], cancel_counts[index])
            uow.con.execute("UPDATE demo_build SET months_done = ?", [index + 1])
            uow.commit()
    with _step(db, as_of, limit) as uow:
        summary = _close(uow, seed, report)
        uow.commit()
    return {**summary, "seconds": round(time.monotonic() - started, 1)}


def finished(db, *, customers: int, seed: int, as_of: date) -> dict | None:
    """The counts of a demo store built to the end with these arguments, else None."""
    if not Path(db).exists():
        return None

    def counts(con) -> dict | None:
        half_built = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = "
                                 "'demo_build' AND NOT temporary").fetchone()[0]
        built = con.execute("SELECT details FROM audit_log WHERE action = 'demo' "
                            "ORDER BY id DESC LIMIT 1").fetchone()
        if half_built or not built or not built[0].startswith(f"seed {seed}, as of {as_of}:"):
            return None
        summary = con.execute(SUMMARY, {"as_of": as_of})
        return dict(zip([c[0] for c in summary.description], summary.fetchone(), strict=True))

    summary = store.read(db, counts)
    if summary is None or summary["customers"] != customers:
        return None
    return {"as_of": as_of.isoformat(), "seed": seed, **summary}


def _step(db, as_of: date, limit: str):
    """One bounded step of the build: its own transaction, memory capped, commit included."""
    return unit_of_work(db, actor=ACTOR, today=as_of, memory_limit=limit, create=True)


def _resume_or_start(uow, customers: int, seed: int, report) -> int:
    """How many months a half-built demo of the same arguments has finished; on an empty
    store, the accounts drawn and written (0 months). Any other store is refused."""
    con, as_of = uow.con, uow.today
    if con.execute("SELECT count(*) FROM duckdb_tables() "
                   "WHERE table_name = 'demo_build' AND NOT temporary").fetchone()[0]:
        built = con.execute("SELECT customers, seed, as_of, months_done FROM demo_build"
                            ).fetchone()
        if built[:3] != (customers, seed, as_of):
            raise BobError(
                f"The store holds a demo built part way ({built[3]} of {HISTORY_MONTHS} "
                f"months) with {built[0]:,} customers, seed {built[1]}, as of {built[2]}; "
                "run demo again with those to finish it, or choose another --db file.")
        report(0.05 + 0.9 * built[3] / HISTORY_MONTHS, "Continuing the demo")
        return built[3]
    existing = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    if existing:
        raise BobError(f"The store already holds {existing} customers; the demo needs an empty "
                       "store (choose another --db file).")
    report(0.0, "Drawing partners, customers and subscriptions")
    rng = np.random.default_rng(seed)
    tax_states = [row[0] for row in con.execute("SELECT state FROM tax_rates ORDER BY state")
                  .fetchall()]
    partners, people, subscriptions = _accounts(rng, customers, tax_states)
    activations, terms, payers = _activation_plan(rng, people, subscriptions, as_of)
    _insert(con, partners, people, subscriptions, activations, terms, payers)
    con.execute("CREATE TABLE demo_build AS SELECT $customers AS customers, $seed AS seed, "
                "$as_of::DATE AS as_of, 0 AS months_done",
                {"customers": customers, "seed": seed, "as_of": as_of})
    return 0


def _month(uow, seed: int, month: date, cancel_count: int) -> None:
    """One month as real life runs it, each change on its day (`uow.on(day)`): the bill run
    on the 1st, cancellations and payments, the daily dunning job; the emails of its days
    before as_of recorded as delivered that morning (a demo never sends history to anyone)."""
    con, as_of = uow.con, uow.today
    last = min(first_of_next_month(month) - timedelta(days=1), as_of)
    bill_run(uow.on(month), month)
    _cancel(con, seed, month, as_of, cancel_count)
    _collect(con, seed, month, last)
    receivables.sync(con)  # dunning reads what is open
    for day in _dunning_days(month, last, as_of):
        run_dunning(uow.on(day), day)
    con.execute("INSERT INTO deliveries (outbox_id, attempt, attempted_at, ok) "
                "SELECT id, 1, created_on + INTERVAL 7 HOUR, true FROM outbox "
                "WHERE created_on >= $month AND created_on < $as_of AND delivered_at IS NULL "
                "ORDER BY id", {"month": month, "as_of": as_of})
    outbox_sql.mark_delivered(con)


def _close(uow, seed: int, report) -> dict:
    con, as_of = uow.con, uow.today
    report(0.97, "Counting")
    con.execute("DROP TABLE demo_payers; DROP TABLE demo_build")
    counts = con.execute(SUMMARY, {"as_of": as_of})
    summary = dict(zip([c[0] for c in counts.description], counts.fetchone(), strict=True))
    uow.audit("demo", "store", f"seed {seed}, as of {as_of}: {summary}")
    report(1.0, "Done")
    return {"as_of": as_of.isoformat(), "seed": seed, **summary}


def _months(as_of: date) -> list[date]:
    """The first days of the HISTORY_MONTHS months up to and including as_of's month."""
    months = [first_of_month(as_of)]
    while len(months) < HISTORY_MONTHS:
        months.insert(0, first_of_month(months[0] - timedelta(days=1)))
    return months


def _spread(total: int, buckets: int) -> list[int]:
    """`total` split over `buckets` as evenly as whole numbers allow."""
    return [total // buckets + (1 if i < total % buckets else 0) for i in range(buckets)]


def _dunning_days(first: date, last: date, as_of: date) -> list[date]:
    months_ago, from_day, to_day = CRON_OUTAGE
    down = _months(as_of)[-1 - months_ago]
    down_from, down_to = down.replace(day=from_day), down.replace(day=to_day)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if not down_from <= day <= down_to]


def _collect(con, seed: int, first: date, last: date) -> None:
    """Record the payments received from `first` to `last`, each with its allocations."""
    con.execute(PLAN, {"seed": seed})
    con.execute(DUE, {"first": first, "last": last})
    con.execute(PAYMENTS[0], {"seed": seed})
    for statement in PAYMENTS[1:]:
        con.execute(statement)


def _cancel(con, seed: int, month: date, as_of: date, count: int) -> None:
    """A few of the month's unpaid invoices canceled by finance, each by its Cancellation
    Invoice (numbered in date order)."""
    if not count:
        return
    chosen = con.execute(CANCELABLE, {"seed": seed, "month": month, "as_of": as_of,
                                      "count": count}).fetchall()
    for number, on_date in sorted(chosen, key=lambda row: (row[1], row[0])):
        cancellation = invoices_sql.insert_cancellation(con, number, on_date)
        store.audit(con, ACTOR, "cancel", f"invoice:{number}",
                    f"cancellation invoice {cancellation}")


def _insert(con, partners, people, subscriptions, activations, terms, payers) -> None:
    frames = {"demo_partners": partners, "demo_customers": people,
              "demo_subscriptions": subscriptions, "demo_activations": activations,
              "demo_terms": terms, "demo_payer_plan": payers}
    for name, frame in frames.items():
        con.register(name, frame)
    con.execute("""
        INSERT INTO partners SELECT id, name, country, email FROM demo_partners;
        INSERT INTO customers SELECT id, partner_id, name, state FROM demo_customers;
        INSERT INTO subscriptions
        SELECT id, customer_id, product, quantity,
               (price_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2)
        FROM demo_subscriptions;
        INSERT INTO activations
        SELECT customer_id, start_date::DATE, billing_email, activated_on::DATE
        FROM demo_activations;
        INSERT INTO bob_subscriptions
        SELECT subscription_id, customer_id, start_date::DATE,
               (price_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2)
        FROM demo_terms;
        CREATE TABLE demo_payers AS
        SELECT customer_id, profile, unpaid_from::DATE AS unpaid_from,
               catch_up_on::DATE AS catch_up_on
        FROM demo_payer_plan;
    """)
    for name in frames:
        con.unregister(name)


def _slug(names: pd.Series) -> pd.Series:
    return (names.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True)
            .str.strip("-"))


def _accounts(rng, count: int, tax_states: list[str]):
    """Partners, customers and subscriptions as DataFrames (prices in cents)."""
    n_partners = min(60, max(5, round(count / 10)))
    position = np.arange(n_partners)
    # Distinct first words while they last; a repeated word comes with another trade.
    word = np.resize(rng.permutation(len(PARTNER_WORDS)), n_partners)
    trade = (rng.integers(0, len(PARTNER_TRADES), len(PARTNER_WORDS))[word]
             + position // len(PARTNER_WORDS)) % len(PARTNER_TRADES)
    abroad = position % ABROAD_EVERY == ABROAD_EVERY - 1
    where = (position // ABROAD_EVERY) % len(ABROAD)
    country = np.where(abroad, np.array([a[0] for a in ABROAD])[where], "US")
    suffix = np.where(abroad, np.array([a[1] for a in ABROAD])[where],
                      np.array(US_SUFFIXES)[rng.integers(0, len(US_SUFFIXES), n_partners)])
    brand = (pd.Series(np.array(PARTNER_WORDS)[word]) + " "
             + pd.Series(np.array(PARTNER_TRADES)[trade]))
    partners = pd.DataFrame({
        "id": [f"P{n:03d}" for n in range(1, n_partners + 1)], "name": brand + " " + suffix,
        "country": country, "email": "partners@" + _slug(brand) + ".example.com"})

    # Partners differ in size; each has at least one customer.
    weights = 1 / (rng.permutation(n_partners) + 1) ** 0.7
    partner_of = rng.choice(n_partners, size=count, p=weights / weights.sum())
    partner_of[rng.choice(count, size=n_partners, replace=False)] = position
    states = _states(rng, count, tax_states)
    abroad_customer = abroad[partner_of]
    region_table = np.array([list(a[2]) + [a[2][0]] * (4 - len(a[2])) for a in ABROAD])
    region_counts = np.array([len(a[2]) for a in ABROAD])[where[partner_of]]
    regions = region_table[where[partner_of], rng.integers(0, 12, count) % region_counts]
    first = np.where(rng.random(count) < 0.55, rng.choice(PLACES, count),
                     rng.choice(SURNAMES, count))
    company = np.where(abroad_customer, suffix[partner_of], rng.choice(CUSTOMER_SUFFIXES, count))
    brand = pd.Series(first) + " " + pd.Series(rng.choice(TRADES, count))
    people = pd.DataFrame({
        "id": [f"C{n:06d}" for n in range(1, count + 1)],
        "partner_id": partners["id"].to_numpy()[partner_of],
        "name": (brand + " " + company).str.strip(), "brand": brand,
        "state": np.where(abroad_customer, regions, states),
        "country": country[partner_of]})
    return partners, people, _subscriptions(rng, count)


def _states(rng, count: int, tax_states: list[str]) -> np.ndarray:
    weights = np.array([STATE_WEIGHTS.get(state, 3) for state in tax_states], dtype=float)
    taxed = rng.choice(tax_states, size=count, p=weights / weights.sum())
    return np.where(rng.random(count) < OTHER_STATES_SHARE, rng.choice(OTHER_STATES, count),
                    taxed)


def _subscriptions(rng, count: int) -> pd.DataFrame:
    """Seats of one tier plus distinct add-ons, with quantities sized against the seats."""
    per_customer = rng.choice(np.arange(1, 6), size=count, p=SUBSCRIPTION_COUNT_SHARES)
    customer = np.repeat(np.arange(count), per_customer)
    slot = np.arange(len(customer)) - np.repeat(np.cumsum(per_customer) - per_customer,
                                                per_customer)
    seats = np.exp(rng.uniform(np.log(2), np.log(250), count)).astype(int)
    tier = rng.choice(len(SEATS), size=count, p=SEAT_SHARES)
    shuffled = np.argsort(rng.random((count, len(ADD_ONS))), axis=1)
    add_on = shuffled[customer, np.maximum(slot - 1, 0)]
    is_seat = slot == 0
    low, high, least = (np.array([a[i] for a in ADD_ONS]) for i in (2, 3, 4))
    ratio = rng.uniform(low[add_on], high[add_on])
    quantity = np.where(is_seat, seats[customer],
                        np.maximum(least[add_on], np.rint(seats[customer] * ratio)))
    base = np.where(is_seat, np.array([s[1] for s in SEATS])[tier[customer]],
                    np.array([a[1] for a in ADD_ONS])[add_on])
    # A quarter of the customers negotiated 5-15% off the list price, rounded half-up.
    discount = np.where(rng.random(count) < 0.25, rng.choice([5, 10, 15], count), 0)[customer]
    product = np.where(is_seat, np.array([s[0] for s in SEATS])[tier[customer]],
                       np.array([a[0] for a in ADD_ONS])[add_on])
    return pd.DataFrame({
        "id": [f"S{n:07d}" for n in range(1, len(customer) + 1)],
        "customer_id": [f"C{n + 1:06d}" for n in customer],
        "customer_index": customer, "product": product,
        "quantity": quantity.astype(int),
        "price_cents": (base * (100 - discount) * 2 + 100) // 200})


def _activation_plan(rng, people: pd.DataFrame, subscriptions: pd.DataFrame, as_of: date):
    """Activations, their subscriptions' BoB terms and each activated customer's payer plan."""
    count = len(people)
    us = np.flatnonzero(people["country"].to_numpy() == "US")
    order = rng.permutation(us)
    n_scheduled = max(1, round(SCHEDULED_SHARE * len(us)))
    n_not = max(1, round(NOT_ACTIVATED_SHARE * len(us)))
    scheduled, active = order[:n_scheduled], order[n_scheduled + n_not:]

    this_month = np.datetime64(first_of_month(as_of), "M")
    age = np.where(rng.random(count) < LAUNCH_SHARE, HISTORY_MONTHS - 1,
                   rng.integers(0, HISTORY_MONTHS - 1, count))
    month_start = (this_month - age).astype("datetime64[D]")
    day = np.where(rng.random(count) < MID_MONTH_SHARE, rng.integers(2, 29, count), 1)
    start = month_start + (day - 1)
    activated_on = month_start - rng.integers(1, 29, count)
    next_month = np.datetime64(first_of_next_month(as_of), "D")
    start[scheduled] = next_month + np.where(rng.random(len(scheduled)) < 0.2, 14, 0)
    activated_on[scheduled] = np.datetime64(as_of, "D") - rng.integers(0, 21, len(scheduled))
    chosen = np.sort(np.concatenate([active, scheduled]))
    box = rng.choice(EMAIL_BOXES, count)
    activations = pd.DataFrame({
        "customer_id": people["id"].to_numpy()[chosen], "start_date": start[chosen],
        "activated_on": activated_on[chosen],
        "billing_email": (pd.Series(box[chosen]) + "@"
                          + _slug(people["brand"].iloc[chosen].reset_index(drop=True))
                          + ".example.com")})

    # Changed terms: one subscription of some customers gets a lower price, a later start, or both.
    subs = subscriptions[np.isin(subscriptions["customer_index"], chosen)]
    owner = subs["customer_index"].to_numpy()
    per_customer = np.bincount(subscriptions["customer_index"], minlength=count)
    changed_slot = np.where(rng.random(count) < CHANGED_TERMS_SHARE,
                            rng.integers(0, 1 << 30, count) % per_customer, -1)
    first_row = np.cumsum(per_customer) - per_customer
    slot = subs.index.to_numpy() - first_row[owner]
    changed = slot == changed_slot[owner]
    kind = rng.random(count)[owner]
    cheaper = changed & (kind < 0.75)
    later = changed & (kind >= 0.6)
    cut = rng.choice([10, 15, 20, 25], count)[owner]
    price = subs["price_cents"].to_numpy()
    terms = pd.DataFrame({
        "subscription_id": subs["id"].to_numpy(), "customer_id": subs["customer_id"].to_numpy(),
        "start_date": start[owner] + np.where(later, rng.integers(7, 46, count)[owner], 0),
        "price_cents": np.where(cheaper, (price * (100 - cut) * 2 + 100) // 200, price)})
    return activations, terms, _payers(rng, people, active, age, this_month)


def _payers(rng, people: pd.DataFrame, active: np.ndarray, age: np.ndarray, this_month):
    """Each activated customer's payer profile. `stopped` and `recovered` customers, drawn from
    those with half a year of invoices, pay nothing from `unpaid_from`; `recovered` ones pay
    everything open on `catch_up_on`."""
    profile = np.full(len(people), "prompt", dtype=object)
    quota = {name: max(1, round(share * len(active))) for name, share in PROFILE_SHARES.items()}
    seasoned = active[age[active] >= HISTORY_MONTHS // 2]
    stopped = seasoned[:quota["stopped"]]
    recovered = seasoned[quota["stopped"]:quota["stopped"] + quota["recovered"]]
    rest = np.setdiff1d(active, seasoned[:len(stopped) + len(recovered)], assume_unique=True)
    rest = rest[rng.permutation(len(rest))]
    taken = 0
    for name in ("late", "partial", "overpay"):
        profile[rest[taken:taken + quota[name]]] = name
        taken += quota[name]
    profile[stopped], profile[recovered] = "stopped", "recovered"
    unpaid_from = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[D]")
    unpaid_from[stopped] = this_month - np.resize(STOPPED_MONTHS_AGO, len(stopped))
    unpaid_from[recovered] = this_month - rng.integers(*RECOVERED_MONTHS_AGO, len(recovered))
    catch_up_on = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[D]")
    catch_up_on[recovered] = (unpaid_from[recovered] + 30
                              + rng.integers(*CATCH_UP_DAYS, len(recovered)))
    return pd.DataFrame({
        "customer_id": people["id"].to_numpy()[active], "profile": profile[active],
        "unpaid_from": unpaid_from[active], "catch_up_on": catch_up_on[active]})
