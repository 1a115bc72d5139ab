"""Migrations are the literal text they ran as: a store migrated last year and one made today
went through the same statements. Changing a shipped migration's text is a new migration."""

import hashlib
import importlib

import duckdb
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
    8: "a3d11c961c6dc5a1a103e5cea886fb04141f2afaf6fdc4390ccea66adcf32e08",
    9: "525a46368a17e41f55c5f147a20c8c997e06a9348bbea306bd3c6d2e7cb23acf",
    10: "d87a68cc9f8de28c24413f2507bde1867b96db066e42b6e7a3d9389797fdc50a",
    11: "82881ae08443aec85fb856e7dd5f68858036a044044b3a94b304a1aec7a37265",
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


def test_a_store_made_before_rebilling_keeps_its_invoices_and_emails(tmp_path):
    """Migration 8 makes invoices and outbox again: every row comes through."""
    db = duckdb.connect(str(tmp_path / "old.duckdb"))
    for script in MIGRATIONS[:7]:
        db.execute(script)
    db.execute("INSERT INTO invoices VALUES (1, 'C1', 'invoice', DATE '2026-12-01', NULL, "
               "DATE '2026-12-01', DATE '2026-12-31', 10, 0, 0, 10, 'a@b.example')")
    db.execute("INSERT INTO outbox (id, message_id, kind, created_on, recipient, "
               "recipient_role, customer_id, customer_name, partner_name) VALUES "
               "(1, '<m>', 'invoice_issued', DATE '2026-12-01', 'a@b.example', 'customer', "
               "'C1', 'Acme', 'Northwind')")
    db.execute(MIGRATIONS[7])
    assert db.execute("SELECT number, replaces, revision FROM invoices").fetchall() == [
        (1, None, 0)]
    assert db.execute("SELECT message_id, cancellation_number FROM outbox").fetchall() == [
        ("<m>", None)]
