"""Endpoint deliveries: the outbox worker and one small module per endpoint kind.

The build writes ``outbox`` rows in the same transaction as the publication state that
causes them (``feeds.outbox``); after it writes feeds it records WebSub pings with
``enqueue_websub``. ``drain`` posts what is due, one asyncio task per endpoint, and stores
every outcome before it moves on, so retries survive restarts::

    outbox / websub_pings rows ──drain──> pending ──2xx──────────────> done
                                             │ ├─429/5xx/timeout──> pending, next_attempt_at later
                                             │ ├─410──────────────> pending, endpoint disabled
                                             │ └─other 4xx───────> dead (status + body excerpt)
                                             └─max_attempts / max_age──> dead

``feeds deliveries`` lists them; ``feeds deliveries retry`` puts them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from feeds.deliver.worker import (
        DrainReport,
        check_secrets,
        create_client,
        drain,
        enqueue_websub,
        next_due,
        run_deliveries,
    )

__all__ = [
    "DrainReport",
    "check_secrets",
    "create_client",
    "drain",
    "enqueue_websub",
    "next_due",
    "run_deliveries",
]


def __getattr__(name: str) -> object:
    # Lazily: `feeds deliveries` and the rest of the CLI need not import httpx.
    if name in __all__:
        from feeds.deliver import worker

        return getattr(worker, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
