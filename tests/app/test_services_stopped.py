"""One answer for "services stopped": the Overview and the what-if report agree on any
As-of date, and the what-if's list of services that stop on a day names only those."""

from datetime import timedelta

import pytest

from bob import reports
from tests.app.conftest import AS_OF
from tests.app.test_dunning import metric, on_tab


@pytest.fixture
def stop_day(demo_db):
    """The first day ahead on which the what-if stops a service (if nothing is paid)."""
    return next(day for day in (AS_OF + timedelta(days=n) for n in range(1, 90))
                if reports.whatif_report(demo_db, as_of=day, today=AS_OF)["totals"][
                    "services_stopping"])


def test_the_overview_and_the_whatif_count_the_same_stopped_services(demo_db, app, stop_day):
    overview = app("pages/overview.py", as_of=stop_day)
    whatif = on_tab(app, "What-if report", as_of=stop_day)
    assert metric(overview, "Service stopped") == metric(whatif, "Services stopped")
    assert metric(overview, "Service stopped") != metric(app("pages/overview.py"),
                                                         "Service stopped")  # it moved


def test_the_services_that_stop_on_a_day_are_those_whose_service_stops_that_day(
        demo_db, app, stop_day):
    report = reports.whatif_report(demo_db, as_of=stop_day, today=AS_OF)
    stops_on = report["rows"].groupby("customer_id")["service_stops_on"].min()
    at = on_tab(app, "What-if report", as_of=stop_day)
    listed = next(frame.value for frame in at.dataframe
                  if list(frame.value.columns) == list(report["stopping"].columns))
    assert set(listed["customer_id"]) == set(stops_on[stops_on == stop_day].index)
    assert len(listed)
