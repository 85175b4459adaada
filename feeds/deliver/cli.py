"""``feeds deliveries``: list endpoint deliveries and put failed ones back.

::

    feeds deliveries [--pending | --failed | --dead | --done | --all] [--json] [--limit N]
    feeds deliveries retry ID... | --dead
    feeds deliveries enable ENDPOINT...
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any, TextIO

from feeds.config import Config
from feeds.deliver.store import PINGS, DeliveryStore, Disabled, Job
from feeds.errors import FeedsError


def _now() -> datetime:
    return datetime.now(UTC)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                 common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "deliveries", parents=[common],
        help="list endpoint deliveries (webhooks, WebSub pings, chat, Mastodon) and retry them",
        description="List deliveries with their attempts and last error (default: every one "
                    "not done yet), or put failed ones back with `retry`.",
    )
    which = p.add_mutually_exclusive_group()
    for flag, status, text in (
        ("--pending", "pending", "waiting for their first or next attempt"),
        ("--failed", "failed", "pending after at least one failed attempt"),
        ("--dead", "dead", "given up: a permanent error, max_attempts or max_age"),
        ("--done", "done", "accepted by the endpoint"),
        ("--all", "all", "every delivery"),
    ):
        which.add_argument(flag, dest="which", action="store_const", const=status, help=text)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="only the newest N")
    p.set_defaults(func=cmd_list, which=None)

    # The nested commands accept --config and -v too, without resetting what was given
    # before the action word (argparse copies a sub-parser's defaults over the parent's).
    nested = argparse.ArgumentParser(add_help=False)
    nested.add_argument("--config", default=argparse.SUPPRESS, metavar="PATH",
                        help="the site's configuration file")
    nested.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS)
    actions = p.add_subparsers(dest="deliveries_action", metavar="ACTION")
    r = actions.add_parser(
        "retry", parents=[nested], help="put deliveries back: pending, due now, attempts reset",
        description="Put deliveries back: pending, due now, attempts and max_age restarted; "
                    "their endpoints are re-enabled if a 410 disabled them.",
    )
    r.add_argument("ids", nargs="*", metavar="ID", help="delivery ids (msg_... or ping_...)")
    r.add_argument("--dead", dest="retry_dead", action="store_true", help="every dead delivery")
    r.set_defaults(func=cmd_retry)
    e = actions.add_parser("enable", parents=[nested],
                           help="re-enable endpoints a 410 Gone disabled")
    e.add_argument("names", nargs="+", metavar="ENDPOINT")
    e.set_defaults(func=cmd_enable)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="seconds")


def job_json(job: Job, kinds: dict[str, str], disabled: dict[str, Disabled]) -> dict[str, Any]:
    ping = job.table == PINGS
    return {
        "id": job.delivery_id,
        "endpoint": job.endpoint,
        "endpoint_kind": kinds.get(job.endpoint),
        "event": job.kind,
        "release_id": None if ping else job.release_id,
        "topic": job.release_id if ping else None,
        "status": job.status,
        "attempts": job.attempts,
        "created_at": _iso(job.created_at),
        "next_attempt_at": _iso(job.next_attempt_at) if job.status == "pending" else None,
        "done_at": _iso(job.done_at),
        "last_error": job.last_error,
        "endpoint_disabled": job.endpoint in disabled,
    }


def cmd_list(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    kinds = {e.name: e.kind for e in config.endpoints}
    if not config.state_path.exists():
        jobs: list[Job] = []
        disabled: dict[str, Disabled] = {}
        counts: dict[str, dict[str, int]] = {}
        heads: dict[tuple[str, str], int] = {}
    else:
        with DeliveryStore(config.state_path) as store:
            which = args.which
            if which == "all":
                jobs = store.all_jobs()
                jobs.sort(key=lambda j: (j.created_at, j.table, j.seq))
                jobs = jobs[-args.limit:] if args.limit else jobs
            else:
                status = {"failed": "pending", None: None}.get(which, which)
                jobs = store.jobs(status, failed=which == "failed", limit=args.limit)
            disabled = store.disabled()
            counts = store.counts()
            heads = {(j.table, j.endpoint): j.seq for j in store.heads()}
    names = list(kinds) + sorted(set(counts) - set(kinds))
    endpoints = [{
        "name": name,
        "kind": kinds.get(name),
        "in_config": name in kinds,
        "disabled_at": _iso(disabled[name].at) if name in disabled else None,
        "disabled_reason": disabled[name].reason if name in disabled else None,
        **{s: counts.get(name, {}).get(s, 0) for s in ("pending", "done", "dead")},
    } for name in names]
    if args.json:
        json.dump({"endpoints": endpoints,
                   "deliveries": [job_json(j, kinds, disabled) for j in jobs]},
                  out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for ep in endpoints:
        line = (f"endpoint {ep['name']} ({ep['kind'] or 'not in the config'}): {ep['pending']} "
                f"pending, {ep['dead']} dead, {ep['done']} done")
        if ep["disabled_at"]:
            line += (f"; DISABLED since {ep['disabled_at']}: {ep['disabled_reason']} "
                     f"(`feeds deliveries enable {ep['name']}`)")
        print(line, file=out)
    if not endpoints:
        print("no endpoints configured", file=out)
    if not jobs:
        print({None: "no deliveries waiting or dead", "all": "no deliveries"}.get(
            args.which, f"no {args.which} deliveries"), file=out)
        return 0
    print(file=out)
    rank = {name: i for i, name in enumerate(names)}
    for job in sorted(jobs, key=lambda j: (rank.get(j.endpoint, len(rank)), j.table, j.seq)):
        if job.status != "pending":
            when = f"{job.status} at {_iso(job.done_at)}"
        elif job.endpoint in disabled:
            when = "held: endpoint disabled"
        elif job.endpoint not in kinds:
            when = "held: endpoint not in the config"
        elif heads.get((job.table, job.endpoint)) != job.seq:
            when = "queued behind an earlier delivery"
        else:
            when = f"next attempt {_iso(job.next_attempt_at)}"
        tries = f"{job.attempts} {'try' if job.attempts == 1 else 'tries'}"
        print(f"{job.status:8} {tries:>9}  {job.delivery_id}  {job.endpoint}  {job.kind} "
              f"{job.release_id}  {when}", file=out)
        if job.last_error:
            print(f"{'':19}last error: {job.last_error}", file=out)
    return 0


def cmd_retry(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    if not args.ids and not args.retry_dead:
        raise FeedsError("feeds deliveries retry: give delivery ids, or --dead for every dead one")
    with DeliveryStore(config.state_path) as store:
        jobs = store.jobs("dead") if args.retry_dead else []
        for delivery_id in args.ids:
            job = store.find(delivery_id)
            if job is None:
                raise FeedsError(f"no delivery {delivery_id!r} (see `feeds deliveries --all`)")
            jobs.append(job)
        count = store.retry(jobs, _now())
        disabled = store.disabled()
        enabled = sorted({j.endpoint for j in jobs if j.endpoint in disabled and store.enable(j.endpoint)})
    print(f"{count} deliver{'y' if count == 1 else 'ies'} pending again, due now", file=out)
    for job in jobs:
        print(f"  {job.delivery_id}  {job.endpoint}  {job.kind} {job.release_id}  (was {job.status})",
              file=out)
    for name in enabled:
        print(f"endpoint {name} re-enabled", file=out)
    return 0


def cmd_enable(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    known = {e.name for e in config.endpoints}
    for name in args.names:
        if name not in known:
            raise FeedsError(f"no endpoint {name!r} in {config.path}")
    with DeliveryStore(config.state_path) as store:
        for name in args.names:
            state = "re-enabled" if store.enable(name) else "was not disabled"
            print(f"endpoint {name} {state}", file=out)
    return 0
