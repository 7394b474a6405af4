"""Charts for ``stats``: bars in the terminal, and a PNG with matplotlib.

The terminal chart needs nothing beyond rich, so ``stats`` works over SSH on a
server; the PNG uses matplotlib's Agg backend, which needs no display either.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

BAR_WIDTH = 30
_BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    """A bar of block characters, in eighths, so small weekly differences still show."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[rest] if rest else "")


def weekly_chart(weeks: Sequence[dict[str, Any]], title: str = "new and closed per week") -> Table:
    largest = max([w["new"] for w in weeks] + [w["closed"] for w in weeks] + [0])
    table = Table(title=title, header_style="bold", box=None, pad_edge=False)
    table.add_column("week of")
    table.add_column("new", justify="right")
    table.add_column("")
    table.add_column("closed", justify="right")
    table.add_column("")
    for week in weeks:
        table.add_row(
            week["week"],
            str(week["new"]),
            Text(bar(week["new"], largest), style="green"),
            str(week["closed"]),
            Text(bar(week["closed"], largest), style="red"),
        )
    return table


def counts_chart(rows: Sequence[dict[str, Any]], title: str, width: int = BAR_WIDTH) -> Table:
    largest = max([r["count"] for r in rows] + [0])
    table = Table(title=title, header_style="bold", box=None, pad_edge=False, title_justify="left")
    table.add_column(title.split(" by ")[-1] if " by " in title else "value", overflow="fold", max_width=40)
    table.add_column("open", justify="right")
    table.add_column("")
    for row in rows:
        label = "(unknown)" if row["value"] is None else str(row["value"])
        table.add_row(Text(label), str(row["count"]), Text(bar(row["count"], largest, width), style="cyan"))
    return table


def write_png(summary: dict[str, Any], path: Path) -> Path:
    """New/closed per week above, open postings by role and by state below."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    path = Path(path)
    weeks = summary["weekly"]
    fig = plt.figure(figsize=(11, 8), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    ax = fig.add_subplot(grid[0, :])
    xs = list(range(len(weeks)))
    ax.bar([x - 0.2 for x in xs], [w["new"] for w in weeks], width=0.4, label="new", color="#2a9d8f")
    ax.bar([x + 0.2 for x in xs], [w["closed"] for w in weeks], width=0.4, label="closed", color="#e76f51")
    ax.set_xticks(xs, [w["week"][5:] for w in weeks], rotation=45, ha="right")
    ax.set_title("Postings per week (week starting, UTC)")
    ax.set_ylabel("postings")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    for cell, name in ((grid[1, 0], "role"), (grid[1, 1], "state")):
        sub = fig.add_subplot(cell)
        rows = list(reversed(summary["by"].get(name, [])))
        sub.barh([str(r["value"]) if r["value"] is not None else "(unknown)" for r in rows],
                 [r["count"] for r in rows], color="#264653")  # fmt: skip
        sub.set_title(f"Open postings by {name}")
        sub.xaxis.set_major_locator(MaxNLocator(integer=True))
    totals = summary.get("totals", {})
    fig.suptitle(f"researchjobs: {totals.get('open', 0)} open, {totals.get('closed', 0)} closed postings")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
    return path
