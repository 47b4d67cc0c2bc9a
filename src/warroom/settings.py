"""Runtime settings, read once from ``WARROOM_*`` variables (or a file) and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob the server and CLI understand.

    ``secret_key`` has no default on purpose: when absent, one is generated on first start and
    stored in the database, so no two installations share a key.
    """

    model_config = SettingsConfigDict(
        env_prefix="WARROOM_",
        env_file=("warroom.env",),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = Field(default="sqlite:///warroom.db")
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    secret_key: str | None = None
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    log_level: str = "INFO"
    log_json: bool = True
    # How often an open live stream looks for changes written by other processes (the CLI,
    # another replica); local writes wake it at once.
    live_poll_seconds: float = Field(default=1.0, gt=0)
    cookie_secure: bool = False
    # The background worker (escalations, sending pages, handover reminders, missed heartbeats)
    # runs in the server process; turn off where `warroom worker` runs it, or in tests that
    # drive it by hand. A page goes out within one interval (at once for this process's writes).
    worker: bool = True
    worker_interval_seconds: float = Field(default=2.0, gt=0)
    # The go/no-go check runs this many minutes before each change's planned start.
    change_check_minutes: int = Field(default=30, ge=1, le=1440)
    # The public status page: its name and the time zone it shows times in (Statuspage's
    # ``page.time_zone``); its address is ``public_url`` (or host and port) plus /status.
    statuspage_name: str = "Status"
    statuspage_time_zone: str = "Etc/UTC"
    # A directory kept as a static copy of the public page after every change (None: off).
    statuspage_export_dir: Path | None = None
    # Seconds the public documents are answered from memory; a change made in this process
    # shows at once, one made elsewhere (another worker, the CLI) within this time. 0: off.
    statuspage_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # Minutes between updates by severity; when one is overdue the war room shows it and the
    # communications lead (or the commander) is told. JSON in the environment.
    # How often the worker reads each RSS/Atom feed of public mentions.
    mention_poll_minutes: int = Field(default=5, ge=1, le=1440)
    # Where the audit chain's head is shipped (file:/path, https://..., syslog://host:port;
    # None: nowhere) and how often at most; see docs/audit.md.
    audit_sink: str | None = None
    audit_ship_minutes: int = Field(default=15, ge=1, le=1440)
    update_cadence_minutes: dict[str, int] = Field(default_factory=lambda: {"SEV1": 30, "SEV2": 60})
    # How long a worker holds the deliveries it claimed: a worker that dies mid-send delays them
    # by at most this much. Keep it well above the send timeouts.
    worker_lease_seconds: float = Field(default=60.0, gt=0)
    session_max_age_seconds: int = 12 * 3600
    # Where people reach this server: the base of the links in pages and emails.
    public_url: str | None = None
    # Outgoing email for pages and notices (an SMTP relay; none is needed to run warroom).
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "warroom@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    # Outbound webhooks (JSON, HMAC-signed) give up on a receiver after this long.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    # Similar incidents and search also by meaning: "wordllama" (needs the extra,
    # ``pip install 'warroom[semantic]'``; its model ships in the package). None: words and keys.
    semantic_model: Literal["wordllama"] | None = None

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(config_file: Path | None = None) -> Settings:
    """Settings from the environment, and from an env-style file when one is named."""
    if config_file is not None:
        return Settings(_env_file=config_file)
    return Settings()
