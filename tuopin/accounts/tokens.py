import hashlib
import secrets

TOKEN_BYTES = 32


def new_key() -> str:
    return "tp_" + secrets.token_urlsafe(TOKEN_BYTES)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()
