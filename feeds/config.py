"""Load and validate ``config.toml`` into frozen values.

Every problem is a ``ConfigError`` naming the file, the key and what was expected;
paths in the file are relative to the file itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from feeds.errors import ConfigError
from feeds.intake.language import normalise_language

DEFAULT_CONFIG = "config.toml"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
ENDPOINT_KINDS = ("webhook", "websub", "slack", "mattermost", "discord", "mastodon")
EVENTS = ("published", "updated", "retracted")


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class SiteSection(_Strict, frozen=True):
    title: str
    url: str
    language: str = "en"
    author: str = ""
    id_prefix: str = ""
    timezone: str = "UTC"


class ContentSection(_Strict, frozen=True):
    dir: str = "content"
    max_file_size: int | str = "2 MiB"
    exclude: list[str] = []
    poll: bool = False


class ScheduleSection(_Strict, frozen=True):
    rescan: str = "5m"
    misfire_grace: str = "1h"
    stop_timeout: str = "30s"


class StateSection(_Strict, frozen=True):
    path: str = "state/feeds.db"


class OutputSection(_Strict, frozen=True):
    dir: str = "public"
    formats: list[str] = msgspec.field(default_factory=lambda: ["atom", "rss", "json"])
    items: int = 50
    per_tag: bool = True
    per_language: bool = True
    archives: str = "home"


class EndpointSection(_Strict, frozen=True):
    name: str
    kind: str
    url: str
    secret_env: str = ""
    token_env: str = ""
    events: list[str] = msgspec.field(default_factory=lambda: list(EVENTS))
    tags: list[str] = []
    languages: list[str] = []
    allow_insecure: bool = False
    max_attempts: int = 20
    max_age: str = "2d"


class SmtpSection(_Strict, frozen=True):
    host: str = "127.0.0.1"
    port: int = 25
    tls: str = "none"  # none | starttls | tls
    username_env: str = ""
    password_env: str = ""
    concurrency: int = 4
    rate: float = 0  # messages per second, 0 = unlimited
    timeout: str = "30s"


class EmailSection(_Strict, frozen=True):
    from_: str = msgspec.field(default="Newsroom <news@example.org>", name="from")
    transport: str = "file"  # file | smtp
    maildir: str = "mail"
    reply_to: str = ""
    dkim_key_env: str = ""
    dkim_selector: str = ""
    unsubscribe_secret_env: str = "FEEDS_UNSUBSCRIBE_SECRET"
    unsubscribe_mailto: str = ""
    smtp: SmtpSection = SmtpSection()


class DigestSection(_Strict, frozen=True):
    name: str
    cron: str
    timezone: str = "UTC"
    subject: str = "{{ site.title }}: {{ releases|length }} new releases"
    tags: list[str] = []
    languages: list[str] = []
    skip_empty: bool = True
    max_releases: int = 50


class ServeSection(_Strict, frozen=True):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8080
    cache_control: str = "public, max-age=300"
    secret_env: str = "FEEDS_WEB_SECRET"
    workers: int = 1


class _RawConfig(_Strict, frozen=True):
    site: SiteSection
    content: ContentSection = ContentSection()
    state: StateSection = StateSection()
    output: OutputSection = OutputSection()
    schedule: ScheduleSection = ScheduleSection()
    endpoint: list[EndpointSection] = []
    email: EmailSection = EmailSection()
    digest: list[DigestSection] = []
    serve: ServeSection = ServeSection()


@dataclass(frozen=True)
class Site:
    title: str
    url: str  # always ends with "/"
    language: str
    author: str
    id_prefix: str  # "tag:example.org,2026:" style authority, or derived from url
    timezone: str


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str
    url: str
    secret_env: str
    token_env: str
    events: tuple[str, ...]
    tags: tuple[str, ...]
    languages: tuple[str, ...]
    allow_insecure: bool
    max_attempts: int
    max_age_seconds: int


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    tls: str
    username_env: str
    password_env: str
    concurrency: int
    rate: float
    timeout_seconds: int


@dataclass(frozen=True)
class Email:
    sender: str  # the From header, "Name <address>"
    transport: str  # "file" or "smtp"
    maildir: Path
    reply_to: str
    dkim_key_env: str
    dkim_selector: str
    unsubscribe_secret_env: str
    unsubscribe_mailto: str
    smtp: Smtp


@dataclass(frozen=True)
class Digest:
    name: str
    cron: str
    timezone: str
    subject: str  # a Jinja2 template
    tags: tuple[str, ...]
    languages: tuple[str, ...]
    skip_empty: bool
    max_releases: int


@dataclass(frozen=True)
class Config:
    path: Path  # the config file; every relative path below is resolved against its folder
    site: Site
    content_dir: Path
    max_file_size: int
    exclude: tuple[str, ...]
    state_path: Path
    output_dir: Path
    formats: tuple[str, ...] = ("atom", "rss", "json")
    items: int = 50
    per_tag: bool = True
    per_language: bool = True
    archives: str = "home"  # which feeds get RFC 5005 archives: "home", "all" or "none"
    endpoints: tuple[Endpoint, ...] = ()
    poll: bool = False  # poll the content folder (network filesystems send no events)
    rescan_seconds: int = 300
    misfire_grace_seconds: int = 3600
    stop_timeout_seconds: int = 30
    email: Email | None = None
    digests: tuple[Digest, ...] = ()
    serve: ServeSection = field(default_factory=ServeSection)

    @property
    def hub(self) -> str | None:
        """The WebSub hub the feeds advertise: the first ``websub`` endpoint's URL."""
        return next((e.url for e in self.endpoints if e.kind == "websub"), None)

    @property
    def site_dir(self) -> Path:
        return self.path.parent


def parse_size(value: int | str) -> int:
    """``2097152``, ``"2 MiB"``, ``"500 kB"`` -> bytes."""
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("must be a positive number of bytes")
        return value
    m = _SIZE.match(value)
    if not m:
        raise ValueError(f'expected a size like 2097152 or "2 MiB", got {value!r}')
    number = float(m.group(1))
    unit = (m.group(2) or "B").lower()
    size = int(number * _UNITS[unit])
    if size <= 0:
        raise ValueError("must be a positive size")
    return size


def _where(msgspec_path: str) -> str | None:
    # msgspec says "... - at `$.content.max_file_size`"; keep the dotted key.
    m = re.search(r"at `\$\.?([^`]*)`", msgspec_path)
    return m.group(1) or None if m else None


def load_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, "no such file (run `feeds init DIR` to create a site)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(path, f"cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, f"not valid TOML: {e}") from None
    return config_from_dict(data, path)


def config_from_dict(data: dict[str, Any], path: Path) -> Config:
    try:
        raw = msgspec.convert(data, _RawConfig)
    except msgspec.ValidationError as e:
        message = str(e)
        key = _where(message)
        message = re.sub(r"\s*-\s*at `\$[^`]*`", "", message)
        if key and "unknown field" in message:
            message += " (a misspelt key?)"
        raise ConfigError(path, message, key) from None
    base = path.resolve().parent
    site = raw.site
    url = site.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(path, f"expected an absolute http(s) URL, got {url!r}", "site.url")
    if not url.endswith("/"):
        url += "/"
    language = normalise_language(site.language)
    if language is None:
        raise ConfigError(
            path, f"expected a language tag like 'en' or 'pt-BR' (or a language's name), got "
            f"{site.language!r}",
            "site.language",
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(site.timezone)
    except (ValueError, KeyError, OSError):
        raise ConfigError(
            path, f"expected an IANA time zone like 'Europe/Istanbul', got {site.timezone!r}",
            "site.timezone",
        ) from None
    id_prefix = site.id_prefix.strip() or (parts.hostname or "localhost")
    output = raw.output
    unknown = sorted(set(output.formats) - {"atom", "rss", "json"})
    if unknown or not output.formats:
        raise ConfigError(
            path, f"expected a list of 'atom', 'rss', 'json', got {output.formats!r}", "output.formats"
        )
    if output.archives not in ("home", "all", "none"):
        raise ConfigError(
            path, f"expected 'home', 'all' or 'none', got {output.archives!r}", "output.archives"
        )
    if not 1 <= output.items <= 1000:
        raise ConfigError(path, f"expected 1 to 1000 entries per feed, got {output.items}", "output.items")
    try:
        max_size = parse_size(raw.content.max_file_size)
    except ValueError as e:
        raise ConfigError(path, str(e), "content.max_file_size") from None
    endpoints = tuple(_endpoint(e, i, path) for i, e in enumerate(raw.endpoint))
    durations = {}
    for key in ("rescan", "misfire_grace", "stop_timeout"):
        try:
            durations[key] = parse_duration(getattr(raw.schedule, key))
        except ValueError as e:
            raise ConfigError(path, str(e), f"schedule.{key}") from None
    if durations["rescan"] < 1:
        raise ConfigError(path, "must be at least 1s", "schedule.rescan")
    email = _email(raw.email, base, path)
    digests = tuple(_digest(d, i, path) for i, d in enumerate(raw.digest))
    if len({d.name for d in digests}) != len(digests):
        raise ConfigError(path, "digest names must be unique", "digest.name")
    names = [e.name for e in endpoints]
    if len(set(names)) != len(names):
        raise ConfigError(path, f"endpoint names must be unique, got {names}", "endpoint.name")
    return Config(
        path=path.resolve(),
        site=Site(
            title=site.title, url=url, language=language, author=site.author,
            id_prefix=id_prefix, timezone=site.timezone,
        ),
        content_dir=(base / raw.content.dir).resolve(),
        max_file_size=max_size,
        exclude=tuple(raw.content.exclude),
        state_path=(base / raw.state.path).resolve(),
        output_dir=(base / raw.output.dir).resolve(),
        formats=tuple(dict.fromkeys(output.formats)),
        items=output.items,
        per_tag=output.per_tag,
        per_language=output.per_language,
        archives=output.archives,
        endpoints=endpoints,
        poll=raw.content.poll,
        rescan_seconds=durations["rescan"],
        misfire_grace_seconds=durations["misfire_grace"],
        stop_timeout_seconds=durations["stop_timeout"],
        email=email,
        digests=digests,
        serve=raw.serve,
    )


def _email(raw: EmailSection, base: Path, path: Path) -> Email:
    from email.utils import parseaddr

    if raw.transport not in ("file", "smtp"):
        raise ConfigError(path, f"expected 'file' or 'smtp', got {raw.transport!r}", "email.transport")
    if "@" not in parseaddr(raw.from_)[1]:
        raise ConfigError(path, f"expected an address like 'Newsroom <news@example.org>', "
                          f"got {raw.from_!r}", "email.from")
    smtp = raw.smtp
    if smtp.tls not in ("none", "starttls", "tls"):
        raise ConfigError(path, f"expected 'none', 'starttls' or 'tls', got {smtp.tls!r}",
                          "email.smtp.tls")
    if not 1 <= smtp.concurrency <= 100:
        raise ConfigError(path, f"expected 1 to 100 connections, got {smtp.concurrency}",
                          "email.smtp.concurrency")
    if smtp.rate < 0:
        raise ConfigError(path, "expected 0 (unlimited) or more messages per second",
                          "email.smtp.rate")
    try:
        timeout = parse_duration(smtp.timeout)
    except ValueError as e:
        raise ConfigError(path, str(e), "email.smtp.timeout") from None
    return Email(
        sender=raw.from_, transport=raw.transport, maildir=(base / raw.maildir).resolve(),
        reply_to=raw.reply_to, dkim_key_env=raw.dkim_key_env, dkim_selector=raw.dkim_selector,
        unsubscribe_secret_env=raw.unsubscribe_secret_env,
        unsubscribe_mailto=raw.unsubscribe_mailto,
        smtp=Smtp(smtp.host, smtp.port, smtp.tls, smtp.username_env, smtp.password_env,
                  smtp.concurrency, smtp.rate, timeout),
    )


def _digest(raw: DigestSection, index: int, path: Path) -> Digest:
    where = f"digest.{index}"
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(raw.timezone)
    except (ValueError, KeyError, OSError):
        raise ConfigError(path, f"expected an IANA time zone, got {raw.timezone!r}",
                          f"{where}.timezone") from None
    try:
        from apscheduler.triggers.cron import CronTrigger

        CronTrigger.from_crontab(raw.cron, timezone=raw.timezone)
    except ValueError as e:
        raise ConfigError(path, f"not a cron line ({e}): {raw.cron!r}", f"{where}.cron") from None
    return Digest(raw.name, raw.cron, raw.timezone, raw.subject, tuple(raw.tags),
                  _languages(raw.languages, path, f"{where}.languages"), raw.skip_empty,
                  raw.max_releases)


def _languages(values: list[str], path: Path, key: str) -> tuple[str, ...]:
    """Language filters in the form releases carry ("FR" and "français" are "fr")."""
    out = []
    for value in values:
        tag = normalise_language(value)
        if tag is None:
            raise ConfigError(path, f"expected language tags like 'en' or 'pt-BR', got {value!r}",
                              key)
        out.append(tag)
    return tuple(out)


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """``"90s"``, ``"15m"``, ``"6h"``, ``"2d"`` -> seconds."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f'expected a duration like "90s", "15m", "6h" or "2d", got {text!r}')
    return int(m.group(1)) * _SECONDS[m.group(2)]


def _endpoint(raw: EndpointSection, index: int, path: Path) -> Endpoint:
    where = f"endpoint.{index}"
    if raw.kind not in ENDPOINT_KINDS:
        raise ConfigError(path, f"expected one of {', '.join(ENDPOINT_KINDS)}, got {raw.kind!r}",
                          f"{where}.kind")
    parts = urlsplit(raw.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(path, f"expected an absolute URL, got {raw.url!r}", f"{where}.url")
    if parts.scheme == "http" and not raw.allow_insecure:
        raise ConfigError(
            path, f"endpoint {raw.name!r}: http:// is refused; use https:// or set "
            "allow_insecure = true", f"{where}.url",
        )
    unknown = sorted(set(raw.events) - set(EVENTS))
    if unknown:
        raise ConfigError(path, f"unknown events {unknown}; expected some of {list(EVENTS)}",
                          f"{where}.events")
    try:
        max_age = parse_duration(raw.max_age)
    except ValueError as e:
        raise ConfigError(path, str(e), f"{where}.max_age") from None
    return Endpoint(
        name=raw.name, kind=raw.kind, url=raw.url, secret_env=raw.secret_env,
        token_env=raw.token_env, events=tuple(raw.events), tags=tuple(raw.tags),
        languages=_languages(raw.languages, path, f"{where}.languages"),
        allow_insecure=raw.allow_insecure,
        max_attempts=raw.max_attempts, max_age_seconds=max_age,
    )
