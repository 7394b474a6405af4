"""Offline benchmark: how long a crawl and a ``run`` take to say "no network".

Both run as a user runs them (``python -m researchjobs ...`` in a subprocess, production
settings: retries, back-off, timeouts) on a machine with no network, played by a resolver
that finds nothing (``researchjobs.resolvers.NoNetworkResolver``):

- ``crawl`` of two sources (Greenhouse + Lever);
- ``run`` (crawl, then stop before matching) on a 300-source registry over six families.

The floor is the simplest way to learn the same thing: a fresh interpreter doing one
failed DNS lookup. Median of ``REPEAT`` runs.

    python bench/bench_offline.py [REPEAT]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_NETWORK = ["--set", "TWISTED_DNS_RESOLVER=researchjobs.resolvers.NoNetworkResolver"]
FAMILIES = ("greenhouse", "lever", "workday", "ashby", "smartrecruiters", "jsonld")


def entry(n: int) -> str:
    name = f"researchsite{n:03d}"
    family = FAMILIES[n % len(FAMILIES)]
    params = {
        "greenhouse": f'board = "{name}"',
        "lever": f'site = "{name}"',
        "workday": f'host = "{name}.wd5.myworkdayjobs.com"\ntenant = "{name}"\nsite = "Careers"',
        "ashby": f'board = "{name}"',
        "smartrecruiters": f'company = "{name}"',
        "jsonld": f'url = "https://careers.{name}.org/jobs"',
    }[family]
    return f'[[source]]\nid = "{family}:{name}"\nemployer = "Research Site {n}"\n{params}\n'


def timed(argv: list[str], home: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "RESEARCHJOBS_HOME": str(home)}
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return time.perf_counter() - started, result


def median_of(repeat: int, argv: list[str], registry: str) -> tuple[float, str]:
    times, line = [], ""
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            (home / "sources.toml").write_text(registry)
            seconds, result = timed(argv, home)
            times.append(seconds)
            line = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
            assert (home / "sources.toml").read_text() == registry, "the registry changed"
    return statistics.median(times), line


def main(repeat: int) -> None:
    py = [sys.executable, "-m", "researchjobs"]
    floor, _ = median_of(repeat, [sys.executable, "-c", "import socket\ntry:\n socket.getaddrinfo("
                                  "'boards-api.greenhouse.io', 443)\nexcept OSError:\n pass"], "")  # fmt: skip
    two = entry(0) + "\n" + entry(1)
    crawl, line = median_of(repeat, [*py, "crawl", "greenhouse:researchsite000", "lever:researchsite001",
                                     "-q", *NO_NETWORK], two)  # fmt: skip
    print(f"crawl of 2 sources, offline: {crawl:.2f} s (median of {repeat}) -> {line}")
    real, line = median_of(repeat, [*py, "crawl", "greenhouse:researchsite000", "lever:researchsite001", "-q"], two)
    print(f"crawl of 2 sources, this machine's own DNS: {real:.2f} s -> {line}")
    big = "\n".join(entry(n) for n in range(300))
    run, line = median_of(repeat, [*py, "run", *NO_NETWORK], big)
    print(f"run on 300 sources, offline: {run:.2f} s (median of {repeat}) -> {line}")
    print(f"floor: interpreter + one failed DNS lookup: {floor:.3f} s; "
          f"ratios: crawl {crawl / floor:.0f}x, run {run / floor:.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
