"""How each PostgreSQL connection keeps its prepared statements.

With `server_side_binding` (settings.DATABASES) psycopg prepares a statement once a
connection has run it `prepare_threshold` times; after that PostgreSQL only executes
it, without parsing and planning it again. psycopg keeps the last `prepared_max`
statements of a connection (100 by default); a worker's connection serves every page,
so it gets room for the statements of all of them (`PREPARED_MAX`).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created

PREPARED_MAX = 1000


def _keep_prepared(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        connection.connection.prepared_max = PREPARED_MAX


def connect_signals() -> None:
    connection_created.connect(_keep_prepared, dispatch_uid="ouderbuddy.lib.db")
