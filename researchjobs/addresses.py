"""E-mail addresses: one parser decides what a profile may hold and what a digest is sent to.

``email.headerregistry`` builds the digest's ``To`` header; a regular expression that is
more lenient than it let ``<script>@x.org`` into a profile, and the parser then failed
while every profile's digest was being made. So a profile is checked by the very parser
(and header round trip) the sending code uses, and an address that passes is one the
digest can be written to and sent to.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP


class AddressError(ValueError):
    """Why a text cannot be a digest's recipient, in words."""


def recipient(value: object) -> str:
    """The address exactly as given, or ``AddressError`` saying why it cannot be sent to."""
    if not isinstance(value, str) or not value.strip():
        raise AddressError("an e-mail address must be text like name@example.org")
    if not value.isascii():
        raise AddressError("only plain ASCII addresses can be sent by SMTP here")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in value if ch != " ") or any(ch in value for ch in ",;"):
        raise AddressError("it holds control characters, ',' or ';': one address only")
    try:
        address = Address(addr_spec=value)
        header = EmailMessage(policy=SMTP)
        header["To"] = address.addr_spec
        parsed = header["To"].addresses
    except Exception as exc:  # MessageError and ValueError mostly; the parser has bugs too ('0@[')
        raise AddressError(f"the mail parser says: {' '.join(str(exc).split()) or type(exc).__name__}") from None
    if address.addr_spec != value or len(parsed) != 1 or parsed[0].addr_spec != value:
        raise AddressError("the mail parser reads it differently (a comment, a display name or extra text)")
    if not address.username or "." not in address.domain:
        raise AddressError("it needs a name and a domain with a dot, like name@example.org")
    return value


def valid_recipient(value: object) -> str | None:
    """The address, or None when there is none or it cannot be sent to; never raises."""
    try:
        return recipient(value)
    except AddressError:
        return None
