"""The demo store: a year of history that reads like a real one and keeps the ledger's rules.

One demo is built for the module (120 customers, as of 18 March 2026); the determinism and
refusal tests build or copy their own.
"""

import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest

import bob
from bob import store
from bob.demo import build_demo, memory_limit
from bob.store import reports as reports_sql

AS_OF = date(2026, 3, 18)
CUSTOMERS = 120
SEED = 7
STAGES = {"reminder_5", "reminder_10", "reminder_15", "reminder_25", "warning_30", "stop_35"}
# Key tables, each in the order of its key: what "the same store" means.
DIGESTED = {"partners": "id", "customers": "id", "subscriptions": "id",
            "activations": "customer_id", "bob_subscriptions": "subscription_id",
            "invoices": "number", "invoice_lines": "invoice_number, line_no",
            "payments": "id", "allocations": "id", "notices": "invoice_number, stage",
            "service_events": "id", "outbox": "id"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "bob.duckdb"
    summary = build_demo(db, customers=CUSTOMERS, seed=SEED, as_of=AS_OF)
    return db, summary


@pytest.fixture(scope="module")
def db(demo):
    return demo[0]


def rows(db, sql: str, params=None) -> list[dict]:
    return store.read(db, lambda con: store.records(con, sql, params))


def value(db, sql: str, params=None):
    return store.read(db, lambda con: con.execute(sql, params).fetchone()[0])


def digest(db) -> dict[str, str]:
    return store.read(db, lambda con: {
        table: con.execute(f"SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY {key})) "
                           f"FROM {table} t").fetchone()[0]
        for table, key in DIGESTED.items()})


def test_summary_counts_what_the_store_holds(demo):
    db, summary = demo
    assert summary["customers"] == CUSTOMERS
    assert summary["partners"] == value(db, "SELECT count(*) FROM partners")
    assert summary["invoices"] == value(db, "SELECT count(*) FROM invoices WHERE kind = 'invoice'")
    assert summary["payments"] == value(db, "SELECT count(*) FROM payments")
    assert summary["notices"] == value(db, "SELECT count(*) FROM notices")
    assert summary["services_stopped"] > 0
    assert summary["seconds"] >= 0


def test_about_one_partner_per_ten_customers_most_in_the_us(db):
    countries = [r["country"] for r in rows(db, "SELECT country FROM partners")]
    assert len(countries) == 12
    assert 0 < sum(c != "US" for c in countries) < countries.count("US")


def test_partners_outside_the_us_have_customers_but_none_activated(db):
    abroad = rows(db, """
        SELECT p.id, count(c.id) AS customers, count(a.customer_id) AS activated
        FROM partners p JOIN customers c ON c.partner_id = p.id
        LEFT JOIN activations a ON a.customer_id = c.id
        WHERE p.country <> 'US' GROUP BY p.id""")
    assert abroad and all(r["customers"] > 0 and r["activated"] == 0 for r in abroad)


def test_us_customers_are_mostly_in_states_with_a_tax_rate(db):
    share = value(db, """
        SELECT avg((c.state IN (SELECT state FROM tax_rates))::INTEGER)
        FROM customers c JOIN partners p ON p.id = c.partner_id WHERE p.country = 'US'""")
    assert share > 0.7


def test_customers_have_one_to_five_uc_subscriptions_about_three_on_average(db):
    counts = rows(db, "SELECT customer_id, count(*) AS n, count(DISTINCT product) AS products "
                      "FROM subscriptions GROUP BY customer_id")
    assert len(counts) == CUSTOMERS
    assert all(1 <= r["n"] <= 5 and r["products"] == r["n"] for r in counts)
    assert 2.5 <= sum(r["n"] for r in counts) / len(counts) <= 3.5
    seats = value(db, "SELECT count(*) FROM subscriptions WHERE product LIKE 'UC % seat'")
    assert seats == CUSTOMERS


def test_activations_respect_the_rule_start_after_the_month_of_activation(db):
    broken = value(db, """
        SELECT count(*) FROM activations
        WHERE start_date < date_trunc('month', activated_on) + INTERVAL 1 MONTH
           OR activated_on > ?""", [AS_OF])
    assert broken == 0
    assert value(db, """
        SELECT count(*) FROM bob_subscriptions b JOIN activations a USING (customer_id)
        WHERE b.start_date < a.start_date""") == 0


def test_the_oldest_customers_have_twelve_months_of_invoices(db):
    assert value(db, "SELECT count(DISTINCT billing_month) FROM invoices") == 12
    assert value(db, """
        SELECT max(n) FROM (SELECT count(*) AS n FROM invoices
                            WHERE kind = 'invoice' GROUP BY customer_id)""") == 12


def test_mid_month_starts_have_a_prorated_first_invoice(db):
    prorated = rows(db, """
        SELECT l.days, l.days_in_month, a.start_date, i.billing_month
        FROM invoice_lines l JOIN invoices i ON i.number = l.invoice_number
        JOIN activations a ON a.customer_id = i.customer_id
        WHERE i.kind = 'invoice' AND l.days < l.days_in_month""")
    assert prorated
    assert any(r["billing_month"] == r["start_date"].replace(day=1) for r in prorated)


def test_some_activations_changed_a_price_or_a_start_date(db):
    assert value(db, """
        SELECT count(*) FROM bob_subscriptions b JOIN subscriptions s ON s.id = b.subscription_id
        WHERE b.price < s.price""") > 0
    assert value(db, """
        SELECT count(*) FROM bob_subscriptions b JOIN activations a USING (customer_id)
        WHERE b.start_date > a.start_date""") > 0


def test_some_activations_are_scheduled_for_next_month_and_some_customers_not_activated(db):
    listed = bob.customers(db, as_of=AS_OF, today=AS_OF)
    statuses = set(listed["bob_status"])
    assert {"Active", "Scheduled", "Not activated"} <= statuses
    assert value(db, "SELECT count(*) FROM activations WHERE start_date = ?",
                 [date(2026, 4, 1)]) > 0
    assert value(db, "SELECT count(*) FROM invoices WHERE billing_month > ?", [AS_OF]) == 0


def test_invoice_numbers_are_gapless(db):
    low, high, count = store.read(db, lambda con: con.execute(
        "SELECT min(number), max(number), count(*) FROM invoices").fetchone())
    assert (low, high) == (1, count)


def test_every_stage_has_been_sent_and_the_outage_left_skipped_reminders(db):
    sent = rows(db, "SELECT DISTINCT stage FROM notices WHERE outcome = 'sent'")
    assert {r["stage"] for r in sent} == STAGES
    assert value(db, "SELECT count(*) FROM notices WHERE outcome = 'skipped'") > 0
    assert value(db, "SELECT max(decided_on) FROM notices") <= AS_OF


def test_on_as_of_customers_stand_at_a_reminder_and_at_the_stop(db):
    # Every month's invoices share one due date, so one date shows one reminder step.
    stages = set(bob.whatif(db, as_of=AS_OF, today=AS_OF)["stage"])
    assert "reminder_15" in stages and "stop_35" in stages


def test_within_a_month_of_as_of_every_stage_is_reached_if_nothing_is_paid(db):
    reached = set()
    for days in range(0, 36, 5):
        reached |= set(bob.whatif(db, as_of=AS_OF + timedelta(days=days), today=AS_OF)["stage"])
    assert reached >= STAGES


def test_services_were_stopped_and_some_restored_after_paying(db):
    listed = bob.customers(db, as_of=AS_OF, today=AS_OF)
    assert (listed["bob_status"] == "Service stopped").any()
    restored = rows(db, """
        SELECT r.customer_id, r.on_date,
               (SELECT max(on_date) FROM service_events s
                WHERE s.customer_id = r.customer_id AND s.event = 'stopped'
                  AND s.id < r.id) AS stopped_on,
               (SELECT max(receipt_date) FROM payments y
                WHERE y.customer_id = r.customer_id AND y.receipt_date <= r.on_date) AS paid_on
        FROM service_events r WHERE r.event = 'restored'""")
    assert restored
    assert all(r["stopped_on"] <= r["paid_on"] <= r["on_date"] for r in restored)


def test_canceled_invoices_each_have_a_cancellation_summing_to_zero_line_by_line(db):
    pairs = rows(db, """
        SELECT o.number, c.number AS cancellation, o.total + c.total AS total,
               (SELECT count(*) FROM allocations a WHERE a.invoice_number = o.number) AS paid
        FROM invoices c JOIN invoices o ON o.number = c.cancels""")
    assert len(pairs) >= 3
    assert all(p["total"] == 0 and p["paid"] == 0 for p in pairs)
    assert value(db, """
        SELECT count(*) FROM invoices c
        JOIN invoice_lines lc ON lc.invoice_number = c.number
        FULL JOIN invoice_lines lo ON lo.invoice_number = c.cancels AND lo.line_no = lc.line_no
        WHERE c.kind = 'cancellation'
          AND (lo.amount IS NULL OR lo.amount + lc.amount <> 0
               OR lo.subscription_id <> lc.subscription_id)""") == 0
    statuses = {bob.invoice_detail(db, p["number"], as_of=AS_OF)["invoice"]["status"]
                for p in pairs}
    assert statuses == {"Invoice Canceled"}


def test_some_invoices_are_partly_paid_and_some_payments_keep_a_balance(db):
    assert value(db, "SELECT count(*) FROM invoice_state(?) WHERE is_open AND paid > 0",
                 [AS_OF]) > 0
    payments = store.read(db, lambda con: reports_sql.payments(con, AS_OF))
    assert (payments["balance"] > 0).any()
    assert set(payments["method"]) <= set(bob.METHODS)


def test_no_payment_is_dated_after_as_of_nor_applied_before_it_was_received(db):
    assert value(db, "SELECT max(receipt_date) FROM payments") <= AS_OF
    assert value(db, """
        SELECT count(*) FROM allocations a JOIN payments y ON y.id = a.payment_id
        JOIN invoices i ON i.number = a.invoice_number
        WHERE a.applied_on < y.receipt_date OR a.applied_on < i.issue_date
           OR a.applied_on > ? OR i.customer_id <> y.customer_id""", [AS_OF]) == 0


def test_invoice_totals_less_allocations_equal_each_customers_open_balance(db):
    ledger = {r["customer_id"]: r["owed"] for r in rows(db, """
        SELECT i.customer_id, sum(i.total) - coalesce(sum(a.amount), 0) AS owed
        FROM invoices i LEFT JOIN (SELECT invoice_number, sum(amount) AS amount
                                   FROM allocations GROUP BY 1) a ON a.invoice_number = i.number
        GROUP BY i.customer_id""")}
    listed = bob.customers(db, as_of=AS_OF, today=AS_OF)
    open_balance = dict(zip(listed["customer_id"], listed["open_balance"], strict=True))
    summed = {r["customer_id"]: r["balance"] for r in rows(
        db, "SELECT customer_id, sum(balance) AS balance FROM invoice_state(?) GROUP BY 1",
        [AS_OF])}
    assert ledger and all(owed == open_balance[c] == summed[c] for c, owed in ledger.items())
    assert value(db, "SELECT count(*) FROM invoice_state(?) WHERE balance < 0 "
                     "AND kind = 'invoice'", [AS_OF]) == 0


def test_each_payment_is_its_allocations_plus_its_balance(db):
    payments = store.read(db, lambda con: reports_sql.payments(con, AS_OF))
    assert (payments["amount"] == payments["allocated"] + payments["balance"]).all()
    assert (payments["balance"] >= Decimal(0)).all()


def test_the_same_seed_and_as_of_give_the_same_store(db, tmp_path):
    again = tmp_path / "again.duckdb"
    build_demo(again, customers=CUSTOMERS, seed=SEED, as_of=AS_OF)
    expected = digest(db)
    assert all(expected.values()) and digest(again) == expected


class Interrupted(Exception):
    pass


def _half_built(db) -> None:
    """A build stopped in its sixth month, as a crash or Ctrl-C would stop it."""
    def progress(fraction, message):
        if message.startswith("Billing and collecting") and fraction > 0.4:
            raise Interrupted
    with pytest.raises(Interrupted):
        build_demo(db, customers=CUSTOMERS, seed=SEED, as_of=AS_OF, progress=progress)


def test_a_build_stopped_part_way_continues_to_the_same_store(db, tmp_path):
    again = tmp_path / "resumed.duckdb"
    _half_built(again)
    assert value(again, "SELECT months_done FROM demo_build") == 5
    build_demo(again, customers=CUSTOMERS, seed=SEED, as_of=AS_OF)
    assert digest(again) == digest(db)
    assert value(again, "SELECT count(*) FROM duckdb_tables() "
                        "WHERE table_name LIKE 'demo_%'") == 0


def test_a_half_built_demo_refuses_other_arguments(tmp_path):
    half = tmp_path / "half.duckdb"
    _half_built(half)
    with pytest.raises(bob.BobError, match=r"built part way \(5 of 12 months\) with 120 "
                                           r"customers, seed 7, as of 2026-03-18"):
        build_demo(half, customers=CUSTOMERS, seed=SEED + 1, as_of=AS_OF)


def test_refuses_a_store_that_already_has_customers(db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    before = digest(copy)
    with pytest.raises(bob.BobError, match="already holds 120 customers"):
        build_demo(copy, customers=50, seed=SEED, as_of=AS_OF)
    assert digest(copy) == before


def test_refuses_a_demo_too_small_to_show_anything(tmp_path):
    with pytest.raises(bob.BobError, match="at least 10 customers"):
        build_demo(tmp_path / "tiny.duckdb", customers=3, as_of=AS_OF)
    assert not (tmp_path / "tiny.duckdb").exists()


def test_refuses_a_demo_larger_than_a_demo_needs(tmp_path):
    with pytest.raises(bob.BobError, match="at most 1,000,000, not 1,000,001"):
        build_demo(tmp_path / "huge.duckdb", customers=1_000_001, as_of=AS_OF)
    assert not (tmp_path / "huge.duckdb").exists()


def test_past_emails_were_delivered_and_the_as_of_days_wait(db):
    states = rows(db, "SELECT created_on < ? AS past, count(*) AS emails, "
                      "count(d.outbox_id) AS delivered FROM outbox o "
                      "LEFT JOIN deliveries d ON d.outbox_id = o.id AND d.ok GROUP BY 1 ORDER BY 1",
                  [AS_OF])
    assert [(r["past"], r["emails"] == r["delivered"], r["delivered"]) for r in states] == [
        (False, False, 0), (True, True, states[1]["emails"])]


def test_the_build_caps_duckdbs_memory_while_it_runs_and_gives_it_back(tmp_path):
    db = tmp_path / "capped.duckdb"
    seen = []

    def memory_limit():
        return value(db, "SELECT current_setting('memory_limit')")

    def progress(fraction, message):
        # The build's own database, open in this process: the same instance and settings.
        seen.append(memory_limit())

    store.create(db)  # an empty store, held open by the session below
    with store.session(db):
        default = memory_limit()
        build_demo(db, customers=10, seed=SEED, as_of=AS_OF, progress=progress)
        after = memory_limit()
    assert set(seen) == {"1.1 GiB"}  # DuckDB's rendering of demo.memory_limit(10), 1250MB
    assert default != "1.1 GiB" and after == default


def test_the_memory_cap_grows_with_the_store_past_200000_customers():
    assert [memory_limit(n) for n in (10, 100_000, 200_000, 300_000, 1_000_000)] == [
        "1250MB", "1250MB", "1250MB", "1800MB", "6000MB"]
