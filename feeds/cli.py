"""The ``feeds`` command: arguments in, stages called, results printed."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from feeds import __version__
from feeds.config import DEFAULT_CONFIG, Config, load_config
from feeds.errors import FeedsError, IntakeError
from feeds.intake.identity import mint_id
from feeds.intake.release import parse_release
from feeds.intake.scan import find_files, scan
from feeds.logs import setup_logging
from feeds.model import Diagnostic, Release
from feeds.progress import progress_reporter
from feeds.store import SQLiteStore

log = logging.getLogger("feeds")


def _now() -> datetime:
    return datetime.now(UTC)


def _tz(config: Config) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(config.site.timezone)


# -- check --------------------------------------------------------------------------------


def _expand(paths: Sequence[str]) -> list[tuple[str, Path]]:
    """Explicit paths (files or folders) to (display path, file) pairs."""
    out: list[tuple[str, Path]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += [(str(p / f.path), Path(f.abspath)) for f in sorted(
                find_files(p), key=lambda f: f.path)]
        else:
            out.append((raw, p))
    return out


def _read_one(display: str, file: Path, config: Config) -> Release:
    try:
        size = file.stat().st_size
    except OSError as e:
        raise IntakeError(display, f"cannot read: {e.strerror}") from None
    if size > config.max_file_size:
        raise IntakeError(
            display, f"file too large: {size:,} bytes, over the limit of "
            f"{config.max_file_size:,} bytes ([content] max_file_size)",
        )
    try:
        data = file.read_bytes()
    except OSError as e:
        raise IntakeError(display, f"cannot read: {e.strerror}") from None
    return parse_release(data, display, site_language=config.site.language, timezone=_tz(config))


def cmd_check(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    problems: list[Diagnostic] = []
    if args.paths:
        files = _expand(args.paths)
        releases = 0
        for display, file in files:
            try:
                release = _read_one(display, file, config)
            except IntakeError as e:
                problems.append(Diagnostic(display, e.message, e.line, "error"))
            else:
                releases += 1
                problems.extend(release.warnings)
        read = len(files)
    else:
        with SQLiteStore(config.state_path) as store:
            result = scan(config, store, now=_now(), progress=progress_reporter("reading releases"))
            problems = result.all_problems()
        releases = len(result.releases) - sum(1 for p in result.refused if p in result.releases)
        read = result.files
    for problem in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        print(problem, file=out)
    refused = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - refused
    print(
        f"{read} files read, {releases} releases, {warnings} warnings, {refused} refused",
        file=out,
    )
    return 1 if refused else 0


# -- build --------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from feeds.build import build
    from feeds.locks import StateLock

    lock = StateLock(config.state_path)  # a running daemon publishes changes itself
    lock.acquire()
    try:
        with SQLiteStore(config.state_path) as store:
            report = build(config, store, now=_now(), force=args.force,
                           progress=progress_reporter("reading releases"))
    finally:
        lock.release()
    for problem in sorted(report.problems, key=lambda p: (p.path, p.line or 0)):
        print(problem, file=out)
    r = report.scan
    if report.up_to_date:
        print(f"{r.files} files, nothing changed: {config.output_dir} is up to date "
              f"({report.seconds:.2f} s)", file=out)
        return 0
    assert report.plan is not None
    p, w = report.plan, report.write
    counts = {k: sum(1 for e in p.events if e.kind == k) for k in ("published", "updated", "retracted")}
    print(
        f"{r.files} files, {report.published} published ({counts['published']} new, "
        f"{counts['updated']} updated, {counts['retracted']} retracted), {len(report.held)} held under "
        f"embargo, {len(r.refused)} refused; wrote {len(w.written)} files, {w.unchanged} unchanged, "
        f"removed {len(w.removed)} in {config.output_dir} ({report.seconds:.2f} s)",
        file=out,
    )
    return 1 if r.refused or w.failed else 0


# -- run and status -----------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    from feeds.daemon import run

    return run(Path(args.config), once=args.once)


def cmd_status(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    from feeds.daemon import STATUS_KEY
    from feeds.locks import StateLock

    status: dict[str, Any] = {}
    if config.state_path.exists():
        with SQLiteStore(config.state_path) as store:
            raw = store.get_meta(STATUS_KEY)
            status = json.loads(raw) if raw else {}
    pid = StateLock.holder(config.state_path)
    status["running"] = pid is not None
    status["running_pid"] = pid
    if config.endpoints and config.state_path.exists():
        from feeds.deliver.store import DeliveryStore

        with DeliveryStore(config.state_path) as deliveries:
            status["outbox"] = deliveries.counts()
    if args.json:
        json.dump(status, out, indent=2)
        out.write("\n")
        return 0
    print(f"daemon: {'running, pid ' + str(pid) if pid else 'not running'}", file=out)
    last = status.get("last_reconcile") or {}
    if last:
        state = "nothing changed" if last.get("up_to_date") else (
            f"{last.get('published')} published, wrote {last.get('written')} files")
        print(f"last reconcile: {last['at']}, {last['seconds']} s, {last['files']} files, "
              f"{last.get('refused', 0)} refused, {state}", file=out)
    else:
        print("last reconcile: never", file=out)
    held = status.get("held") or []
    print(f"held under embargo: {len(held)}", file=out)
    for h in held:
        print(f"  {h['until']}  {h['id']}  ({h['path']})", file=out)
    for job, when in sorted((status.get("jobs") or {}).items()):
        print(f"next {job}: {when or 'not scheduled'}", file=out)
    for endpoint, counts in sorted((status.get("outbox") or {}).items()):
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        print(f"outbox {endpoint}: {summary or 'empty'}", file=out)
    errors = status.get("errors") or []
    if errors:
        print("last errors:", file=out)
        for e in errors[-10:]:
            print(f"  {e['at']}  {e['error']}", file=out)
    return 0


# -- inspect ------------------------------------------------------------------------------


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat()


def release_json(release: Release) -> dict[str, Any]:
    photo = release.photo
    return {
        "path": release.path,
        "id": release.id or None,
        "title": release.title,
        "summary": release.summary,
        "dateline": release.dateline_city,
        "dateline_raw": release.dateline_raw,
        "date": _iso(release.date),
        "date_source": release.date_source.value if release.date_source else None,
        "updated": _iso(release.updated),
        "language": release.language,
        "language_source": release.language_source,
        "embargo_until": _iso(release.embargo_until),
        "photo": None if photo is None else {
            "url": photo.url, "caption": photo.caption, "credit": photo.credit,
        },
        "contacts": [
            {"name": c.name, "org": c.org, "email": c.email, "phone": c.phone, "title": c.title}
            for c in release.contacts
        ],
        "tags": list(release.tags),
        "subtitles": list(release.subtitles),
        "paragraphs": list(release.paragraphs),
        "paragraph_count": len(release.paragraphs),
        "body_text": release.body_text,
        "end_mark": release.end_mark,
        "draft": release.draft,
        "retracted": release.retracted,
        "warnings": [
            {"line": w.line, "message": w.message} for w in release.warnings
        ],
    }


def _with_stored_identity(release: Release, file: Path, config: Config) -> Release:
    """The id and first-seen date the state store holds for this file, without changing it;
    for a file not seen yet, the id it would be given now."""
    if release.id and release.date is not None:
        return release
    try:
        rel = file.resolve().relative_to(config.content_dir).as_posix()
    except ValueError:
        rel = None
    now = _now()
    known = {}
    if config.state_path.exists():
        with SQLiteStore(config.state_path) as store:
            known = store.identities()
    match = next((i for i in known.values() if rel is not None and i.path == rel), None)
    if match is None:
        match = next((i for i in known.values() if i.content_hash == release.content_hash), None)
    if match is not None:
        rid, first_seen = release.id or match.id, match.first_seen
    else:
        rid = release.id or mint_id(config.site.id_prefix, rel or file.name, now, set(known))
        first_seen = now
    from feeds.model import DateSource

    if release.date is not None and release.date_source is not None:
        return release.with_identity(rid, release.date, release.date_source)
    return release.with_identity(rid, first_seen, DateSource.FIRST_SEEN)


def cmd_inspect(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    items: list[dict[str, Any]] = []
    failed = False
    for display, file in _expand(args.files):
        try:
            release = _read_one(display, file, config)
        except IntakeError as e:
            failed = True
            items.append({"path": display, "error": e.message, "line": e.line})
            continue
        items.append(release_json(_with_stored_identity(release, file, config)))
    if args.json:
        json.dump(items, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for item in items:
            _print_readable(item, out)
    return 1 if failed else 0


def _print_readable(item: dict[str, Any], out: TextIO) -> None:
    print(f"== {item['path']}", file=out)
    if "error" in item:
        print(f"   refused: {item['error']}", file=out)
        return
    for key in ("id", "title", "dateline", "date", "date_source", "updated", "language",
                "embargo_until", "end_mark", "draft"):
        if item.get(key) not in (None, "", False):
            print(f"   {key + ':':15}{item[key]}", file=out)
    if item["tags"]:
        print(f"   {'tags:':15}{', '.join(item['tags'])}", file=out)
    if item["photo"]:
        photo = "; ".join(f"{k} {v}" for k, v in item["photo"].items() if v)
        print(f"   {'photo:':15}{photo}", file=out)
    for c in item["contacts"]:
        contact = ", ".join(v for v in (c["name"], c["title"], c["org"], c["email"], c["phone"]) if v)
        print(f"   {'contact:':15}{contact}", file=out)
    print(f"   {'summary:':15}{item['summary']}", file=out)
    print(f"   {'paragraphs:':15}{item['paragraph_count']}", file=out)
    for w in item["warnings"]:
        print(f"   warning: line {w['line']}: {w['message']}" if w["line"]
              else f"   warning: {w['message']}", file=out)


# -- init ---------------------------------------------------------------------------------


def site_template() -> Path:
    return Path(__file__).parent / "site_template"


def bundled_templates() -> Path:
    return Path(__file__).parent / "templates"


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    target = Path(args.dir)
    config_path = target / "config.toml"
    if config_path.exists() and not args.force:
        raise FeedsError(f"{config_path}: already exists (use --force to overwrite)")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site_template(), target, dirs_exist_ok=True)
    shutil.copytree(bundled_templates(), target / "templates", dirs_exist_ok=True)
    print(f"Created a site in {target}: config.toml, content/, templates/", file=out)
    print(f"Next: cd {target} && feeds check", file=out)
    return 0


# -- main ---------------------------------------------------------------------------------


# Packages that add commands of their own: each has ``add_commands(sub, common)`` whose
# sub-parsers ``set_defaults(func=handler)``, ``handler(args, config, out) -> int``.
COMMAND_MODULES = ("feeds.digest.cli", "feeds.deliver.cli", "feeds.web.cli")


CORE_COMMANDS = frozenset({"init", "check", "build", "run", "status", "inspect"})


def build_parser(extensions: bool = True) -> argparse.ArgumentParser:
    # The options every command takes, before or after the command's name. Sub-parsers get
    # SUPPRESS defaults, so `feeds --config x run` is not undone by the sub-parser's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", default=argparse.SUPPRESS, metavar="PATH",
        help=f"the site's configuration file (default: ./{DEFAULT_CONFIG})",
    )
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log more detail")
    parser = argparse.ArgumentParser(
        prog="feeds",
        description="Publish a press office's releases as feeds, email digests and posts.",
    )
    # Not `parents=[common]`: parents share their action objects, and a default set here
    # would become the sub-parsers' default too.
    parser.add_argument("--config", default=DEFAULT_CONFIG, metavar="PATH",
                        help=f"the site's configuration file (default: ./{DEFAULT_CONFIG})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--version", action="version", version=f"feeds {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="write a new working site into DIR")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--force", action="store_true", help="overwrite an existing config.toml")
    p.set_defaults(func=cmd_init, needs_config=False)

    p = sub.add_parser(
        "check", parents=[common],
        help="read the content folder (or PATHs) and report every problem",
    )
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build", parents=[common],
        help="one publishing pass: read content, write feeds and pages to the output folder",
    )
    p.add_argument("--force", action="store_true",
                   help="look at every file again (and publish an emptied content folder)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "run", parents=[common],
        help="the daemon: watch the content folder and publish on time (also: python scheduler.py)",
    )
    p.add_argument("--once", action="store_true",
                   help="one pass (reconcile, due digests, one outbox drain), then exit: for cron")
    p.add_argument("--log-format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_run, needs_config=False)

    p = sub.add_parser("status", parents=[common], help="what the daemon did last and will do next")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "inspect", parents=[common],
        help="show what the intake reads from FILEs, without changing state",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_inspect)

    for name in COMMAND_MODULES if extensions else ():
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name):
                continue  # that part of feeds is not installed here
            raise
        module.add_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    # A core command needs none of the optional parts (mail, HTTP): do not import them.
    parser = build_parser(extensions=command not in CORE_COMMANDS)
    args = parser.parse_args(argv)
    setup_logging(args.verbose, getattr(args, "log_format", "text"))
    out = sys.stdout
    try:
        if not getattr(args, "needs_config", True):
            return int(args.func(args, out))
        config = load_config(args.config)
        return int(args.func(args, config, out))
    except FeedsError as e:
        print(f"feeds: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
