"""Settings from environment variables and an optional TOML file.

Every environment variable the tool reads is named in ``ENV_VARS``; the CLI
prints this table in ``--help``.  Precedence: command-line option, then
environment variable, then ``config.toml`` in the data directory (or the file
named by ``EVIDENCE_CONFIG``), then the built-in default.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from evidence_capture.errors import ConfigError, InputError, Msg

DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"
STATION_KEY_NAME = "station.key.pem"  # the encrypted signing key in keys_dir (manifests/keys.py)
FALLBACK_CHROMIUM = "chromium-headless-shell"

ENV_VARS: dict[str, str] = {
    "EVIDENCE_HOME": "data directory (default: the platform user data dir)",
    "EVIDENCE_CONFIG": "TOML config file (default: EVIDENCE_HOME/config.toml)",
    "EVIDENCE_CHROMIUM": f"browser executable (default: {DEFAULT_CHROMIUM}, "
    f"then {FALLBACK_CHROMIUM} on PATH)",
    "EVIDENCE_DB": "SQLAlchemy database URL: sqlite:///… or postgresql+psycopg://… "
    "(default: SQLite in EVIDENCE_HOME)",
    "EVIDENCE_BROKER_URL": "Celery broker for `patrol --queue` and `evidence worker` "
    "(e.g. redis://host:6379/0)",
    "EVIDENCE_ARTIFACTS": "shared artifact root that every worker mounts "
    "(default: EVIDENCE_HOME/captures)",
    "EVIDENCE_TSA_URL": "comma-separated RFC 3161 TSA URLs",
    "EVIDENCE_TSA_CA": "PEM bundle of trusted TSA certificates (each one a trust anchor)",
    "EVIDENCE_TSA_CHAIN": "PEM bundle of TSA and intermediate certificates for TSAs whose "
    "responses carry none (never trusted on their own)",
    "EVIDENCE_KEY_PASSPHRASE": "passphrase of the station signing key (else a prompt)",
    "EVIDENCE_OFFICER": "default officer(s), 'NAME:CERT_NO', comma-separated",
    "EVIDENCE_LANG": "language of messages: zh or en, also zh_CN, zh_CN.UTF-8 (default: from the locale)",
    "EVIDENCE_REPLAY_ASSETS": "folder with ReplayWeb.page's ui.js and sw.js for `evidence replay` "
    "(default: the cache `make replay-assets` fills)",
}

# Keys allowed in config.toml, mapped to the environment variable they stand for.
_TOML_KEYS = {
    "chromium": "EVIDENCE_CHROMIUM",
    "db": "EVIDENCE_DB",
    "tsa_url": "EVIDENCE_TSA_URL",
    "tsa_ca": "EVIDENCE_TSA_CA",
    "tsa_chain": "EVIDENCE_TSA_CHAIN",
    "officer": "EVIDENCE_OFFICER",
    "lang": "EVIDENCE_LANG",
    "broker_url": "EVIDENCE_BROKER_URL",
    "artifacts": "EVIDENCE_ARTIFACTS",
}


def env_help() -> str:
    """The environment-variable table, for ``--help`` epilogs."""
    width = max(len(name) for name in ENV_VARS)
    lines = [f"{name.ljust(width)}  {text}" for name, text in ENV_VARS.items()]
    # "\b" tells Click not to re-wrap the paragraph that follows.
    return "Environment variables:\n\n\b\n" + "\n".join(lines)


@dataclass(frozen=True)
class Settings:
    home: Path
    chromium: str
    db_url: str
    tsa_urls: tuple[str, ...] = ()
    tsa_ca: Path | None = None
    tsa_chain: Path | None = None
    officers: tuple[str, ...] = ()
    lang: str = "zh"
    broker_url: str | None = None
    artifacts: Path | None = None

    @property
    def captures_dir(self) -> Path:
        return self.artifacts or self.home / "captures"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def has_station_key(self) -> bool:
        """Whether a station key exists to unlock (known without importing the crypto code)."""
        return (self.keys_dir / STATION_KEY_NAME).is_file()

    def capture_dir(self, capture_id: str) -> Path:
        return self.captures_dir / capture_id


def _read_toml(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(Msg("config.unreadable", path=path)) from exc
    unknown = sorted(set(data) - set(_TOML_KEYS))
    if unknown:
        raise ConfigError(Msg("config.unknown_keys", path=path, keys=", ".join(unknown)),
                          hint=Msg("config.unknown_keys.hint", keys=", ".join(sorted(_TOML_KEYS))))
    return {_TOML_KEYS[key]: str(value) for key, value in data.items()}


def _resolve_chromium(value: str | None) -> str:
    if value:
        return value
    if Path(DEFAULT_CHROMIUM).exists():
        return DEFAULT_CHROMIUM
    found = shutil.which(FALLBACK_CHROMIUM)
    return found or DEFAULT_CHROMIUM


def _default_lang(env: dict[str, str]) -> str:
    """The language of the locale (LC_ALL, LC_MESSAGES, LANG); Chinese when none is set."""
    from evidence_capture.i18n import normalize_lang

    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return (normalize_lang(locale) or "en") if locale else "zh"


def _lang(value: str | None, env: dict[str, str]) -> str:
    from evidence_capture.i18n import normalize_lang

    if not value:
        return _default_lang(env)
    lang = normalize_lang(value)
    if lang is None:
        raise ConfigError(Msg("config.env_bad_lang", value=repr(value)))
    return lang


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _tsa_urls(value: str | None) -> tuple[str, ...]:
    """The TSA URLs, each an http(s) URL with a host that parses (else ConfigError)."""
    urls = _split(value)
    for url in urls:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise ConfigError(Msg("config.tsa_url_invalid", url=repr(url))) from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(Msg("config.tsa_url_scheme", url=repr(url)),
                              hint=Msg("config.tsa_url_scheme.hint"))
    return urls


def _tsa_ca(value: str | None, variable: str = "EVIDENCE_TSA_CA") -> Path | None:
    """A TSA certificate bundle, checked with the same loader the verifier uses (else ConfigError)."""
    if not value:
        return None
    from evidence_capture.timestamping.bundles import load_tsa_roots  # not the token verifier

    path = Path(value).expanduser()
    try:
        load_tsa_roots(path)
    except InputError as exc:
        raise ConfigError(Msg("config.tsa_bundle", variable=variable, reason=exc.msg or exc.message),
                          hint=exc.hint_msg or exc.hint) from exc
    return path


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    home = Path(env.get("EVIDENCE_HOME") or platformdirs.user_data_dir("evidence-capture"))
    home = home.expanduser().resolve()
    config_file = Path(env.get("EVIDENCE_CONFIG") or home / "config.toml")
    merged = {**_read_toml(config_file), **{k: v for k, v in env.items() if k in ENV_VARS and v}}
    lang = _lang(merged.get("EVIDENCE_LANG"), env)
    return Settings(
        home=home,
        chromium=_resolve_chromium(merged.get("EVIDENCE_CHROMIUM")),
        db_url=merged.get("EVIDENCE_DB") or f"sqlite:///{home / 'evidence.db'}",
        tsa_urls=_tsa_urls(merged.get("EVIDENCE_TSA_URL")),
        tsa_ca=_tsa_ca(merged.get("EVIDENCE_TSA_CA")),
        tsa_chain=_tsa_ca(merged.get("EVIDENCE_TSA_CHAIN"), "EVIDENCE_TSA_CHAIN"),
        officers=_split(merged.get("EVIDENCE_OFFICER")),
        lang=lang,
        broker_url=merged.get("EVIDENCE_BROKER_URL") or None,
        artifacts=(Path(merged["EVIDENCE_ARTIFACTS"]).expanduser().resolve()
                   if merged.get("EVIDENCE_ARTIFACTS") else None),
    )
