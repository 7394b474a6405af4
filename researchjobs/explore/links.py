"""``jobs --open``: hand the first result's link to a browser, or print it when there is none.

On a headless server (SSH, cron, CI) ``webbrowser`` would start a text browser or
block, so it is only used when a graphical session is visible.
"""

from __future__ import annotations

import os
import sys
import webbrowser


def has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_link(url: str) -> bool:
    """True when a browser took the link; only http(s) links are ever opened."""
    if not url.startswith(("http://", "https://")) or not has_display():
        return False
    try:
        return bool(webbrowser.open(url, new=2))
    except webbrowser.Error:
        return False
