from __future__ import annotations

from pathlib import Path

import pytest

from feeds.config import load_config, parse_size
from feeds.errors import ConfigError
from tests.conftest import REPO


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_config_loads_with_paths_relative_to_the_file() -> None:
    config = load_config(REPO / "config.toml")
    assert config.content_dir == REPO / "content"
    assert config.state_path == REPO / "state" / "feeds.db"
    assert config.site.url.endswith("/")
    assert config.max_file_size == 2 * 1024 * 1024


def test_defaults_fill_everything_but_site(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, '[site]\ntitle = "T"\nurl = "https://x.example"\n'))
    assert config.site.url == "https://x.example/"
    assert config.site.id_prefix == "x.example"
    assert config.content_dir == tmp_path / "content"
    assert config.output_dir == tmp_path / "public"


@pytest.mark.parametrize(
    ("text", "key", "expectation"),
    [
        ('[site]\ntitle = 3\nurl = "https://x.org"\n', "site.title", "Expected `str`, got `int`"),
        ('[site]\ntitle = "T"\nurl = "https://x.org"\ntilte = "x"\n', "site", "unknown field `tilte`"),
        ('[site]\ntitle = "T"\nurl = "ftp://x"\n', "site.url", "absolute http(s) URL"),
        ('[site]\ntitle = "T"\nurl = "https://x.org"\ntimezone = "Mars/Olympus"\n', "site.timezone",
         "IANA time zone"),
        ('[site]\ntitle = "T"\nurl = "https://x.org"\n[content]\nmax_file_size = "lots"\n',
         "content.max_file_size", "a size like"),
        ('[site]\ntitle = "T"\nurl = "https://x.org"\n[contnet]\ndir = "x"\n', None, "`contnet`"),
    ],
)
def test_a_wrong_key_names_file_key_and_expectation(
    tmp_path: Path, text: str, key: str | None, expectation: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    assert expectation in message
    if key:
        assert f"[{key}]" in message


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[site\n"))
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_sizes() -> None:
    assert parse_size("2 MiB") == 2 * 1024 * 1024
    assert parse_size("500kB") == 500_000
    assert parse_size(1234) == 1234
    with pytest.raises(ValueError):
        parse_size(0)


def test_language_filters_are_read_as_the_tags_releases_carry(tmp_path: Path) -> None:
    """An endpoint or digest for "FR" and "pt_br" lets through what releases carry ("fr-CH",
    "pt-BR"); a value that is no language is an error naming its key."""
    from feeds.intake.language import language_matches

    config = load_config(_write(tmp_path, (
        '[site]\ntitle = "T"\nurl = "https://x.example"\n'
        '[[endpoint]]\nname = "fr"\nkind = "webhook"\nurl = "https://hooks.example/fr"\n'
        'languages = ["FR", "pt_br", "Deutsch"]\n'
        '[[digest]]\nname = "weekly"\ncron = "0 8 * * 1"\nlanguages = ["English"]\n')))
    assert config.endpoints[0].languages == ("fr", "pt-BR", "de")
    assert config.digests[0].languages == ("en",)
    wanted = config.endpoints[0].languages
    assert language_matches("fr-CH", wanted) and language_matches("pt-BR", wanted)
    assert not language_matches("pt", wanted) and not language_matches("frr", wanted)
    with pytest.raises(ConfigError) as e:
        load_config(_write(tmp_path, (
            '[site]\ntitle = "T"\nurl = "https://x.example"\n'
            '[[endpoint]]\nname = "x"\nkind = "webhook"\nurl = "https://hooks.example/x"\n'
            'languages = ["Martian"]\n')))
    assert "endpoint.0.languages" in str(e.value) and "'Martian'" in str(e.value)
