"""Dates, embargo lines and front-matter timestamps, read from text.

English month names and ISO/numeric dates go through compiled regexes (the fast path:
intake reads thousands of files a second). Dates in other languages ("13 de agosto de
2026", "3 mai 2024") go to ``dateparser``, a library made for them, imported on first use
and cached per distinct string, so a folder of releases pays for each date text once.

Embargo times name their zone in many ways ("00:01 GMT", "9 a.m. (PACIFIC)",
"8 a.m. CT/9 a.m. ET"). A generic zone ("ET", "Pacific") is resolved to its IANA zone on
that date, so daylight saving time comes out right. A specific abbreviation ("EST") is also
checked against that zone: when the two disagree (people write "EST" in July) the later
instant wins, because releasing an embargoed text an hour late is harmless and an hour early
is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "EmbargoReading",
    "find_text_date",
    "names_day_and_month",
    "parse_embargo",
    "parse_iso_datetime",
    "parse_loose_datetime",
    "parse_text_date",
    "read_embargo",
    "weekday_names",
]

# --- fast path: English month names, ISO and numeric dates -------------------------------

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_S = r"[ \t\u00a0]"
_ORD = r"(?:st|nd|rd|th)?"
# Every date here has a four-digit year, so the search starts from the years (a fast scan
# for digits) and the patterns below only look at the few characters just before one.
_YEAR = re.compile(r"\d{4}")
_EN_MDY = re.compile(
    rf"(?<![\w])(?P<mon>{_MON})\.?{_S}*(?P<day>\d{{1,2}}){_ORD}(?!\d),?{_S}*(?P<year>\d{{4}})$",
    re.IGNORECASE,
)
_EN_DMY = re.compile(
    rf"(?<![\w])(?P<day>\d{{1,2}}){_ORD}\.?(?:{_S}+of)?{_S}*(?P<mon>{_MON})\.?,?{_S}*"
    rf"(?P<year>\d{{4}})$",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?![\d])")
_NUM_DATE = re.compile(
    r"(?<![\w.])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})$"
)
_WORD = r"[^\W\d_]{3,12}"
# A month named twice, as Arabic texts of the UN write it: "كانون الأول/ديسمبر" (the
# Levantine and the Egyptian name), "يونيو/ حزيران". dateparser knows one of the two.
MONTH_PAIR = rf"{_WORD}(?:{_S}{_WORD})?{_S}*/{_S}*{_WORD}(?:{_S}{_WORD})?"
_PAIR = re.compile(rf"({_WORD}(?: {_WORD})?) ?/ ?({_WORD}(?: {_WORD})?)")
# A day and a word and a year, or a word, a day and a year, in any alphabet: a candidate for
# dateparser ("13 de agosto de 2026", "3 mai 2024", "3. Mai 2024", "5 يونيو 2024").
_FOREIGN_DATE = re.compile(
    rf"(?<!\w)(?:\d{{1,2}}\.?{_S}+(?:de{_S}+)?(?:{MONTH_PAIR}|{_WORD})\.?,?{_S}+"
    rf"(?:de{_S}+|del{_S}+)?\d{{4}}|{_WORD}\.?{_S}+\d{{1,2}},?{_S}+\d{{4}})$"
)
_LOOK_BACK = 40  # characters before a year that a date can take ("Wednesday, 24th of September")

_DATEPARSER_LANGUAGES = ("en", "fr", "es", "de", "sv", "pt", "it", "nl", "da", "nb", "ar")
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _hint(languages: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for lang in languages:
        primary = lang.replace("_", "-").split("-")[0].strip().lower()
        if primary and primary not in out:
            out.append(primary)
    return tuple(out)


@lru_cache(maxsize=64)
def _date_data_parser(languages: tuple[str, ...]) -> Any:
    """One dateparser parser per language list: ``dateparser.parse`` builds a new one on
    every call, which costs more than the parsing."""
    from dateparser.date import DateDataParser  # slow to import; only dates in other languages

    return DateDataParser(languages=list(languages), settings=_DATEPARSER_SETTINGS)


_NUMBER = re.compile(r"\d+")
# What dateparser made of a date's words, by the date with its numbers taken out
# ("# de septiembre de #"): the day's and the year's places among the numbers, and the
# month. Ten thousand releases hold a few hundred such shapes but thousands of dates, and
# dateparser takes about a millisecond for each; its reading of the words does not depend
# on the numbers, so the numbers of a known shape are placed without asking it again.
_SHAPES: dict[tuple[str, tuple[str, ...]], tuple[int, int, int]] = {}
_SHAPES_MAX = 4096


def _dateparser_date(text: str, languages: tuple[str, ...]) -> date | None:
    numbers = _NUMBER.findall(text)
    key = (_NUMBER.sub("#", text), languages)
    shape = _SHAPES.get(key)
    if shape is not None and len(numbers[shape[2]]) == 4:  # a four-digit year, as learnt
        day_at, month, year_at = shape
        return _safe_date(int(numbers[year_at]), month, int(numbers[day_at]))
    value = _ask_dateparser(text, languages)
    if value is not None:
        values = [int(n) for n in numbers]
        days = [i for i, v in enumerate(values) if v == value.day]
        years = [i for i, (n, v) in enumerate(zip(numbers, values, strict=True))
                 if v == value.year and len(n) == 4]
        # Learnt only where each number's part is plain: one day, one year, and a month
        # that came from a word (no other number equal to it)
        if (len(days) == 1 and len(years) == 1 and days != years
                and all(i == days[0] for i, v in enumerate(values) if v == value.month)):
            if len(_SHAPES) >= _SHAPES_MAX:
                _SHAPES.clear()
            _SHAPES[key] = (days[0], value.month, years[0])
    return value


@lru_cache(maxsize=8192)
def _ask_dateparser(text: str, languages: tuple[str, ...]) -> date | None:
    tries: list[tuple[str, ...]] = []
    if languages:
        tries.append(languages)
    tries.append(tuple(lang for lang in _DATEPARSER_LANGUAGES if lang not in languages))
    for langs in tries:
        try:
            result = _date_data_parser(langs).get_date_data(text)["date_obj"]
        except Exception:  # an unknown language code, or a locale bug: not a date then
            continue
        if isinstance(result, datetime):
            return result.date()
    return None


def _numeric(m: re.Match[str], languages: tuple[str, ...]) -> date | None:
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
    if m.group("sep") == "." or a > 12:  # 19.03.2024, 19/03/2024: day first
        return _safe_date(year, b, a)
    if b > 12:  # 03/19/2024
        return _safe_date(year, a, b)
    if languages and languages[0] != "en":  # 03/04/2024 outside English: day first
        return _safe_date(year, b, a)
    return None  # 03/04/2024 in English: March or April? Better no date than a wrong one.


def _date_at_year(
    s: str, y0: int, y1: int, languages: tuple[str, ...]
) -> tuple[date, int, int] | None:
    if y0 == 0 or not (s[y0 - 1].isalnum() or s[y0 - 1] in "._"):
        m = _ISO_DATE.match(s, y0)
        if m:
            value = _safe_date(int(m.group("year")), int(m.group("mon")), int(m.group("day")))
            if value is not None:
                return value, y0, m.end()
    lo = max(0, y0 - _LOOK_BACK)
    for rx in (_EN_MDY, _EN_DMY):
        m = rx.search(s, lo, y1)
        if m:
            month = _MONTHS[m.group("mon").lower()]
            value = _safe_date(int(m.group("year")), month, int(m.group("day")))
            if value is not None:
                return value, m.start(), y1
    if y0 >= 3 and s[y0 - 1] in "./":
        m = _NUM_DATE.search(s, lo, y1)
        if m:
            value = _numeric(m, languages)
            if value is not None:
                return value, m.start(), y1
    return None


def find_text_date(s: str, languages: Sequence[str] = ()) -> tuple[date, int, int] | None:
    """The first date written in ``s`` with its span, or None."""
    if not s:
        return None
    langs = _hint(languages)
    years = [
        (m.start(), m.end()) for m in _YEAR.finditer(s)
        if not (m.start() and s[m.start() - 1].isdigit())
        and not (m.end() < len(s) and s[m.end()].isdigit())
    ]
    for y0, y1 in years:
        found = _date_at_year(s, y0, y1, langs)
        if found is not None:
            return found
    for y0, y1 in years:  # no English or numeric date: one in another language?
        m = _FOREIGN_DATE.search(s, max(0, y0 - _LOOK_BACK), y1)
        if m:
            value = _foreign_date(" ".join(m.group(0).split()), langs)
            if value is not None:
                return value, m.start(), y1
    return None


def names_day_and_month(text: str) -> bool:
    """Whether "30 mai" names a day of a month ("30 members" does not), in any language
    dateparser reads; a year is added when there is none, so it can answer."""
    if find_text_date(text) is not None:
        return True
    return _dateparser_date(f"{text} 2000", ()) is not None


@cache
def weekday_names() -> re.Pattern[str]:
    """The days of the week in every language dates are read in, from dateparser's data
    ("sexta-feira", "giovedì", "zondag", "الجمعة")."""
    from dateparser.languages.loader import default_loader

    names: set[str] = set()
    for lang in _DATEPARSER_LANGUAGES:
        info = default_loader.get_locale(lang).info
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
            names.update(n.lower() for n in info.get(day, ()) if len(n) >= 4)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _foreign_date(text: str, languages: tuple[str, ...]) -> date | None:
    """dateparser's reading of ``text``; of a month named twice, whichever name it knows."""
    pair = _PAIR.search(text) if "/" in text else None
    if pair is None:
        return _dateparser_date(text, languages)
    for name in pair.groups():
        value = _dateparser_date(text[:pair.start()] + name + text[pair.end():], languages)
        if value is not None:
            return value
    return None


def parse_text_date(s: str, languages: Sequence[str] = ()) -> date | None:
    """A date as press releases write it: "March 19, 2024", "Sept. 5, 2024",
    "15 October 2024", "5 de septiembre de 2025", "3 mai 2024", "2024-03-19".

    The first date in ``s`` wins; None when there is none (or only a partial one,
    such as "March 2024": parts are never invented).
    """
    found = find_text_date(s, languages)
    return found[0] if found else None


_MAX_UTC = datetime.max.replace(tzinfo=UTC)
_MIN_UTC = datetime.min.replace(tzinfo=UTC)
_SPACE_BEFORE_OFFSET = re.compile(r"(\d)\s+(Z|[+\-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
_LEAP_SECOND = re.compile(r"(T|\s|^)(\d{2}:\d{2}):60")


def _checked(dt: datetime) -> datetime:
    """``dt`` if its UTC equivalent exists; else the far end of time (far future = hold)."""
    try:
        dt.astimezone(UTC)
    except OverflowError:
        offset = dt.utcoffset() or timedelta(0)
        return _MAX_UTC if offset < timedelta(0) else _MIN_UTC
    return dt


# --- embargo lines ----------------------------------------------------------------------

class _Zone(NamedTuple):
    iana: str
    fixed_hours: float | None  # the offset a specific abbreviation stands for; None = generic


_ZONES: dict[str, _Zone] = {}  # lower-case name -> zone
_ZONE_DEFS: list[str] = []  # names as written


def _zones(iana: str, fixed: float | None, *names: str) -> None:
    for name in names:
        _ZONES[name.lower()] = _Zone(iana, fixed)
        _ZONE_DEFS.append(name)


_zones("UTC", 0, "GMT", "UTC", "Z", "UT", "Zulu")
_zones("Europe/London", None, "UK time", "London time", "British time", "heure de Londres")
_zones("Europe/London", 1, "BST")
_zones("Europe/Lisbon", 0, "WET")
_zones("Europe/Lisbon", 1, "WEST")
_zones("Europe/Paris", 1, "CET", "MEZ", "HNEC")
_zones("Europe/Paris", 2, "CEST", "MESZ", "HAEC")
_zones(
    "Europe/Paris", None, "Central European Time", "Central European Summer Time",
    "Paris time", "heure de Paris", "heure française", "French time",
)
_zones("Europe/Brussels", None, "Brussels time", "heure de Bruxelles", "CET/CEST")
_zones("Europe/Berlin", None, "Berlin time", "deutscher Zeit", "German time")
_zones("Europe/Zurich", None, "Geneva time", "heure de Genève", "Swiss time", "heure suisse")
_zones("Europe/Stockholm", None, "svensk tid", "Swedish time", "Stockholm time")
_zones("Europe/Madrid", None, "hora peninsular", "hora de Madrid", "hora española")
_zones("Europe/Helsinki", 2, "EET")
_zones("Europe/Helsinki", 3, "EEST")
_zones("Europe/Moscow", 3, "MSK")
_zones("America/New_York", None, "ET", "Eastern", "Eastern Time", "New York time", "EST/EDT")
_zones("America/New_York", -5, "EST")
_zones("America/New_York", -4, "EDT")
_zones("America/Chicago", None, "CT", "Central", "Central Time", "CST/CDT")
_zones("America/Chicago", -6, "CST")
_zones("America/Chicago", -5, "CDT")
_zones("America/Denver", None, "MT", "Mountain", "Mountain Time", "MST/MDT")
_zones("America/Denver", -7, "MST")
_zones("America/Denver", -6, "MDT")
_zones("America/Los_Angeles", None, "PT", "Pacific", "Pacific Time", "PST/PDT")
_zones("America/Los_Angeles", -8, "PST")
_zones("America/Los_Angeles", -7, "PDT")
_zones("America/Halifax", -4, "AST")
_zones("America/Halifax", -3, "ADT")
_zones("Pacific/Honolulu", -10, "HST")
_zones("America/Sao_Paulo", -3, "BRT")
_zones("Asia/Kolkata", 5.5, "IST")
_zones("Asia/Dubai", 4, "GST")
_zones("Asia/Singapore", 8, "SGT")
_zones("Asia/Hong_Kong", 8, "HKT")
_zones("Asia/Shanghai", None, "Beijing time", "China time")
_zones("Asia/Tokyo", 9, "JST")
_zones("Asia/Seoul", 9, "KST")
_zones("Australia/Sydney", None, "AET", "Sydney time")
_zones("Australia/Sydney", 10, "AEST")
_zones("Australia/Sydney", 11, "AEDT")
_zones("Pacific/Auckland", 12, "NZST")
_zones("Pacific/Auckland", 13, "NZDT")
_zones("Africa/Johannesburg", 2, "SAST")
_zones("Africa/Nairobi", 3, "EAT")
_zones("Africa/Lagos", 1, "WAT")

def _alternation(names: list[str]) -> str:
    return "|".join(
        re.escape(name).replace(r"\ ", _S + "+") for name in sorted(names, key=len, reverse=True)
    )


# Abbreviations match in capitals only ("ET", never the French "et"); names in any case.
_ZONE_ABBREVIATIONS = [n for n in _ZONE_DEFS if n.upper() == n]
_ZONE_WORDS = [n for n in _ZONE_DEFS if n.upper() != n]
_ZONE_NAMES = (
    rf"(?-i:{_alternation(_ZONE_ABBREVIATIONS)})|(?i:{_alternation(_ZONE_WORDS)})"
)
_OFFSET = r"(?:UTC|GMT)?[ ]?[+\-−]\d{1,2}(?::?\d{2})?"
_IANA = r"[A-Z][A-Za-z_]+/[A-Z][A-Za-z_\-]+(?:/[A-Z][A-Za-z_\-]+)?"
_ZONE_RX = re.compile(rf"{_S}*(?:\(|,)?{_S}*(?P<zone>{_IANA}|{_OFFSET}|{_ZONE_NAMES})(?![\w])")
_ZONE_ANYWHERE = re.compile(rf"(?<![\w])(?P<zone>{_ZONE_NAMES}|{_IANA})(?![\w])")
_ZONE_BEFORE = re.compile(rf"(?P<zone>{_ZONE_NAMES}|{_IANA})\W{{0,3}}$")
_TIME_RX = re.compile(
    r"(?<![\w:.])(?:"
    r"(?P<h12>\d{1,2})(?:[:.h](?P<m12>[0-5]\d))?" + _S + r"*(?P<ampm>[ap])\.?" + _S + r"?m\b\.?"
    r"|(?P<h24>[01]?\d|2[0-4])(?:[:.](?P<m24>[0-5]\d)|h(?P<mh>[0-5]\d)?)(?![\d])"
    r"(?:" + _S + r"*(?:hrs?\b|Uhr\b|horas?\b|heures?\b|h\b))?"
    r"|(?P<word>noon|midday|midnight|mediodía|medianoche|midi|minuit|Mittag|Mitternacht)\b)",
    re.IGNORECASE,
)
_EMBARGO_LABEL = re.compile(
    r"^[\s*_#>]*(?:(?:strictly|strict)\s+)?(?:under\s+)?(?:embargo(?:ed)?|sperrfrist|sous\s+embargo"
    r"|not\s+for\s+(?:release|publication|distribution)|hold\s+for\s+release"
    r"|for\s+release|sperrfrist|حظر\s+النشر|محظور\s+النشر)\b[\s:,\-–—]*(?:(?:until|till|to|bis"
    r"|jusqu'?(?:au|à)|hasta|حتى"
    r"|before|after|at|le|el|el\s+día)\b[\s:,]*)?",
    re.IGNORECASE,
)


class EmbargoReading(NamedTuple):
    """An embargo line, read. ``until`` is None when no date could be read."""

    until: datetime | None
    zone_given: bool  # False: no zone in the text; ``default_tz`` was used
    time_given: bool  # False: a date only; midnight at the start of it was used
    note: str | None  # a disagreement worth telling a press officer about


def _zone_info(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@lru_cache(maxsize=1)
def _city_zones() -> dict[str, str]:
    """'Stockholm' -> 'Europe/Stockholm', for "Stockholm time" and the like."""
    out: dict[str, str] = {}
    for key in available_timezones():
        if "/" in key and not key.startswith(("Etc/", "SystemV/", "US/")):
            out.setdefault(key.rsplit("/", 1)[1].replace("_", " ").lower(), key)
    return out


_OFFSET_FULL = re.compile(r"(?:UTC|GMT)?\s?([+\-−])(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


_CITY_TIME = re.compile(r"(?P<city>[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?)[ ]time\b")


def _city_zone(city: str) -> tzinfo | None:
    key = _city_zones().get(city.replace("_", " ").lower())
    return _zone_info(key) if key else None


def _city_zone_after(text: str, pos: int) -> tzinfo | None:
    """The zone of "9am Stockholm time": a city named in the IANA database, then "time"."""
    m = _CITY_TIME.match(text, pos + (len(text[pos:]) - len(text[pos:].lstrip(" (,"))))
    return _city_zone(m.group("city")) if m else None


def _offset_tz(text: str) -> tzinfo | None:
    m = _OFFSET_FULL.fullmatch(text.strip())
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if m.group(1) in "-−" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _resolve(local: datetime, zone: str) -> tuple[datetime, str | None]:
    """``local`` (naive) in the zone named ``zone``; a note when the name disagrees with DST."""
    key = " ".join(zone.split()).lower()
    spec = _ZONES.get(key)
    if spec is None:
        fixed = _offset_tz(zone)
        if fixed is not None:
            return local.replace(tzinfo=fixed), None
        return local.replace(tzinfo=_zone_info(zone)), None
    tz = _zone_info(spec.iana)
    in_zone = local.replace(tzinfo=tz)
    if spec.fixed_hours is None or spec.iana == "UTC":
        return in_zone, None
    fixed_tz = timezone(timedelta(hours=spec.fixed_hours), zone.upper())
    as_written = local.replace(tzinfo=fixed_tz)
    if as_written == in_zone:
        return in_zone, None
    later = max(as_written, in_zone)
    note = (
        f"{zone} is UTC{spec.fixed_hours:+g} but {spec.iana} is at "
        f"UTC{_hours(in_zone):+g} on {local.date().isoformat()}; using the later time, "
        f"{later.astimezone(UTC).strftime('%H:%M')} UTC"
    )
    return later, note


def _hours(dt: datetime) -> float:
    offset = dt.utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _time_of(m: re.Match[str]) -> time | None:
    word = m.group("word")
    if word:
        return time(0, 0) if word.lower() in ("midnight", "medianoche", "minuit", "mitternacht") \
            else time(12, 0)
    if m.group("h12") is not None:
        hour, minute = int(m.group("h12")), int(m.group("m12") or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group("ampm").lower() == "p" else 0)
        return time(hour, minute)
    hour = int(m.group("h24"))
    minute = int(m.group("m24") or m.group("mh") or 0)
    if hour == 24:
        return time(23, 59) if minute == 0 else None
    return time(hour, minute)


def read_embargo(
    line: str, languages: Sequence[str] = (), *, default_tz: tzinfo = UTC
) -> EmbargoReading:
    """An embargo line in full: the instant and what had to be assumed to get it."""
    text = " ".join(line.replace("*", " ").split())
    label = _EMBARGO_LABEL.match(text)
    if label:
        text = text[label.end():]
    found = find_text_date(text, languages)
    if found is None:
        return EmbargoReading(None, False, False, None)
    day, start, end = found
    rest = text[:start] + " " * (end - start) + text[end:]  # keep offsets; hide the date
    try:
        return _embargo_instant(day, rest, default_tz)
    except OverflowError:  # 31 December 9999 in a zone west of UTC: the end of time
        far = _MAX_UTC if day.year > 5000 else _MIN_UTC
        return EmbargoReading(far, True, True, "the embargo is beyond the range of dates")


def _embargo_instant(day: date, rest: str, default_tz: tzinfo) -> EmbargoReading:
    instants: list[tuple[datetime, bool]] = []
    notes: list[str] = []
    for m in _TIME_RX.finditer(rest):
        clock = _time_of(m)
        if clock is None:
            continue
        local = datetime.combine(day, clock)
        zm = _ZONE_RX.match(rest, m.end())
        if zm is None:  # "GMT 00:01": a zone just before the time
            before = _ZONE_BEFORE.search(rest, max(0, m.start() - 40), m.start())
            zone = before.group("zone") if before else None
        else:
            zone = zm.group("zone")
        if zone is None:
            tz = _city_zone_after(rest, m.end())
            instants.append((local.replace(tzinfo=tz or default_tz), tz is not None))
            continue
        resolved, note = _resolve(local, zone)
        if note:
            notes.append(note)
        instants.append((resolved, True))
    if not instants:
        zm = _ZONE_ANYWHERE.search(rest)
        local = datetime.combine(day, time(0, 0))
        if zm:
            resolved, note = _resolve(local, zm.group("zone"))
            return EmbargoReading(_checked(resolved), True, False, note)
        city = _CITY_TIME.search(rest)
        tz = _city_zone(city.group("city")) if city else None
        if tz is not None:
            return EmbargoReading(_checked(local.replace(tzinfo=tz)), True, False, None)
        return EmbargoReading(_checked(local.replace(tzinfo=default_tz)), False, False, None)
    zoned = [dt for dt, has_zone in instants if has_zone]
    pool = zoned or [dt for dt, _ in instants]
    distinct = {dt.astimezone(UTC) for dt in pool}
    if len(distinct) > 1:
        notes.append(
            "the times given do not agree ("
            + ", ".join(sorted(d.strftime("%H:%M") for d in distinct))
            + " UTC); using the latest"
        )
    chosen = pool[0]
    for dt in pool[1:]:
        if dt >= chosen:  # the latest instant; of equal ones, the last written
            chosen = dt
    return EmbargoReading(_checked(chosen), bool(zoned), True, "; ".join(notes) or None)


def parse_embargo(
    line: str, languages: Sequence[str] = (), *, default_tz: tzinfo = UTC
) -> datetime | None:
    """The instant an embargo line names, timezone-aware; None when it names no date.

    "EMBARGOED UNTIL 00:01 GMT, 5 June 2026" -> 2026-06-05T00:01+00:00;
    "UNDER EMBARGO until May 1, 2025 9 a.m. (PACIFIC)" -> 2025-05-01T09:00-07:00.
    A time with no zone is taken in ``default_tz``; use ``read_embargo`` to learn that
    this happened (and warn).
    """
    return read_embargo(line, languages, default_tz=default_tz).until


# --- front matter -----------------------------------------------------------------------

@lru_cache(maxsize=2)
def _loose_parser(aware: bool) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(settings={**_DATEPARSER_SETTINGS, "RETURN_AS_TIMEZONE_AWARE": aware})


def parse_loose_datetime(text: str, default_tz: tzinfo = UTC) -> datetime | None:
    """A front-matter date that is not ISO 8601, read by dateparser: "2020-07-15 23:51:39
    UTC+0200" (a CMS's export), "2025年11月7日", "18.07.2020", "5 de septiembre de 2025".
    Absolute dates only ("tomorrow" is not one); None when it is not a date. A value
    without a zone is in ``default_tz``."""
    from dateparser.timezone_parser import pop_tz_offset_from_string

    text = " ".join(text.split())[:64]
    if not text or not any(c.isdigit() for c in text):
        return None
    zoned = pop_tz_offset_from_string(text)[1] is not None
    try:
        found = _loose_parser(zoned).get_date_data(text)["date_obj"]
    except Exception:  # a locale bug: not a date then
        return None
    if not isinstance(found, datetime):
        return None
    return _checked(found if zoned else found.replace(tzinfo=default_tz))


def parse_iso_datetime(
    value: str | date | datetime, default_tz: tzinfo = UTC
) -> datetime:
    """A front-matter timestamp as an aware datetime.

    Takes ISO 8601 / RFC 3339 text ("2024-03-19", "2024-03-19T10:00:00Z",
    "2024-03-19 10:00:00 +02:00"), YAML/TOML date and datetime objects, and as a courtesy
    English dates ("March 19, 2024"). A value without an offset is in ``default_tz``.
    A value whose UTC equivalent does not fit in a datetime ("9999-12-31T23:59:59-12:00")
    becomes ``datetime.max`` in UTC. Raises ValueError for anything that is not a date.
    """
    if isinstance(value, datetime):
        dt = value if value.tzinfo is not None else value.replace(tzinfo=default_tz)
        return _checked(dt)
    if isinstance(value, date):
        return _checked(datetime.combine(value, time(0, 0), tzinfo=default_tz))
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date or date-time, got {value!r}")
    text = value.strip()
    if not text:
        raise ValueError("expected an ISO 8601 date or date-time, got an empty value")
    if len(text) > 64:
        raise ValueError(f"not an ISO 8601 date or date-time: {text[:64]!r}…")
    candidate = text
    if " " in text or not text.isprintable():  # white space other than " " is unprintable
        candidate = _SPACE_BEFORE_OFFSET.sub(r"\1\2", candidate)
    if ":60" in candidate:
        candidate = _LEAP_SECOND.sub(r"\1\2:59", candidate)
    if candidate[-1:] in "zZ":
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            from email.utils import parsedate_to_datetime

            parsed = parsedate_to_datetime(text)  # RFC 2822, as in RSS
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        found = find_text_date(text)
        if found is not None and found[1] == 0 and found[2] == len(text):
            return _checked(datetime.combine(found[0], time(0, 0), tzinfo=default_tz))
        raise ValueError(
            f"not an ISO 8601 date or date-time: {text!r} "
            "(expected e.g. 2024-03-19 or 2024-03-19T10:00:00+01:00)"
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    return _checked(parsed)
