"""Whose claims on outbox rows still hold (bob.senders): decided from the processes of this
machine, without a database."""

from dataclasses import replace

import psutil

from bob.senders import LEASE_SECONDS, Claim, Sender, still_running

ME = Sender.this_call()
PARENT = psutil.Process().parent()  # a process that runs while the tests do


def claim_of(sender: Sender, *, idle_seconds: float = 0) -> Claim:
    return Claim(sender.claimer, sender.host, sender.booted_at, sender.pid, sender.started_at,
                 rows=1, idle_seconds=idle_seconds)


def running_parent() -> Sender:
    return replace(ME, pid=PARENT.pid, started_at=PARENT.create_time(), call="parent")


def test_a_claim_of_this_very_call_holds():
    assert still_running(claim_of(ME), ME)


def test_a_claim_of_an_earlier_call_of_this_process_does_not_hold():
    assert not still_running(claim_of(replace(ME, call="earlier")), ME)


def test_a_claim_of_another_running_process_holds_however_long_it_is_quiet():
    assert still_running(claim_of(running_parent(), idle_seconds=10 * LEASE_SECONDS), ME)


def test_a_claim_of_a_pid_now_used_by_a_later_process_does_not_hold():
    reused = replace(running_parent(), started_at=PARENT.create_time() - 60)
    assert not still_running(claim_of(reused), ME)


def test_a_claim_made_before_this_machine_last_booted_does_not_hold():
    assert not still_running(claim_of(replace(running_parent(), booted_at=ME.booted_at - 60)), ME)


def test_a_claim_of_another_host_holds_until_its_lease_runs_out():
    elsewhere = replace(running_parent(), host="other-host")
    assert still_running(claim_of(elsewhere, idle_seconds=LEASE_SECONDS - 1), ME)
    assert not still_running(claim_of(elsewhere, idle_seconds=LEASE_SECONDS + 1), ME)
