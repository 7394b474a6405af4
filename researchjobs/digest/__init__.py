"""Daily digests: new matches per profile, rendered as e-mail (text + HTML) and Atom.

Delivery is exactly-once through a ledger (see ``ledger``): a digest is recorded with
its Message-ID and items before it is sent, retried byte-for-byte while it is owed,
and never resent when a crash leaves it uncertain.
"""

from researchjobs.digest.deliver import DeliveryConfigError
from researchjobs.digest.feed import build_feed, feed_path, write_feed
from researchjobs.digest.ledger import DigestResult, due_at, is_due, last_digests, next_due, run_digests

__all__ = [
    "DeliveryConfigError",
    "DigestResult",
    "build_feed",
    "due_at",
    "feed_path",
    "is_due",
    "last_digests",
    "next_due",
    "run_digests",
    "write_feed",
]
