"""The full-text index of articles, one per database.

SQLite: an FTS5 table (unicode61 tokenizer, no stemmer of its own) holding each
article's `search_document`, kept equal to the row by triggers. PostgreSQL: a
generated tsvector column (config 'simple': the text is stemmed already, by
knowledge.engine) with a GIN index. Both index the same stems, so both find the same
articles (knowledge/selectors.py: search_articles)."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(
        article_id UNINDEXED, document, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """INSERT INTO knowledge_article_fts (article_id, document)
        SELECT id, search_document FROM knowledge_article""",
    """CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article
    BEGIN
        INSERT INTO knowledge_article_fts (article_id, document)
        VALUES (new.id, new.search_document);
    END""",
    """CREATE TRIGGER knowledge_article_fts_update
    AFTER UPDATE OF search_document ON knowledge_article
    BEGIN
        DELETE FROM knowledge_article_fts WHERE article_id = old.id;
        INSERT INTO knowledge_article_fts (article_id, document)
        VALUES (new.id, new.search_document);
    END""",
    """CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article
    BEGIN
        DELETE FROM knowledge_article_fts WHERE article_id = old.id;
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]
POSTGRESQL_FORWARD = [
    """ALTER TABLE knowledge_article ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_document)) STORED""",
    """CREATE INDEX knowledge_article_search ON knowledge_article
        USING gin (search_vector)""",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_article_search",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        )
    ]
