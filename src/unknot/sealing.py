"""Secrets the database keeps but must not give away (issue 20): an authenticator's key lets
whoever holds it make sign-in codes, so a copy of the database (a backup, a `pg_dump` left on a
disk) must not be enough. They are sealed with Fernet (AES-128-CBC with HMAC-SHA256) under a key
derived, with HKDF-SHA256, from the installation's secret in the config folder
(`Workspace.secret`), which never goes into the database. Deriving keeps the form tokens' key
and this one apart: knowing one tells nothing of the other.

A value stored before sealing began (no prefix) is read as it is and sealed at its next write.
"""

from __future__ import annotations

import base64
from typing import Final

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from unknot.services import errors

PREFIX: Final = "fernet:"
_PURPOSE: Final = b"unknot: sealed secrets in the database"


class SecretBox:
    """Seals and opens short secrets with a key derived from the installation's secret."""

    def __init__(self, installation_secret: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
            installation_secret
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, secret: str) -> str:
        return PREFIX + self._fernet.encrypt(secret.encode()).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise errors.AccountProblem(
                "An authenticator key in the database was sealed under another secret.key: "
                "every process of one server needs the same config folder's secret.key "
                "(restore it from where it was kept), or an administrator resets the code."
            ) from None
