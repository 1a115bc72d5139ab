"""Migrations are the literal text they ran as: a store migrated last year and one made today
went through the same statements. Changing a shipped migration's text is a new migration."""

import hashlib
import importlib

import pytest

from bob.store import outbox, receivables, schema
from bob.store.schema import MIGRATIONS

# sha256 of each migration's text, as shipped.
SHIPPED = {
    1: "acbcd23c183b9535e741c7de5ba04f59956c9d16878afaca4982a06baa01cf01",
    2: "252a5d115e5c705513781f9e75a0389fe20e944e608a3f55bbc15f77ecd705c8",
    3: "640219ef0d455c64165ad3a57b1b6bdf4cd5d63f553d300cd5dbdc5c420b1251",
    4: "19d45b8dd4528fc9f41b22a7c96731141cde56b11b9ba1f04aff93e8b6ae9cb8",
    5: "dc0b30bb5e018932878796d8fe0a71d2d827a868df81dba14c7d7d6976519eb0",
    6: "f650a3912a2cce8a57172640e9fea92ebd158dc8a369ea91f40d7ddb8b9c4ff6",
    7: "79038cd03c3f95fd219c6e1962947ebe84fb44bf3668b700ef4283406c77ebac",
    8: "525a46368a17e41f55c5f147a20c8c997e06a9348bbea306bd3c6d2e7cb23acf",
}


@pytest.mark.parametrize("version", sorted(SHIPPED))
def test_a_shipped_migration_keeps_the_text_it_ran_as(version):
    text = MIGRATIONS[version - 1]
    assert hashlib.sha256(text.encode()).hexdigest() == SHIPPED[version]


def test_every_migration_is_pinned_once_shipped():
    assert len(MIGRATIONS) == len(SHIPPED)


def test_the_running_sql_can_change_without_touching_a_migration(monkeypatch):
    """Migrations 2 and 6 ran SQL that the running code still uses; they hold their own copy."""
    monkeypatch.setattr(receivables, "SYNC", receivables.SYNC + "-- changed")
    monkeypatch.setattr(outbox, "MARK_DELIVERED", outbox.MARK_DELIVERED + "-- changed")
    reloaded = importlib.reload(schema)
    assert [hashlib.sha256(m.encode()).hexdigest() for m in reloaded.MIGRATIONS] == [
        SHIPPED[v] for v in sorted(SHIPPED)]
