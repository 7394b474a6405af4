"""A local HTTP server that replays recorded responses, keyed by the real URL.

Spiders keep their live URLs; one setting (``REPLAY_URL``) makes the downloader
middleware send ``https://host/path?q`` to ``http://127.0.0.1:PORT/__replay__/https/host/path?q``
and put the real URL back on the response. Everything else — robots.txt, retries,
redirects, throttling, parsing — is the live code path.

A recording directory holds ``manifest.json``::

    {"responses": [
      {"method": "GET", "url": "https://boards-api.greenhouse.io/v1/boards/x/jobs?content=true",
       "status": 200, "headers": {"Content-Type": "application/json"}, "file": "x.json"},
      {"method": "POST", "url": "https://t.wd1.myworkdayjobs.com/wday/cxs/t/s/jobs",
       "body": {"limit": 20, "offset": 0, "searchText": "", "appliedFacets": {}}, "file": "p0.json"},
      {"url": "...", "sequence": [{"status": 429, "headers": {"Retry-After": "1"}}, {"file": "ok.json"}]}
    ]}

Faults per response: ``status``, ``headers``, ``delay`` (seconds), ``fault`` = ``reset``
(connection reset), ``truncate`` (promise more bytes than sent), ``hang`` (never answer
within the client's timeout). A ``sequence`` serves its items in order, then repeats the last.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from researchjobs.faults import CONNECTIVITY_URLS

PREFIX = "/__replay__/"


def request_key(method: str, url: str, body: bytes | str | Any | None = None) -> str:
    """Method, host, path, sorted query and a digest of a POST body (canonical JSON)."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    body_digest = ""
    if body not in (None, b"", ""):
        body_digest = hashlib.sha1(_canonical_body(body).encode()).hexdigest()[:16]
    host = (parts.hostname or "").lower()
    return f"{method.upper()} {host}{parts.path or '/'}?{query}#{body_digest}"


def _canonical_body(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return body
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def rewrite(url: str, replay_base: str) -> str:
    """The replay server's address for a real URL."""
    parts = urlsplit(url)
    tail = f"{parts.scheme}/{parts.netloc}{parts.path or '/'}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{replay_base.rstrip('/')}{PREFIX}{tail}{query}"


def unrewrite(path_and_query: str) -> str:
    """The real URL behind a replay path."""
    rest = path_and_query[len(PREFIX) :]
    scheme, _, remainder = rest.partition("/")
    return f"{scheme}://{remainder}"


@dataclass
class Recorded:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    fault: str | None = None


class Recordings:
    """Recorded responses by request key; thread-safe counters for tests."""

    def __init__(self) -> None:
        self._entries: dict[str, list[Recorded]] = {}
        self.hits: Counter[str] = Counter()
        self.unmatched: list[str] = []
        self._lock = threading.Lock()

    def load_dir(self, root: Path) -> Recordings:
        manifest = root / "manifest.json"
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{manifest}: cannot load replay manifest: {exc}") from None
        for index, entry in enumerate(data.get("responses", [])):
            try:
                self.add(entry, root)
            except (OSError, KeyError, ValueError) as exc:
                raise ValueError(f"{manifest}: response #{index + 1}: {exc}") from None
        return self

    def add(self, entry: dict[str, Any], root: Path | None = None) -> str:
        key = request_key(entry.get("method", "GET"), entry["url"], entry.get("body"))
        steps = entry.get("sequence") or [entry]
        self._entries[key] = [self._recorded(step, root) for step in steps]
        return key

    @staticmethod
    def _recorded(step: dict[str, Any], root: Path | None) -> Recorded:
        headers = dict(step.get("headers", {}))
        if "file" in step:
            body = ((root or Path.cwd()) / step["file"]).read_bytes()
        elif "json" in step:
            body = json.dumps(step["json"]).encode()
            headers.setdefault("Content-Type", "application/json")
        else:
            body = str(step.get("text", "")).encode()
        if "file" in step and "Content-Type" not in headers:
            headers["Content-Type"] = _guess_type(step["file"])
        return Recorded(
            status=int(step.get("status", 200)),
            headers=headers,
            body=body,
            delay=float(step.get("delay", 0.0)),
            fault=step.get("fault"),
        )

    def has(self, key: str) -> bool:
        with self._lock:
            return key in self._entries

    def lookup(self, key: str) -> Recorded | None:
        with self._lock:
            steps = self._entries.get(key)
            if steps is None:
                self.unmatched.append(key)
                return None
            count = self.hits[key]
            self.hits[key] += 1
        return steps[min(count, len(steps) - 1)]


def _guess_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {
        "json": "application/json",
        "html": "text/html; charset=utf-8",
        "xml": "application/xml",
        "atom": "application/atom+xml",
        "rss": "application/rss+xml",
        "txt": "text/plain",
    }.get(suffix, "application/octet-stream")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
        # client's delayed ACK stall every keep-alive response by ~40 ms.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length else b"")

    def _serve(self, body: bytes) -> None:
        if not self.path.startswith(PREFIX):
            self._send(Recorded(404, {"Content-Type": "text/plain"}, b"not a replay path"))
            return
        url = unrewrite(self.path)
        key = request_key(self.command, url, body or None)
        if url in CONNECTIVITY_URLS and not self.server.recordings.has(key):
            # The replay server plays the internet: it answers the connectivity check as the
            # internet does (204) unless a recording says otherwise (a captive portal, say).
            self._send(Recorded(204, {}, b""))
            return
        recorded = self.server.recordings.lookup(key)
        if recorded is None:
            message = json.dumps({"replay": "no recording", "method": self.command, "url": url})
            self._send(Recorded(404, {"Content-Type": "application/json"}, message.encode()))
            return
        if recorded.delay:
            time.sleep(recorded.delay)
        if recorded.fault == "hang":
            time.sleep(self.server.hang_seconds)
            self.close_connection = True
            return
        if recorded.fault == "reset":
            self._reset()
            return
        self._send(recorded)

    def _send(self, recorded: Recorded) -> None:
        body = recorded.body
        truncated = recorded.fault == "truncate"
        self.send_response(recorded.status)
        for name, value in recorded.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) * 2 + 10 if truncated else len(body)))
        if truncated:
            self.send_header("Connection", "close")
        self.end_headers()
        payload = body[: max(1, len(body) // 2)] if truncated else body
        try:
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        if truncated:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def _reset(self) -> None:
        """Close with SO_LINGER 0 so the client sees a TCP RST, not a clean EOF."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], recordings: Recordings, hang_seconds: float):
        super().__init__(address, _Handler)
        self.recordings = recordings
        self.hang_seconds = hang_seconds

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # client hung up mid-response: expected under fault injection


class ReplayServer:
    """Serve recordings on 127.0.0.1 in a background thread."""

    def __init__(
        self,
        *roots: Path,
        port: int = 0,
        recordings: Recordings | None = None,
        hang_seconds: float = 60.0,
    ) -> None:
        self.recordings = recordings or Recordings()
        for root in roots:
            self.recordings.load_dir(Path(root))
        self._server = _Server(("127.0.0.1", port), self.recordings, hang_seconds)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def serving(*roots: Path) -> Iterator[ReplayServer]:
    server = ReplayServer(*roots).start()
    try:
        yield server
    finally:
        server.stop()
