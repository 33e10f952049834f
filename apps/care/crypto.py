"""Encryption at rest of special-category personal data (152-ФЗ art. 10: health; the social
passport and characteristics are kept to the same standard).

Each protected column holds a Fernet token (AES-128-CBC + HMAC-SHA256, a random IV per
value), so a dump of the database alone shows neither the values nor which ones are equal.
The keys come from the environment (`SPECIAL_DATA_KEYS`, newest first): the first key
encrypts, every key decrypts, so rotation is «prepend a key, run `care_rotate_key`, drop
the old key» (README). Searching is not needed on these columns and is not possible.
"""

import base64
import hashlib
import json
from datetime import date
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        # Development without a configured key: derived from SECRET_KEY so `make demo`
        # works on a bare machine. Production settings require SPECIAL_DATA_KEYS.
        digest = hashlib.sha256(f"special-data:{settings.SECRET_KEY}".encode()).digest()
        keys = (base64.urlsafe_b64encode(digest).decode(),)
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "SPECIAL_DATA_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from error


def fernet() -> MultiFernet:
    return _fernet_for(tuple(getattr(settings, "SPECIAL_DATA_KEYS", ()) or ()))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A special-category value cannot be decrypted with SPECIAL_DATA_KEYS: "
            "the key that wrote it is missing (see README, key rotation)."
        ) from error


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedMixin:
    """Stores the field's value as an encrypted JSON text; the Python side is unchanged.

    Forms, validation and choices behave as the base field's; only lookups other than
    `isnull` make no sense (the column holds tokens) and are refused.
    """

    encrypted = True

    def db_type(self, connection):
        return "text"

    def get_internal_type(self):
        return "TextField"

    def _dump(self, value):
        if isinstance(value, date):
            return value.isoformat()
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        value = self.to_python(value)
        if value is None:
            return None
        return encrypt(json.dumps(self._dump(value), ensure_ascii=False))

    def get_db_prep_save(self, value, connection):
        return self.get_db_prep_value(value, connection)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.to_python(json.loads(decrypt(value)))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedDateField(EncryptedMixin, models.DateField):
    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)


class EncryptedBooleanField(EncryptedMixin, models.BooleanField):
    pass


class EncryptedListField(EncryptedMixin, models.JSONField):
    """A list of short codes (disease or social categories)."""

    def to_python(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = json.loads(value)
        return [str(v) for v in value]

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        return encrypt(json.dumps(list(value), ensure_ascii=False))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.to_python(json.loads(decrypt(value)))

    def validate(self, value, model_instance):
        models.Field.validate(self, value, model_instance)


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
