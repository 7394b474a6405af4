"""Getting a digest out: SMTP (STARTTLS or implicit TLS), or files in the outbox.

SMTP is driven step by step (connect, TLS, login, MAIL, RCPT, then DATA) instead of
``send_message`` so the caller can tell *definite* failures (nothing accepted: safe
to retry) from an *uncertain* one (the connection died during DATA: the server may
have accepted it). ``before_data`` runs just before DATA; that is where the ledger
claims the digest, so a crash before it leaves the digest safely pending.

The password is read from ``RESEARCHJOBS_SMTP_PASSWORD`` at the moment of login and
kept nowhere else; error messages carry the server's reply, never the credentials.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from researchjobs.files import atomic_write

PASSWORD_ENV = "RESEARCHJOBS_SMTP_PASSWORD"
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class DeliveryConfigError(Exception):
    """The [smtp] settings cannot work; the message says which key to fix."""


class SendFailedError(Exception):
    """Nothing was accepted by the server; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SendUncertainError(Exception):
    """The connection broke during DATA: the message may or may not have been accepted."""


class ClaimLostError(Exception):
    """Another process claimed this digest first; it is theirs to send."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    user: str | None
    sender: str | None
    timeout: float = 30.0
    ca_file: str | None = None

    @classmethod
    def from_settings(cls, smtp: dict[str, Any]) -> SmtpConfig:
        host = str(smtp.get("host") or "").strip()
        if not host:
            raise DeliveryConfigError(
                'smtp.host is not set; --send needs host = "..." in the smtp table of the config file'
            )
        security = str(smtp.get("security") or "starttls").lower()
        if security not in SECURITY:
            raise DeliveryConfigError(f"smtp.security must be one of {', '.join(SECURITY)}, got {security!r}")
        port = smtp.get("port") or DEFAULT_PORTS[security]
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise DeliveryConfigError(f"smtp.port must be a port number, got {port!r}")
        user = smtp.get("user")
        timeout = smtp.get("timeout", 30.0)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise DeliveryConfigError(f"smtp.timeout must be a positive number of seconds, got {timeout!r}")
        config = cls(
            host=host,
            port=port,
            security=security,
            user=str(user) if user else None,
            sender=str(smtp["sender"]) if smtp.get("sender") else None,
            timeout=float(timeout),
            ca_file=str(smtp["ca_file"]) if smtp.get("ca_file") else None,
        )
        if config.user and security == "none" and not _loopback(host):
            raise DeliveryConfigError(
                'smtp.security = "none" would send the password in clear text; use starttls or ssl'
            )
        return config

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _password(config: SmtpConfig) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        raise SendFailedError(
            f"smtp.user is set but {PASSWORD_ENV} is not; set it in the environment", permanent=False
        )
    return password


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = (
        exc.smtp_error.decode("utf-8", "replace")
        if isinstance(exc.smtp_error, bytes)
        else str(exc.smtp_error)
    )
    return f"{exc.smtp_code} {' '.join(text.split())}"[:300]


def send_smtp(
    message: bytes,
    *,
    sender: str,
    recipient: str,
    config: SmtpConfig,
    context: ssl.SSLContext | None = None,
    before_data: Callable[[], bool] | None = None,
) -> None:
    """Deliver one message. Raises SendFailedError, SendUncertainError or ClaimLostError; returns when accepted.

    TLS is never optional once configured: a server without STARTTLS is a failure,
    not a reason to continue in clear text.
    """
    where = f"{config.host}:{config.port}"
    try:
        if config.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=context or config.tls_context()
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailedError(f"cannot connect to SMTP server {where}: {_brief(exc)}") from None
    try:
        try:
            client.ehlo()
            if config.security == "starttls":
                if not client.has_extn("starttls"):
                    raise SendFailedError(
                        f"{where} does not offer STARTTLS; refusing to continue without TLS"
                    )
                client.starttls(context=context or config.tls_context())
                client.ehlo()
            if config.user:
                client.login(config.user, _password(config))
            code, reply = client.mail(sender)
            if code != 250:
                raise SendFailedError(
                    f"{where} refused the sender: {code} {_text(reply)}", permanent=500 <= code < 600
                )
            code, reply = client.rcpt(recipient)
            if code not in (250, 251):
                raise SendFailedError(
                    f"{where} refused {recipient}: {code} {_text(reply)}", permanent=500 <= code < 600
                )
        except SendFailedError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailedError(f"{where} rejected the login for {config.user}: {_reply(exc)}") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise SendFailedError(f"{where}: {_brief(exc)}; refusing to continue without it") from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailedError(f"{where}: {_reply(exc)}") from None
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise SendFailedError(f"TLS with {where} failed: {_brief(exc)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailedError(f"SMTP session with {where} failed before sending: {_brief(exc)}") from None
        if before_data is not None and not before_data():
            raise ClaimLostError("another process is sending this digest")
        try:
            code, reply = client.data(message)
        except smtplib.SMTPResponseException as exc:
            # The server answered DATA with a refusal: it did not take the message.
            raise SendFailedError(
                f"{where} refused the message: {_reply(exc)}", permanent=500 <= exc.smtp_code < 600
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendUncertainError(f"connection to {where} broke while sending: {_brief(exc)}") from None
        if code != 250:  # data() returns the final reply instead of raising on it
            raise SendFailedError(
                f"{where} refused the message: {code} {_text(reply)}", permanent=500 <= code < 600
            )
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


# ---------------------------------------------------------------- outbox


def outbox_stem(local_date: str, profile: str, message_id: str) -> str:
    """A file name fixed by the Message-ID, so writing the same digest twice is one file."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", profile).strip("-")[:40] or "profile"
    token = hashlib.sha1(message_id.encode()).hexdigest()[:12]
    return f"{local_date}_{slug}_{token}"


def write_outbox(outbox: Path, stem: str, message: bytes, html: str | None) -> Path:
    """Write ``stem.html`` then ``stem.eml``, each atomically; the .eml is the delivery."""
    outbox.mkdir(parents=True, exist_ok=True)
    if html is not None:
        atomic_write(outbox / f"{stem}.html", html.encode("utf-8"))
    target = outbox / f"{stem}.eml"
    atomic_write(target, message)
    return target
