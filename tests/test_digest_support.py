"""Shared pieces for the digest and scheduler tests (no tests here).

A real aiosmtpd server on loopback with STARTTLS (a self-signed certificate made in
the test with ``cryptography``) and AUTH; postings stored through the real storage
layer; matches written straight into the matcher's ``matches`` table so each test
controls exactly what is "new"; profiles written as the TOML files users edit.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import json
import os
import signal
import socket
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from researchjobs.matcher.profiles import Profile, load_profile
from researchjobs.posting import Posting
from researchjobs.storage.postings import posting_row, upsert_rows

USER = "digest-bot"
PASSWORD = "pw-7Hq!zX-s3cret-only-in-env"  # a test credential


def free_port() -> int:
    """aiosmtpd's Controller(port=0) fails its own self-check, so pick a port first."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def client_context(cert: Path) -> ssl.SSLContext:
    """What a test injects into delivery: verification on, trusting only the test cert."""
    return ssl.create_default_context(cafile=str(cert))


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=policy.default)  # type: ignore[return-value]


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1 with STARTTLS required before AUTH, and fault hooks."""

    directory: Path
    port: int = field(default_factory=free_port)
    starttls: bool = True
    implicit_tls: bool = False
    kill_at: str | None = None  # "rcpt" or "data": SIGKILL this pid there
    kill_pid: int | None = None
    data_reply: str | None = None  # e.g. "451 4.3.0 try later"
    rcpt_reply: str | None = None
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    controller: Controller | None = None

    def __post_init__(self) -> None:
        self.cert, self.key = make_cert(self.directory)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {"authenticator": self._authenticate, "auth_require_tls": True}
        if self.implicit_tls:  # aiosmtpd only counts STARTTLS as TLS for AUTH, so allow it here
            kwargs.update(ssl_context=self.server_context(), auth_require_tls=False)
        elif self.starttls:
            kwargs.update(tls_context=self.server_context(), require_starttls=True)
        else:
            kwargs["auth_require_tls"] = False
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
            self.logins.append(f"{mechanism}:{'ok' if ok else 'bad'}")
            return AuthResult(success=ok, handled=False)  # handled=True would mean "I replied myself"
        return AuthResult(success=False, handled=False)

    def _kill(self) -> None:
        if self.kill_pid:
            os.kill(self.kill_pid, signal.SIGKILL)
            self.kill_pid = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if self.kill_at == "rcpt":
            self._kill()
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                bytes(envelope.original_content or envelope.content),
            )
        )
        if self.kill_at == "data":
            self._kill()  # the message is in; the client dies before it can record that
        return "250 2.0.0 queued"

    def smtp_settings(self, security: str = "starttls") -> str:
        return (
            f'[smtp]\nhost = "127.0.0.1"\nport = {self.port}\nsecurity = "{security}"\nuser = "{USER}"\n'
            f'sender = "researchjobs <digests@example.org>"\nca_file = "{self.cert}"\ntimeout = 10\n'
        )


# ---------------------------------------------------------------- data


def write_profile(home: Path, name: str = "amina", **fields: Any) -> Profile:
    values: dict[str, Any] = {
        "email": f"{name}@example.org",
        "timezone": "America/New_York",
        "digest_time": "07:30",
        "digest_when_empty": "skip",
        "roles": ["clinical research coordinator"],
        "work_authorization": "needs_h1b",
        "languages": ["English", "Spanish"],
        "certifications": ["CITI GCP"],
    }
    values.update(fields)
    lines = [f"{k} = {json.dumps(v)}" for k, v in values.items() if v is not None]
    path = home / "profiles" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_profile(path)


def add_postings(
    db: Any, specs: list[dict[str, Any]], *, now: str = "2026-11-01T12:00:00Z"
) -> dict[str, str]:
    """Store postings; each spec: id, title, plus Posting fields or facts. Returns id → key."""
    rows, clusters = [], {}
    for spec in specs:
        spec = dict(spec)
        job_id = str(spec.pop("id"))
        cluster = spec.pop("cluster", None)
        source = spec.pop("source", "greenhouse:harborviewresearch")
        posting_fields = {k: spec.pop(k) for k in list(spec) if k in Posting.__dataclass_fields__}
        posting = Posting(
            source_family=source.split(":")[0],
            source_id=source,
            source_job_id=job_id,
            title=posting_fields.pop("title", "Clinical Research Coordinator I"),
            url=posting_fields.pop(
                "url", f"https://job-boards.greenhouse.io/harborviewresearch/jobs/{job_id}"
            ),
            employer=posting_fields.pop("employer", "Harborview Clinical Research"),
            **posting_fields,
        )
        facts = {
            "role_level": "entry",
            "role_family": "crc",
            "city": "Boston",
            "state": "MA",
            "remote": "onsite",
        }
        facts.update(spec)
        row = posting_row(posting, facts)
        rows.append(row)
        if cluster:
            clusters[row["key"]] = cluster
    upsert_rows(db, rows, now=now, cluster_for=lambda conn, row: clusters.get(row["key"], row["key"]))
    return {r["source_job_id"]: r["key"] for r in rows}


def add_match(
    db: Any,
    profile: str,
    key: str,
    *,
    score: float = 80,
    eligible: bool = True,
    reasons: list[str] | None = None,
    gates: list[dict[str, str]] | None = None,
    matched_at: str = "2026-11-01T12:00:00Z",
) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO matches (profile, posting_key, eligible, gates, score, components, reasons,"
        " matched_at, posting_changed_at, first_matched_at, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [profile, key, int(eligible), json.dumps(gates or []), score, "{}",
         json.dumps(reasons if reasons is not None else ["+ entry-level CRC"]), matched_at, matched_at, matched_at,
         matched_at],
    )  # fmt: skip


def outbox_messages(outbox: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted(outbox.glob("*.eml"))
    ]


def html_part(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def text_part(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")
