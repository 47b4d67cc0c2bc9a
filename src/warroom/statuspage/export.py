"""The status page as static files: the HTML, the Statuspage JSON and the feeds, laid out as
the live paths are, so any web server or CDN can serve the directory even while warroom itself
is down. Written on demand (``warroom statuspage export DIR``) and, with
``WARROOM_STATUSPAGE_EXPORT_DIR`` set, after every change to the public page.

Each file is replaced in one step (written beside it, then renamed), so a reader never sees
half a file; files of incidents no longer public are removed."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from warroom.events import Dispatcher, DomainEvent
from warroom.settings import Settings
from warroom.statuspage.public_site import documents

log = logging.getLogger("warroom.statuspage")
STATIC = Path(__file__).parent.parent / "web" / "static"
ASSETS = ("app.css", "status.css")  # what the public pages link to
REFRESH_SECONDS = 60
MARKER = ".warroom-status-export"  # only a directory holding it is ever cleaned


def file_for(path: str) -> str:
    """Where the document served at ``path`` goes in the directory."""
    if path == "/status":
        return "index.html"
    if path.startswith("/status/"):
        return f"{path.strip('/')}/index.html"
    return path.lstrip("/")


def write_site(site: dict[str, bytes], directory: Path) -> list[str]:
    """Write every document (the page also as ``status/index.html``, so its own links work
    from the root), the stylesheets, and remove pages of incidents no longer public."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {file_for(path): body for path, body in site.items()}
    files["status/index.html"] = site["/status"]
    for name in ASSETS:
        files[f"static/{name}"] = (STATIC / name).read_bytes()
    files[MARKER] = b"written by warroom: the public status page\n"
    for name, body in sorted(files.items()):
        _replace(directory / name, body)
    _prune(directory, set(files))
    return sorted(files)


def _replace(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.read_bytes() == body:
        return  # unchanged: its modification time stays, and caches keep it
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)


def _prune(directory: Path, kept: set[str]) -> None:
    incidents = directory / "status" / "incidents"
    if not incidents.is_dir():
        return
    for page in incidents.iterdir():
        if f"status/incidents/{page.name}/index.html" not in kept:
            shutil.rmtree(page, ignore_errors=True)


def do_export(
    *, sessions: sessionmaker[Session], settings: Settings, now: datetime, directory: Path
) -> list[str]:
    with sessions() as session:
        read_one_snapshot(session)
        site = documents(session, settings, now)
    return write_site(site, directory)


def read_one_snapshot(session: Session) -> None:
    """Every query of the export sees the same moment: without this each SELECT sees the
    database as it is then, and a change committed midway would be half in the files."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")
    else:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


class Exporter:
    """Re-exports after each committed change to the public page, on one background thread:
    a burst of changes (an update that sets five components) is written once."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Callable[[], datetime],
        directory: Path,
    ) -> None:
        self.sessions, self.settings, self.clock = sessions, settings, clock
        self.directory = directory
        self.due = threading.Event()
        self.written = threading.Event()  # set after each export (tests and benchmarks wait)
        self.thread = threading.Thread(target=self._run, name="status-export", daemon=True)

    def start(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe("*", self._on_event)
        self.thread.start()
        self.due.set()  # once at start: the directory matches the database

    def _on_event(self, event: DomainEvent) -> None:
        if event.name.startswith("statuspage."):
            self.due.set()

    def _run(self) -> None:
        while True:
            # Also once a minute without a change: a missed event or a failed write heals.
            self.due.wait(timeout=REFRESH_SECONDS)
            self.due.clear()
            try:
                do_export(sessions=self.sessions, settings=self.settings, now=self.clock(),
                          directory=self.directory)  # fmt: skip
            except Exception:
                log.exception("exporting the status page failed; trying again in a second")
                time.sleep(1)
                self.due.set()
            self.written.set()
