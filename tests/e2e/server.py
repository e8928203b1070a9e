"""Start and stop `streamlit run app.py` on a free localhost port (e2e tests and benchmarks/load.py).

Importable without pytest: ``with StreamlitServer() as srv: ... srv.url ...``. The server runs in
its own process group so stopping it also stops anything it spawned, and its output goes to a
log file whose tail is shown when it fails to start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_local_url(url: str) -> bool:
    """True for what an offline page may load: localhost, data:, blob:, about:, file:."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def rss_kb(pid: int) -> int | None:
    """Resident set size of a process in kB (psutil is not a dependency: /proc is enough)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class StreamlitServer:
    """``python -m streamlit run app.py`` from the repository root, on a free port."""

    def __init__(
        self,
        port: int | None = None,
        startup_timeout: float = 60.0,
        app: str = "app.py",
        warm: bool = False,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ):
        self.port = port or free_port()
        self.extra_args = extra_args  # more `streamlit run` options (benchmarks/bench_sessions.py)
        self.env = env or {}  # added to the server's environment (e.g. KDIM_TRACEMALLOC)
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.app = app
        self.warm = warm  # start through `python -m geo serve` (imports warmed while booting)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"kdim-e2e-streamlit-{self.port}.log"
        self._log = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> StreamlitServer:
        launcher = ["geo", "serve"] if self.warm else ["streamlit", "run", self.app]
        cmd = [
            sys.executable, "-m", *launcher,
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *self.extra_args,
        ]  # fmt: skip
        self._log = self.log_path.open("wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.startup_timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        raise RuntimeError(f"streamlit not healthy after {self.startup_timeout:.0f} s ({last}):\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the whole process group; kill it if it does not stop within 10 s."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ info

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def rss_kb(self) -> int | None:
        return rss_kb(self.pid) if self.pid else None

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])


def launch_chromium(playwright, **kwargs):  # type: ignore[no-untyped-def]
    """Debian's chromium through Playwright; fails loudly (never skips) when it is missing."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); "
            "the e2e tests never download a browser"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, **kwargs)
