"""The dunning page: aging, the what-if overdue report for any date, the partner view, the
timeline, and running the daily job from the page."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

import bob
from bob import reports, store
from bob.money import format_money
from tests.app.conftest import AS_OF, LATE, US_PARTNER
from ui import common

LATER = AS_OF + timedelta(days=20)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def on_tab(app, tab: str, **kwargs):
    at = app("pages/dunning.py", **kwargs)
    at.session_state["dunning_tab"] = tab
    return at.run()


def whatif_date(at):
    return next(d for d in at.date_input if d.label == "What-if date")


def notices_written(db) -> int:
    return store.read(db, lambda con: con.execute("SELECT count(*) FROM outbox").fetchone()[0])


def test_aging_tab_draws_the_chart_and_counts_overdue_invoices(demo_db, app):
    at = app("pages/dunning.py")
    assert not at.exception
    aging = reports.aging_pivot(bob.aging(demo_db, as_of=AS_OF, today=AS_OF))
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.dataframe[0].value) == len(aging)


def test_whatif_report_follows_the_date_chosen(demo_db, app):
    at = on_tab(app, "What-if report")
    assert not at.exception
    now = reports.whatif_report(demo_db, as_of=AS_OF, today=AS_OF)["totals"]
    later = reports.whatif_report(demo_db, as_of=LATER, today=AS_OF)["totals"]
    assert now["overdue_invoices"] != later["overdue_invoices"]
    assert metric(at, "Overdue invoices") == f"{now['overdue_invoices']:,}"
    assert metric(at, "Amount at risk") == format_money(now["amount_at_risk"])
    whatif_date(at).set_value(LATER).run()
    assert metric(at, "Overdue invoices") == f"{later['overdue_invoices']:,}"
    assert metric(at, "Notices that day") == f"{later['notices_due']:,}"
    assert metric(at, "Amount at risk") == format_money(later["amount_at_risk"])


def test_whatif_says_from_which_day_it_assumes_daily_runs(demo_db, app):
    at = on_tab(app, "What-if report")
    whatif_date(at).set_value(LATER).run()
    runs_from = reports.whatif_report(demo_db, as_of=LATER, today=AS_OF)["runs_from"]
    assert runs_from == AS_OF + timedelta(days=1)  # the demo's job ran up to its as-of date
    assert any(f"runs every day from {bob.months.long_date(runs_from)} on" in caption.value
               for caption in at.caption)


def test_moving_the_as_of_date_moves_the_whatif_report(demo_db, app):
    at = on_tab(app, "What-if report")
    now = reports.whatif_report(demo_db, as_of=AS_OF, today=AS_OF)["totals"]
    later = reports.whatif_report(demo_db, as_of=LATER, today=AS_OF)["totals"]
    assert metric(at, "Amount overdue") == format_money(now["overdue_amount"])
    at.session_state[common.AS_OF] = LATER  # the sidebar's date (see the app fixture)
    at.run()
    assert whatif_date(at).value == LATER
    assert metric(at, "Amount overdue") == format_money(later["overdue_amount"])
    assert now["overdue_amount"] != later["overdue_amount"]


def test_whatif_date_starts_at_the_sidebar_date(demo_db, app):
    at = on_tab(app, "What-if report", as_of=LATER)
    assert whatif_date(at).value == LATER
    by_partner = next(d.value for d in at.dataframe if "amount_at_risk" in d.value)
    expected = reports.whatif_report(demo_db, as_of=LATER, today=AS_OF)["by_partner"]
    assert by_partner["partner_id"].tolist() == expected["partner_id"].tolist()
    assert by_partner["amount_at_risk"].tolist() == expected["amount_at_risk"].tolist()


def test_whatif_before_any_invoice_says_what_to_do(demo_db, app):
    at = on_tab(app, "What-if report", as_of=date(2025, 1, 1))
    assert not at.exception
    assert "No overdue invoices as of 1 January 2025" in at.info[0].value


def test_partner_view_shows_when_each_customer_stops(demo_db, app):
    at = app("pages/dunning.py", partner=US_PARTNER)
    assert not at.exception
    customers = at.dataframe[0].value
    late = customers[customers["customer_id"] == LATE].iloc[0]
    assert late["stage_label"] == "Service stop (day 35)"
    assert late["service_stopped"]


def test_timeline_charts_the_next_45_days(demo_db, app):
    at = on_tab(app, "Timeline")
    assert not at.exception
    timeline = reports.notice_timeline(demo_db, as_of=AS_OF, today=AS_OF)
    assert len(at.get("vega_lite_chart")) == (1 if len(timeline) else 0)
    assert len(at.dataframe[0].value) == len(timeline)


def test_run_todays_dunning_writes_the_notices_once(demo_db, app):
    # The job last ran 20 days before today: this run catches up on all of them.
    decisions = bob.decisions(demo_db, as_of=LATER)
    expected = int((decisions["outcome"] == "sent").sum())
    assert expected
    before = notices_written(demo_db)
    at = app("pages/dunning.py", today=LATER)
    next(b for b in at.button if b.label == "Run today's dunning").click().run()
    assert not at.exception
    assert metric(at, "Notices sent") == f"{expected}"
    assert notices_written(demo_db) == before + 2 * expected  # customer and partner
    next(b for b in at.button if b.label == "Run today's dunning").click().run()
    assert metric(at, "Notices sent") == "0"
    assert notices_written(demo_db) == before + 2 * expected


def test_empty_store_says_how_to_load_data(empty_db, app):
    at = app("pages/dunning.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value


def test_whatif_csv_holds_every_overdue_invoice(demo_db):
    rows = reports.whatif_csv(demo_db, as_of=LATER, today=AS_OF).decode().splitlines()
    assert len(rows) - 1 == reports.whatif_report(demo_db, as_of=LATER, today=AS_OF)["totals"][
        "overdue_invoices"]


def chart_buckets(at) -> list[str]:
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return spec["encoding"]["x"]["scale"]["domain"]


def test_the_aging_table_lists_every_bucket_an_empty_one_at_zero():
    aging = pd.DataFrame({"bucket": ["current", "31-60"], "stage": ["none", "reminder_5"],
                          "amount": [Decimal("100.00"), Decimal("20.00")]})
    pivot = reports.aging_pivot(aging).set_index("Days overdue")
    assert list(pivot.index) == list(reports.AGING_BUCKETS)
    assert pivot.loc["1-30", "Total"] == Decimal("0.00")


def test_the_aging_chart_shows_every_overdue_bucket_and_current_on_request(demo_db, app):
    at = app("pages/dunning.py")
    assert chart_buckets(at) == list(reports.AGING_BUCKETS[1:])
    at.toggle(key="aging_current").set_value(True).run()
    assert chart_buckets(at) == list(reports.AGING_BUCKETS)


def test_the_run_summary_lists_stages_in_the_schedule_s_order(demo_db, app):
    at = app("pages/dunning.py", today=LATER)
    next(b for b in at.button if b.label == "Run today's dunning").click().run()
    shown = [stage for stage in at.dataframe[0].value["Stage"]]
    in_schedule = [reports.stage_label(step.stage) for step in bob.SCHEDULE]
    assert len(set(shown)) > 1
    assert shown == sorted(shown, key=in_schedule.index)


def test_the_partner_view_opens_on_the_partner_with_the_most_at_risk(demo_db, app):
    at = on_tab(app, "Partner view", as_of=LATER)
    first = reports.whatif_report(demo_db, as_of=LATER, today=AS_OF)["by_partner"].iloc[0]
    assert first["amount_at_risk"] > 0
    assert at.selectbox(key="dunning_partner").value == first["partner_id"]
