"""Who sends the outbox: the identity a delivery call writes into the claims on the rows it
sends, and whether the sender behind a claim still runs, so that the rows of a sender that
died are taken over at once instead of after a lease.

A claim names its host, the host's boot, its process (the pid and the process's start time,
so that a pid used again by a later process is not taken for it) and the delivery call.
- On this host and boot, a claim holds while its process runs; a zombie does not run.
- A claim of this very process from another call does not hold: one delivery at a time runs
  in a process (bob.notices), so that call has ended.
- A claim made before this host last booted does not hold.
- Another host's processes cannot be seen from here: its claim holds while its sender keeps
  showing signs of life (it refreshes its claims with every email it records), and lapses
  LEASE_SECONDS after the last one. So do claims that name no process (older stores).
"""

import socket
import uuid
from dataclasses import dataclass

import psutil

LEASE_SECONDS = 15 * 60


@dataclass(frozen=True)
class Sender:
    host: str
    booted_at: float
    pid: int
    started_at: float
    call: str

    @classmethod
    def this_call(cls) -> "Sender":
        process = psutil.Process()
        return cls(socket.gethostname(), psutil.boot_time(), process.pid, process.create_time(),
                   uuid.uuid4().hex[:8])

    @property
    def claimer(self) -> str:
        return f"{self.host}:{self.pid}:{self.call}"


@dataclass(frozen=True)
class Claim:
    """The claims one sender holds: who it is, how many rows, and how long since it last
    refreshed them. Host, boot and process are None on claims made before claims named them."""
    claimer: str
    host: str | None
    booted_at: float | None
    pid: int | None
    started_at: float | None
    rows: int
    idle_seconds: float

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}" if self.pid is not None else self.claimer


def still_running(claim: Claim, me: Sender) -> bool:
    """Whether `claim` belongs to a sender that may still be sending its rows (see above)."""
    if claim.claimer == me.claimer:
        return True
    if claim.host != me.host:
        return claim.idle_seconds < LEASE_SECONDS
    if claim.booted_at != me.booted_at:
        return False
    if (claim.pid, claim.started_at) == (me.pid, me.started_at):
        return False
    try:
        process = psutil.Process(claim.pid)
        return (process.create_time() == claim.started_at
                and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # it runs, under another user: whose it is cannot be read
        return True
