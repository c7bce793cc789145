"""Sensitive free text is encrypted at rest, and keys can be rotated."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models

from ouderbuddy.lib.crypto import PREFIX, EncryptedTextField, decrypt_text, encrypt_text


class SecretNote(models.Model):
    """A table made only for this test (unmanaged, so no migration)."""

    text = EncryptedTextField(blank=True, null=True)

    class Meta:
        app_label = "privacy"
        managed = False
        db_table = "test_secret_note"

    def __str__(self) -> str:
        return f"note {self.pk}"


@pytest.fixture
def note_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_secret_note (id integer PRIMARY KEY, text text NULL)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_secret_note")


def raw_text(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM test_secret_note WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_ciphertext_python_sees_plain_text(note_table):
    SecretNote.objects.create(id=1, text="Mijn dochter zit al zes weken thuis.")
    stored = raw_text(1)
    assert stored.startswith(PREFIX)
    assert "thuis" not in stored
    assert SecretNote.objects.get(id=1).text == "Mijn dochter zit al zes weken thuis."


def test_none_stays_none(note_table):
    SecretNote.objects.create(id=2, text=None)
    assert raw_text(2) is None
    assert SecretNote.objects.get(id=2).text is None
    assert SecretNote.objects.filter(text__isnull=True).count() == 1


def test_searching_encrypted_text_is_refused(note_table):
    with pytest.raises(FieldError):
        list(SecretNote.objects.filter(text="x"))


def test_rotation_reencrypts_with_the_new_key(note_table, settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    SecretNote.objects.create(id=3, text="oud")
    before = raw_text(3)
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", model=["privacy.SecretNote"], verbosity=0)
    after = raw_text(3)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can now be dropped
    assert SecretNote.objects.get(id=3).text == "oud"


def test_a_missing_or_wrong_key_is_a_clear_configuration_error(settings):
    token = encrypt_text("geheim")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        decrypt_text(token)
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        encrypt_text("x")
    settings.FIELD_ENCRYPTION_KEYS = ["geen-sleutel"]
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        encrypt_text("x")
