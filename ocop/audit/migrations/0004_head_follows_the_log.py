"""The chain head follows the log's last entry by a trigger, not by an UPDATE per entry.

Why: ``record`` used to update the head row after each entry. On PostgreSQL every such update
inside a savepoint (an import row, a nested ``atomic``) leaves one more row version that the
next lock and update of the same row must walk: 3,000 lock-and-update pairs of one row took
0.87 s in one transaction and 8.1 s with a savepoint each. In the import and the demo build it
was a share of each entry rather than a growing cost (about 14 % and 7 % of their time on
PostgreSQL; docs/demo-and-benchmarks.md). Now ``record`` only locks the head and reads the tail
from the log itself, and the database moves the head:

- PostgreSQL: a constraint trigger deferred to commit moves it once per transaction, to the
  transaction's last entry (the row whose id is the largest when the trigger runs);
  ``verify_chain`` fires it early when it runs inside a transaction that wrote entries.
- SQLite: a trigger after each insert (SQLite has no deferred triggers; an update there costs the
  same at any length).

The head stays what it was: the guard that catches entries deleted from the end of the log.
"""

from django.db import migrations

POSTGRESQL = """
CREATE FUNCTION audit_head_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id = (SELECT max(id) FROM audit_auditentry) THEN
        INSERT INTO audit_chainhead (id, last_hash, last_entry_id) VALUES (1, NEW.hash, NEW.id)
        ON CONFLICT (id) DO UPDATE
        SET last_hash = EXCLUDED.last_hash, last_entry_id = EXCLUDED.last_entry_id;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER audit_head_follows AFTER INSERT ON audit_auditentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_head_follows();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER audit_head_follows ON audit_auditentry;
DROP FUNCTION audit_head_follows();
"""
SQLITE = """
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_auditentry
BEGIN
    INSERT INTO audit_chainhead (id, last_hash, last_entry_id) VALUES (1, NEW.hash, NEW.id)
    ON CONFLICT (id) DO UPDATE
    SET last_hash = excluded.last_hash, last_entry_id = excluded.last_entry_id;
END;
"""
SQLITE_REVERSE = "DROP TRIGGER audit_head_follows;"


def _run(schema_editor, sql: dict[str, str]) -> None:
    statement = sql.get(schema_editor.connection.vendor)
    if statement:
        with schema_editor.connection.cursor() as cursor:
            # SQLite's cursor runs one statement at a time; the trigger's body is one statement.
            cursor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_vietnamese_field_names'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
