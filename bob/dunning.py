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

from bob import store
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
STOP_AFTER_WARNING = timedelta(days=SCHEDULE[-1].days - SCHEDULE[-2].days)
# Invoices at this rank of the schedule (the warning) or beyond are at risk.
WARNING_RANK = next(rank for rank, s in enumerate(SCHEDULE, start=1) if s.action == WARNING)


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
                     else invoice.due_date + timedelta(days=SCHEDULE[-1].days))
        decisions.append(Decision(step.stage, "sent" if highest else "skipped", stop_date))
    warning = done.get(SCHEDULE[-2].stage)
    stop = SCHEDULE[-1]
    if (days >= stop.days and stop.stage not in done and warning and warning[0] == "sent"
            and warning[1] + STOP_AFTER_WARNING <= as_of):
        decisions.append(Decision(stop.stage, "sent", as_of))
    return decisions


def _params(as_of: date) -> dict:
    return dunning_sql.schedule_params(SCHEDULE, as_of)


def projection_params(as_of: date) -> dict:
    """The parameters of the projections for `as_of`, built on the notices decided before it."""
    return dunning_sql.schedule_params(SCHEDULE, as_of, history_before=as_of)


def run_in(con, as_of: date, dry_run: bool, actor: str) -> dict:
    """One dunning run inside an open transaction (the demo and the bench call it too)."""
    decisions = dunning_sql.decide(con, _params(as_of))
    if dry_run:
        summary = {
            "notices_sent": int((decisions["outcome"] == "sent").sum()),
            "notices_skipped": int((decisions["outcome"] == "skipped").sum()),
            "services_stopped": dunning_sql.mark_stopping(con, as_of),
            "services_restored": len(dunning_sql.restoring_preview(con, as_of)),
        }
    else:
        summary = dunning_sql.apply_decisions(con, as_of)
        summary["services_restored"] = dunning_sql.restore_services(con, as_of)
        store.audit(con, actor, "dunning", f"as-of:{as_of}", str(summary))
    by_stage = decisions.groupby(["stage", "outcome"]).size()
    return {"as_of": as_of.isoformat(), "dry_run": dry_run, **summary,
            "by_stage": {f"{stage}:{outcome}": int(n) for (stage, outcome), n in by_stage.items()}}


def run_dunning(db, *, as_of: date, dry_run: bool = False, actor: str = "system") -> dict:
    """The daily job. Safe to run any number of times a day: each notice goes out once."""
    if dry_run:
        return store.read(db, lambda con: run_in(con, as_of, True, actor))
    return store.write(db, lambda con: run_in(con, as_of, False, actor))


def decisions(db, *, as_of: date) -> pd.DataFrame:
    """What a run on `as_of` would decide, invoice by invoice (nothing written)."""
    return store.read(db, lambda con: dunning_sql.decide(con, _params(as_of)))


def aging(db, *, as_of: date) -> pd.DataFrame:
    """Open receivables by age bucket, stacked by projected dunning stage."""
    return store.read(db, lambda con: reports_sql.aging(con, projection_params(as_of)))


def whatif(db, *, as_of: date) -> pd.DataFrame:
    """Every overdue invoice on `as_of` if nothing more is paid: stage, stop date, at risk."""
    return store.read(db, lambda con: reports_sql.whatif(
        con, {**projection_params(as_of), "warning_rank": WARNING_RANK}))


def timeline(db, *, as_of: date, horizon_days: int = 45) -> pd.DataFrame:
    """Notices that will fall due in the next `horizon_days` days if nothing is paid."""
    return store.read(db, lambda con: reports_sql.timeline(con, projection_params(as_of),
                                                           horizon_days))
