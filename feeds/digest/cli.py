"""``feeds digest`` and ``feeds subscribers``: arguments in, the digest service called,
results printed. Heavy imports (aiosmtplib, css-inline, Jinja2) wait until a command runs."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from feeds.config import Config
from feeds.digest.errors import DigestError
from feeds.digest.subscribers import STATUSES


def _now() -> datetime:
    return datetime.now(UTC)


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "digest", parents=[common],
        help="preview, send or inspect an email digest ([[digest]] NAME in config.toml)",
        description="Preview the next issue of a digest, send it (or resume the unfinished "
                    "one), send a test copy to one address, or show the last issues.",
    )
    p.add_argument("name", metavar="NAME", help="the [[digest]]'s name")
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--preview", metavar="FILE.html", type=Path,
                        help="render the next issue into FILE.html; send and record nothing")
    action.add_argument("--send", action="store_true",
                        help="make the next issue and send it now, or resume the unfinished one")
    action.add_argument("--status", action="store_true",
                        help="the last issues and their send counts")
    p.add_argument("--to", metavar="ADDR",
                   help="with --send: a test copy of the next issue to ADDR only, not recorded")
    p.add_argument("--json", action="store_true", help="with --status: print JSON")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("subscribers", parents=[common], help="manage the digests' subscribers")
    actions = p.add_subparsers(dest="subscribers_command", required=True, metavar="ACTION")
    digest_help = "a [[digest]] name (repeatable; default: every digest)"

    a = actions.add_parser("add", parents=[common], help="add (or re-add) EMAIL addresses")
    a.add_argument("emails", nargs="+", metavar="EMAIL")
    a.add_argument("--digest", action="append", metavar="NAME", help=digest_help)
    a.set_defaults(func=cmd_add)

    a = actions.add_parser("remove", parents=[common],
                           help="unsubscribe EMAIL addresses (kept, so no import re-adds them)")
    a.add_argument("emails", nargs="+", metavar="EMAIL")
    a.add_argument("--digest", action="append", metavar="NAME",
                   help="from this digest only (repeatable; default: from everything)")
    a.add_argument("--forget", action="store_true",
                   help="delete the addresses and their history instead (an erasure request)")
    a.set_defaults(func=cmd_remove)

    a = actions.add_parser("list", parents=[common], help="list subscribers")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    a.add_argument("--status", choices=STATUSES, help="only subscribers with this status")
    a.add_argument("--digest", metavar="NAME", help="only subscribers of this digest")
    a.set_defaults(func=cmd_list)

    a = actions.add_parser("import", parents=[common],
                           help="add or merge subscribers from a CSV file (columns: email, "
                                "optionally status and digests)")
    a.add_argument("file", metavar="FILE.csv", type=Path)
    a.add_argument("--digest", action="append", metavar="NAME",
                   help="for rows without a digests column (repeatable; default: every digest)")
    a.set_defaults(func=cmd_import)

    a = actions.add_parser("export", parents=[common],
                           help="every subscriber as CSV (what import reads back)")
    a.add_argument("--output", "-o", metavar="FILE.csv", type=Path,
                   help="write to FILE.csv instead of standard output")
    a.set_defaults(func=cmd_export)


# -- feeds digest ----------------------------------------------------------------------------


def cmd_digest(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from feeds.digest import service

    if args.to and not args.send:
        raise DigestError("--to goes with --send (a test copy to one address)")
    if args.status:
        return _print_status(service.status(config, args.name), args.json, out)
    if args.preview is not None:
        d = service.preview(config, args.name, _now(), args.preview)
        more = f" (and {d.more} more)" if d.more else ""
        print(f"wrote {args.preview}: issue {d.number} of {d.digest.name}, {d.subject!r}, "
              f"{d.releases} releases{more}", file=out)
        if d.would_skip:
            print("nothing new since the last issue: --send would skip it (skip_empty)", file=out)
        return 0
    if args.to:
        d = service.test_send(config, args.name, _now(), args.to)
        print(f"sent a test copy of issue {d.number} of {d.digest.name} ({d.subject!r}, "
              f"{d.releases} releases) to {args.to}; not recorded as the issue", file=out)
        return 0
    run = service.send_now(config, args.name, _now())
    return _print_run(run, out)


def _print_run(run: Any, out: TextIO) -> int:
    c = run.counts
    if run.skipped_empty and not run.issues:
        print(f"digest {run.digest}: no new releases since the last issue; nothing sent "
              "(skip_empty)", file=out)
        return 0
    for number in run.issues:
        made = (f"made issue {number} with {run.releases} releases"
                if number == run.created else f"resumed issue {number}")
        print(f"digest {run.digest}: {made}", file=out)
    parts = [f"{c.sent} sent"]
    if c.recovered:
        parts.append(f"{c.recovered} found delivered by a stopped run")
    if c.uncertain:
        parts.append(f"{c.uncertain} sent again after an unconfirmed attempt (same Message-ID)")
    parts += [f"{c.deferred} deferred", f"{c.failed} failed"]
    if c.bounced:
        parts.append(f"{c.bounced} now bounced")
    if c.skipped:
        parts.append(f"{c.skipped} skipped (unsubscribed since)")
    print("  " + ", ".join(parts), file=out)
    for problem in run.problems:
        print(f"  problem: {problem}", file=out)
    if not run.complete:
        print(f"  not finished: recipients deferred by the server wait for the next run "
              f"(`feeds digest {run.digest} --send`, or the daemon)", file=out)
        return 1
    return 1 if run.problems else 0


def _print_status(st: Any, as_json: bool, out: TextIO) -> int:
    d = st.digest
    if as_json:
        json.dump({
            "digest": d.name, "cron": d.cron, "timezone": d.timezone, "recipients": st.recipients,
            "issues": [{
                "number": i.number, "created_at": i.created_at.isoformat(), "subject": i.subject,
                "releases": i.releases, "status": i.status,
                "completed_at": i.completed_at.isoformat() if i.completed_at else None,
                "counts": i.counts,
            } for i in st.issues],
        }, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    print(f"digest {d.name}: {st.recipients} recipients; cron {d.cron!r} ({d.timezone})",
          file=out)
    if not st.issues:
        print("no issues yet", file=out)
        return 0
    print(f"{'issue':>5}  {'created (UTC)':16}  {'releases':>8}  {'sent':>6}  {'pending':>7}  "
          f"{'failed':>6}  {'skipped':>7}  state", file=out)
    for i in st.issues:
        c = i.counts
        state = "done" if i.status == "done" else "sending"
        if c["uncertain"]:
            state += f" ({c['uncertain']} had an unconfirmed attempt: sent again, same Message-ID)"
        print(f"{i.number:>5}  {i.created_at.astimezone(UTC):%Y-%m-%d %H:%M}  {i.releases:>8}  "
              f"{c['sent']:>6}  {c['pending'] + c['sending']:>7}  {c['failed']:>6}  "
              f"{c['skipped']:>7}  {state}", file=out)
    return 0


# -- feeds subscribers ---------------------------------------------------------------------


def _digests(config: Config, names: list[str] | None) -> tuple[str, ...]:
    configured = [d.name for d in config.digests]
    if not names:
        return tuple(configured)
    unknown = [n for n in names if n not in configured]
    if unknown:
        raise DigestError(f"no [[digest]] named {', '.join(map(repr, unknown))} in {config.path} "
                          f"(configured: {', '.join(configured) or 'none'})")
    return tuple(dict.fromkeys(names))


def _addresses(emails: list[str]) -> list[Any]:
    from feeds.digest.subscribers import parse_address

    return [parse_address(e) for e in emails]  # the first bad one stops the command


def _store(config: Config) -> Any:
    from feeds.digest.store import DigestStore

    return DigestStore(config.state_path)


def cmd_add(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    digests = _digests(config, args.digest)
    addresses = _addresses(args.emails)
    with _store(config) as store:
        report = store.upsert(((a, "active", digests) for a in addresses), _now())
    _print_upsert(report, digests, out)
    return 0


def _print_upsert(report: Any, digests: tuple[str, ...], out: TextIO) -> None:
    print(f"{len(report.added)} added, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged"
          + (f" (digests: {', '.join(digests)})" if digests else " (no [[digest]] configured)"),
          file=out)
    for address, status in report.suppressed:
        print(f"  {address}: {status}, not re-added", file=out)


def cmd_remove(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    digests = _digests(config, args.digest) if args.digest else None
    addresses = _addresses(args.emails)
    with _store(config) as store:
        removed, unknown = store.remove(addresses, digests, _now(), forget=args.forget)
    what = "forgot" if args.forget else (
        f"unsubscribed from {', '.join(digests)}" if digests else "unsubscribed")
    print(f"{what}: {len(removed)}", file=out)
    for address in unknown:
        print(f"  {address}: not a subscriber", file=out)
    return 0


def cmd_list(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    with _store(config) as store:
        subscribers = store.subscribers(args.status, args.digest)
    if args.json:
        json.dump([s.as_dict() for s in subscribers], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    for s in subscribers:
        left = f"  (left: {' '.join(s.unsubscribed_from)})" if s.unsubscribed_from else ""
        print(f"{s.address:40}  {s.status:12}  {' '.join(s.digests) or '-'}{left}", file=out)
    print(f"{len(subscribers)} subscribers", file=out)
    return 0


def cmd_import(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from feeds.digest.subscribers import read_csv

    default = _digests(config, args.digest)
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise DigestError(f"{args.file}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise DigestError(f"{args.file}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    rows, problems = read_csv(text, [d.name for d in config.digests])
    for problem in problems:
        print(f"{args.file}:{problem.line}: {problem.text!r}: {problem.reason}", file=out)
    with _store(config) as store:
        report = store.upsert(
            ((r.address, r.status, r.digests if r.digests is not None else default) for r in rows),
            _now())
    _print_upsert(report, default, out)
    if problems:
        print(f"{len(problems)} rows refused", file=out)
    return 1 if problems else 0


def cmd_export(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from feeds.digest.subscribers import write_csv

    with _store(config) as store:
        text = write_csv(s.as_dict() for s in store.subscribers())
    if args.output is None:
        out.write(text)
        return 0
    from feeds.writer import atomic_write

    try:
        atomic_write(args.output, text.encode())
    except OSError as e:
        raise DigestError(f"{args.output}: cannot write: {e.strerror}") from None
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


__all__ = ["add_commands"]
