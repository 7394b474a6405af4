"""Delivery, exactly once: a real aiosmtpd server (STARTTLS + AUTH) on loopback, and the outbox.

Faults are real too: the server is down and then up, answers 4xx/5xx, lacks STARTTLS,
and a client process is SIGKILLed just before or just after the server took DATA.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_digest_support import (
    PASSWORD,
    USER,
    SmtpServer,
    add_match,
    add_postings,
    client_context,
    html_part,
    outbox_messages,
    write_profile,
)

from researchjobs.config import PROJECT_ROOT, load_settings, paths
from researchjobs.digest import DeliveryConfigError, last_digests, run_digests
from researchjobs.scheduler import configure_logging
from researchjobs.storage.db import open_db

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def db(home: Path):
    database = open_db(paths().ensure().db)
    yield database
    database.conn.close()


@pytest.fixture
def smtp(tmp_path: Path):
    server = SmtpServer(tmp_path)
    yield server
    server.stop()


def seed(home: Path, db, jobs: int = 2, name: str = "amina") -> None:
    write_profile(home, name)
    keys = add_postings(
        db, [{"id": str(i), "title": f"Clinical Research Coordinator {i}"} for i in range(jobs)]
    )
    for key in keys.values():
        add_match(db, name, key)


def configure(home: Path, server: SmtpServer, security: str = "starttls") -> None:
    (home / "config.toml").write_text(server.smtp_settings(security), encoding="utf-8")


def send(db, server: SmtpServer, **kw):
    return run_digests(db, paths(), send=True, now=NOW, ssl_context=client_context(server.cert), **kw)


def states(db) -> list[str]:
    return [r["state"] for r in db.query("SELECT state FROM digests ORDER BY id")]


def test_starttls_auth_multipart_delivered(home: Path, db, smtp: SmtpServer, monkeypatch) -> None:
    seed(home, db)
    configure(home, smtp)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    smtp.start()
    [result] = send(db, smtp)
    assert result.state == "sent" and result.channel == "smtp"
    assert smtp.logins and all(x.endswith(":ok") for x in smtp.logins)
    [got] = smtp.received
    assert got.mail_from == "digests@example.org" and got.rcpt_tos == ["amina@example.org"]
    message = got.message()
    assert message["Message-ID"] == result.message_id
    assert message.get_content_type() == "multipart/alternative"
    assert "Clinical Research Coordinator 1" in html_part(message)
    assert message["List-Unsubscribe"] == "<mailto:digests@example.org?subject=unsubscribe%20amina>"
    assert states(db) == ["sent"]
    assert not list(paths().outbox.glob("*.eml"))  # SMTP, not the outbox
    assert send(db, smtp)[0].state == "nothing"
    assert len(smtp.received) == 1


def test_implicit_tls(home: Path, db, tmp_path: Path, monkeypatch) -> None:
    seed(home, db, jobs=1)
    server = SmtpServer(tmp_path, implicit_tls=True)
    configure(home, server, "ssl")
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    with server:
        [result] = send(db, server)
    assert result.state == "sent", result.error
    assert len(server.received) == 1


def test_smtp_down_then_up_is_delivered_exactly_once(home: Path, db, smtp: SmtpServer, monkeypatch) -> None:
    seed(home, db)
    configure(home, smtp)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    [down] = send(db, smtp)  # nothing listens on the port yet
    assert down.state == "pending" and "cannot connect" in (down.error or "")
    recorded = db.execute("SELECT message_id, message FROM digests").fetchone()
    assert recorded[0] == down.message_id and states(db) == ["pending"]
    [still] = send(db, smtp)  # a second tick while still down: retried, no new digest piled up
    assert still.state == "pending" and still.retried and states(db) == ["pending"]
    smtp.start()
    up, after = send(db, smtp)
    assert up.state == "sent" and up.retried and up.message_id == down.message_id
    assert after.state == "nothing"  # nothing new beyond the digest that was owed
    assert send(db, smtp)[0].state == "nothing"
    [got] = smtp.received
    assert got.message()["Message-ID"] == down.message_id
    assert got.content.replace(b"\r\n", b"\n") == bytes(recorded[1]).replace(b"\r\n", b"\n")  # the same bytes


def test_no_plaintext_fallback_when_starttls_is_missing(home: Path, db, tmp_path: Path, monkeypatch) -> None:
    seed(home, db, jobs=1)
    server = SmtpServer(tmp_path, starttls=False)
    configure(home, server)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    with server:
        [result] = send(db, server)
    assert result.state == "pending" and "STARTTLS" in (result.error or "")
    assert server.logins == [] and server.received == []


def test_temporary_refusal_of_data_is_retried(home: Path, db, smtp: SmtpServer, monkeypatch) -> None:
    seed(home, db, jobs=1)
    configure(home, smtp)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    smtp.data_reply = "451 4.3.0 mailbox busy, try later"
    smtp.start()
    [first] = send(db, smtp)
    assert first.state == "pending" and "451" in (first.error or "")
    smtp.data_reply = None
    second, _ = send(db, smtp)
    assert second.state == "sent" and second.message_id == first.message_id and len(smtp.received) == 1


def test_permanent_refusal_fails_and_releases_the_jobs(home: Path, db, smtp: SmtpServer, monkeypatch) -> None:
    seed(home, db, jobs=1)
    configure(home, smtp)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    smtp.rcpt_reply = "550 5.1.1 no such user"
    smtp.start()
    [result] = send(db, smtp)
    assert result.state == "failed" and "550" in (result.error or "")
    assert db.execute("SELECT COUNT(*) FROM digest_items").fetchone()[0] == 0  # free for the next digest
    smtp.rcpt_reply = None
    [again] = send(db, smtp)
    assert again.state == "sent" and again.items == 1


def test_bad_smtp_config_is_one_clear_error(home: Path, db) -> None:
    (home / "config.toml").write_text('[smtp]\nhost = "mail.example.org"\nsecurity = "tls1"\n')
    with pytest.raises(DeliveryConfigError, match=r"smtp\.security must be one of starttls, ssl, none"):
        run_digests(db, paths(), send=True, now=NOW)
    (home / "config.toml").write_text('[smtp]\nhost = "mail.example.org"\nsecurity = "none"\nuser = "me"\n')
    with pytest.raises(DeliveryConfigError, match="clear text"):
        run_digests(db, paths(), send=True, now=NOW)


# ---------------------------------------------------------------- crashes


def run_cli(home: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, RESEARCHJOBS_HOME=str(home), RESEARCHJOBS_SMTP_PASSWORD=PASSWORD)
    return subprocess.Popen(
        [sys.executable, "-m", "researchjobs", *args], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_killed_after_the_server_took_it_is_never_sent_twice(
    home: Path, db, smtp: SmtpServer, monkeypatch
) -> None:
    """The crash window SMTP cannot close: the server has the message, the ledger says 'sending'."""
    seed(home, db)
    configure(home, smtp)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    smtp.kill_at = "data"
    smtp.start()
    child = run_cli(home, "digest", "--send")
    smtp.kill_pid = child.pid
    child.communicate(timeout=60)
    assert child.returncode == -9  # SIGKILL, after DATA was received, before 'sent' was recorded
    assert len(smtp.received) == 1 and states(db) == ["sending"]
    results = send(db, smtp)  # the next run finds the dead owner
    assert [r.state for r in results] == ["uncertain", "nothing"]
    assert "not resent automatically" in (results[0].error or "")
    assert len(smtp.received) == 1 and states(db) == ["uncertain"]
    assert send(db, smtp)[0].state == "nothing" and len(smtp.received) == 1
    [last] = last_digests(db)
    assert last["uncertain_count"] == 1
    # only when the user asks: send it again, same Message-ID
    resent = send(db, smtp, resend_uncertain=True)
    assert [r.state for r in resent] == ["sent", "nothing"]
    assert len(smtp.received) == 2 and len({r.message()["Message-ID"] for r in smtp.received}) == 1


def test_killed_before_data_is_resent_once(home: Path, db, smtp: SmtpServer, monkeypatch) -> None:
    seed(home, db)
    configure(home, smtp)
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    smtp.kill_at = "rcpt"
    smtp.start()
    child = run_cli(home, "digest", "--send")
    smtp.kill_pid = child.pid
    child.communicate(timeout=60)
    assert child.returncode == -9 and smtp.received == [] and states(db) == ["pending"]
    smtp.kill_at = None
    result, _ = send(db, smtp)
    assert result.state == "sent" and result.retried and len(smtp.received) == 1


def test_outbox_killed_between_write_and_record_gives_one_file(home: Path, db) -> None:
    seed(home, db)
    script = textwrap.dedent(
        """
        import os, signal
        import researchjobs.storage.digests as ledger
        ledger.mark_sent = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        from researchjobs.config import paths
        from researchjobs.digest import run_digests
        from researchjobs.storage.db import open_db
        run_digests(open_db(paths().db), paths())
        """
    )
    child = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, timeout=60,
                           env=dict(os.environ, RESEARCHJOBS_HOME=str(home)))  # fmt: skip
    assert child.returncode == -9
    [eml] = paths().outbox.glob("*.eml")
    before = eml.read_bytes()
    assert states(db) == ["pending"]
    result, _ = run_digests(db, paths(), now=NOW)
    assert result.state == "sent" and result.retried and result.path == eml
    assert [p.name for p in paths().outbox.glob("*.eml")] == [eml.name] and eml.read_bytes() == before
    assert not list(paths().outbox.glob(".*.tmp"))  # no half-written leftovers
    assert len(outbox_messages(paths().outbox)) == 1


def test_the_password_never_leaks(home: Path, db, smtp: SmtpServer, monkeypatch, caplog, capfd) -> None:
    seed(home, db)
    configure(home, smtp)
    caplog.set_level("DEBUG")
    smtp.start()
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", "wrong-" + PASSWORD)
    [refused] = send(db, smtp)
    assert refused.state == "pending" and "rejected the login" in (refused.error or "")
    monkeypatch.setenv("RESEARCHJOBS_SMTP_PASSWORD", PASSWORD)
    result, _ = send(db, smtp)
    assert result.state == "sent"
    needles = [PASSWORD.encode(), base64.b64encode(PASSWORD.encode()),
               base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())]  # fmt: skip
    captured = capfd.readouterr()
    texts = [caplog.text, captured.out, captured.err, refused.error or "", repr(load_settings())]
    # and if some day a line does carry it, the scheduler's log file blanks it out
    level = logging.getLogger().level
    log_file = configure_logging(paths())
    try:
        logging.getLogger("researchjobs.test").error("config %s", os.environ["RESEARCHJOBS_SMTP_PASSWORD"])
    finally:
        for handler in logging.getLogger().handlers[-2:]:
            handler.close()
            logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(level)
    assert "[redacted]" in log_file.read_text()
    for needle in needles:
        for text in texts:
            assert needle.decode() not in text
        for path in home.rglob("*"):
            if path.is_file():
                assert needle not in path.read_bytes(), path
