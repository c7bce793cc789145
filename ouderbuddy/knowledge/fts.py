"""The SQL of the full-text index as it is since migration 0003, in one place.

On SQLite, Django rebuilds a table to change most of its columns, which drops the
table's triggers: a migration that alters `knowledge_article` must create the
triggers again afterwards and its own index (`SQLITE_TRIGGERS`, `SQLITE_INDEX`, as 0003 does). The FTS5
table itself keeps its rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The FTS5 table's rowid is the article's `search_key`: a match is joined on an
# integer key, and a trigger finds an article's row without a scan. (0002 made a
# first table keyed by the article's id; 0003 replaced it with this one.)
SQLITE_TABLE = [
    "DROP TABLE IF EXISTS knowledge_article_fts",
    """CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(
        document, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """INSERT INTO knowledge_article_fts (rowid, document)
        SELECT search_key, search_document FROM knowledge_article""",
]
# What a match and the ranking read of an article (slug: the tie-break), in one index: SQLite then never
# reads the article's row (its long texts come first and fill overflow pages) for
# the thousands of articles a common word matches, only for the hits shown.
SQLITE_INDEX = [
    "DROP INDEX IF EXISTS knowledge_article_rank",
    """CREATE INDEX knowledge_article_rank ON knowledge_article (
        search_key, organisation_id, status, audience, id, slug, search_head,
        search_lead
    )""",
]
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    """CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article
    BEGIN
        INSERT INTO knowledge_article_fts (rowid, document)
        VALUES (new.search_key, new.search_document);
    END""",
    """CREATE TRIGGER knowledge_article_fts_update
    AFTER UPDATE OF search_document, search_key ON knowledge_article
    BEGIN
        DELETE FROM knowledge_article_fts WHERE rowid = old.search_key;
        INSERT INTO knowledge_article_fts (rowid, document)
        VALUES (new.search_key, new.search_document);
    END""",
    """CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article
    BEGIN
        DELETE FROM knowledge_article_fts WHERE rowid = old.search_key;
    END""",
]


def run(statements_by_vendor: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython function that executes the statements of the database's vendor."""

    def apply(apps: Any, schema_editor: Any) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply
