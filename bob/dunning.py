"""Overdue notices (dunning), driven by one table: the seed's schedule.

Each open invoice's clock runs from its own due date. On each run (`as_of`):
- every schedule step reached and not yet decided is decided exactly once per invoice;
- when runs were missed, only the highest reminder or warning reached is sent and the steps
  it overtook are recorded as skipped;
- the stop step waits for a warning that was actually sent at least 5 days before;
- a paid (or canceled) invoice leaves dunning at once; a partial payment changes nothing.
Notices go to the customer's billing email and the partner's email. Stopping a service
stops all of the customer's BoB subscriptions; paying everything overdue restores it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from bob import access
from bob.access import Principal, scoped_read
from bob.store import dunning as dunning_sql
from bob.store import reports as reports_sql

REMINDER, WARNING, STOP = "reminder", "warning", "stop"


@dataclass(frozen=True)
class Step:
    days: int
    action: str

    @property
    def stage(self) -> str:
        return f"{self.action}_{self.days}"


SCHEDULE = (Step(5, REMINDER), Step(10, REMINDER), Step(15, REMINDER),
            Step(25, REMINDER), Step(30, WARNING), Step(35, STOP))
STAGES = tuple(step.stage for step in SCHEDULE)
WARNING_STEP = next(step for step in SCHEDULE if step.action == WARNING)
STOP_STEP = next(step for step in SCHEDULE if step.action == STOP)
STOP_AFTER_WARNING = timedelta(days=STOP_STEP.days - WARNING_STEP.days)
# Invoices at this rank of the schedule (the warning) or beyond are at risk.
WARNING_RANK = SCHEDULE.index(WARNING_STEP) + 1
NO_STAGE = "none"
_ACTION_NAMES = {REMINDER: "Reminder", WARNING: "Warning", STOP: "Service stop"}


def stage_label(stage: str) -> str:
    """'reminder_10' -> 'Reminder (day 10)'; 'none' -> 'No notice yet'."""
    for step in SCHEDULE:
        if step.stage == stage:
            return f"{_ACTION_NAMES[step.action]} (day {step.days})"
    return "No notice yet" if stage == NO_STAGE else stage


def schedule_caption() -> str:
    """The schedule in words, for the pages: no page spells out the days itself."""
    reminders = [str(step.days) for step in SCHEDULE if step.action == REMINDER]
    return (f"Reminders {', '.join(reminders[:-1])} and {reminders[-1]} days after the due "
            f"date, a warning on day {WARNING_STEP.days} naming the stop date, and the service "
            f"stops on day {STOP_STEP.days} (never less than {STOP_AFTER_WARNING.days} days "
            "after the warning was sent). Each notice goes to the customer and the partner.")


def stage_for(days_overdue: int) -> Step | None:
    """The highest step `days_overdue` reaches, or None before the first reminder."""
    reached = [step for step in SCHEDULE if step.days <= days_overdue]
    return reached[-1] if reached else None


@dataclass(frozen=True)
class InvoiceDunning:
    """An open invoice's dunning snapshot: its due date and the notices already decided."""
    due_date: date
    decided: tuple[tuple[str, str, date], ...] = ()  # (stage, 'sent' | 'skipped', decided_on)


@dataclass(frozen=True)
class Decision:
    stage: str
    outcome: str
    stop_date: date


def evaluate(invoice: InvoiceDunning, as_of: date) -> list[Decision]:
    """The pure rule the daily SQL implements; what one run on `as_of` decides."""
    days = (as_of - invoice.due_date).days
    done = {stage: (outcome, on) for stage, outcome, on in invoice.decided}
    rank = {step.stage: i for i, step in enumerate(SCHEDULE)}
    top_done = max((rank[s] for s in done if not s.startswith(STOP)), default=-1)
    pending = [s for s in SCHEDULE if s.days <= days and s.action != STOP and s.stage not in done]
    decisions = []
    for step in pending:
        highest = step is pending[-1] and rank[step.stage] > top_done
        stop_date = (as_of + STOP_AFTER_WARNING if step.action == WARNING
                     else invoice.due_date + timedelta(days=STOP_STEP.days))
        decisions.append(Decision(step.stage, "sent" if highest else "skipped", stop_date))
    warning = done.get(WARNING_STEP.stage)
    stop = STOP_STEP
    if (days >= stop.days and stop.stage not in done and warning and warning[0] == "sent"
            and warning[1] + STOP_AFTER_WARNING <= as_of):
        decisions.append(Decision(stop.stage, "sent", as_of))
    return decisions


def _params(as_of: date) -> dict:
    return dunning_sql.schedule_params(SCHEDULE, as_of)


def projection(con, as_of: date, today: date) -> dict:
    """The parameters of the projections (bob.store.reports) for `as_of`, read on the
    business date `today`: the schedule and the first day the job is assumed to run."""
    return {**_params(as_of), "first_day": dunning_sql.first_simulated_day(con, today)}


def run_dunning(uow, day: date | None = None) -> dict:
    """The daily job for `day` (default: the business date). Safe to run any number of times
    a day: each notice goes out once. A past day runs only as a catch-up: once the job has
    run on a later day, that day is covered and nothing is decided. Notices are dated `day`;
    their emails are queued on the business date. A dry run is this in a preview."""
    uow.permit(access.DUNNING)
    con = uow.con
    day = uow.not_after_today(day or uow.today, "The dunning day")
    last_run = dunning_sql.last_run(con)
    if last_run is not None and day < last_run:
        return {"as_of": day.isoformat(), "dry_run": uow.preview, "notices_sent": 0,
                "notices_skipped": 0, "services_stopped": 0, "services_restored": 0,
                "by_stage": {}, "covered_by_run_on": last_run.isoformat()}
    decisions = dunning_sql.decide(con, _params(day))
    summary = dunning_sql.apply_decisions(con, day, queued_on=uow.today)
    summary["services_restored"] = dunning_sql.restore_services(con, day, queued_on=uow.today)
    uow.audit("dunning", f"as-of:{day}", str(summary))
    by_stage = sorted(decisions.groupby(["stage", "outcome"]).size().items(),
                      key=lambda item: (STAGES.index(item[0][0]), item[0][1]))
    # In the schedule's order (day 5, 10, 15, ...), not the stage names' alphabetical one.
    return {"as_of": day.isoformat(), "dry_run": uow.preview, **summary,
            "by_stage": {f"{stage}:{outcome}": int(n) for (stage, outcome), n in by_stage}}


def decisions(db, *, as_of: date, principal: Principal | None = None) -> pd.DataFrame:
    """What a run of the job on `as_of` would decide now, invoice by invoice (nothing
    written)."""
    return scoped_read(principal, db, lambda con: dunning_sql.decide(con, _params(as_of)))


def aging(db, *, as_of: date, today: date, principal: Principal | None = None) -> pd.DataFrame:
    """Open receivables by age bucket, stacked by projected dunning stage."""
    return scoped_read(principal, db,
                       lambda con: reports_sql.aging(con, projection(con, as_of, today)))


def whatif(db, *, as_of: date, today: date, principal: Principal | None = None) -> pd.DataFrame:
    """Every overdue invoice on `as_of` if nothing more is paid: stage, stop date, at risk."""
    return scoped_read(principal, db,
                       lambda con: reports_sql.whatif(con, projection(con, as_of, today)))


def timeline(db, *, as_of: date, today: date, horizon_days: int = 45,
             principal: Principal | None = None) -> pd.DataFrame:
    """Notices that will fall due in the next `horizon_days` days if nothing is paid."""
    return scoped_read(principal, db, lambda con: reports_sql.timeline(
        con, projection(con, as_of, today), horizon_days))
