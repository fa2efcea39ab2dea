"""Schema versions and the migration runner: one transaction per step, version bumped inside it."""

from __future__ import annotations

from collections.abc import Callable

import peewee

from curator.core import db as dbmod
from curator.core.errors import CuratorError
from curator.core.models import ALL_MODELS, SchemaInfo

SCHEMA_VERSION_KEY = "schema_version"


class SchemaError(CuratorError):
    """The database's schema cannot be used by this version of Curator."""


def _v1_initial(db: peewee.Database) -> None:
    db.create_tables(ALL_MODELS)


# version -> step that brings the database from version-1 to version. Append; never edit a step
# that has shipped.
MIGRATIONS: dict[int, Callable[[peewee.Database], None]] = {
    1: _v1_initial,
}
LATEST_VERSION = max(MIGRATIONS)


def current_version(db: peewee.Database) -> int:
    if not db.table_exists(SchemaInfo._meta.table_name):
        return 0
    row = SchemaInfo.get_or_none(SchemaInfo.key == SCHEMA_VERSION_KEY)
    return int(row.value) if row else 0


def _check_foreign(db: peewee.Database) -> None:
    """Refuse an SQLite file that holds somebody else's tables."""
    if not dbmod.is_sqlite(db):
        return
    app_id = db.execute_sql("PRAGMA application_id").fetchone()[0]
    if app_id not in (0, dbmod.APPLICATION_ID) or (app_id == 0 and db.get_tables()):
        raise SchemaError("this file is an SQLite database of another program, not a Curator project")


def migrate(db: peewee.Database, migrations: dict[int, Callable] | None = None) -> list[int]:
    """Bring the database to the latest schema; return the versions applied."""
    migrations = migrations or MIGRATIONS
    latest = max(migrations)
    version = current_version(db)
    if version > latest:
        raise SchemaError(
            f"this database has schema version {version}, newer than this Curator understands ({latest}); "
            "update Curator to open it"
        )
    if version == 0:
        _check_foreign(db)
    applied = []
    for step in range(version + 1, latest + 1):
        with dbmod.write_transaction():
            migrations[step](db)
            SchemaInfo.insert(key=SCHEMA_VERSION_KEY, value=str(step)).on_conflict(
                conflict_target=[SchemaInfo.key], update={SchemaInfo.value: str(step)}
            ).execute()
        applied.append(step)
    if applied and version == 0 and dbmod.is_sqlite(db):
        db.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    return applied
