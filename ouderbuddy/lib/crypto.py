"""Encryption at rest for sensitive free text, with keys from the environment.

FIELD_ENCRYPTION_KEYS holds one or more Fernet keys, separated by commas. The first
encrypts; every key decrypts, so a new key can be put in front and old rows
re-encrypted with `manage.py rotate_field_keys` before the old key is dropped.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys (see README.md)."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("Stored value is not encrypted text.")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field cannot be read with the keys in FIELD_ENCRYPTION_KEYS."
        ) from exc


def rotate_text(stored: str) -> str:
    """Re-encrypt a stored value with the first (newest) key."""
    token = stored[len(PREFIX) :].encode("ascii")
    return PREFIX + fernet().rotate(token).decode("ascii")


class EncryptedTextField(models.TextField[str, str]):
    """Free text kept encrypted in the database; Python code sees plain text.

    The database cannot search or sort on it: use it only for text that nobody
    filters on (a parent's question in their own words, a contact note).
    """

    description = "Text encrypted at rest"

    def from_db_value(
        self, value: str | None, expression: Any, connection: Any
    ) -> str | None:
        if value is None:
            return None
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertext differs every time: only "is empty" can be asked of it.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
