"""Start and stop ``scripts/run_cluster.sh`` (N replicas behind nginx) for tests and benchmarks.

Importable without pytest: ``with Cluster(2) as c: ... c.url ...``. It runs the real script (so
the tests check what an operator runs), in its own process group, on a free loopback port with
its own run directory, and reads what the script writes there: ``replicas.tsv`` (replica ports
and pids) and nginx's access log (which replica served which browser, by its sticky cookie).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from server import REPO, free_port, rss_kb

SCRIPT = REPO / "scripts" / "run_cluster.sh"
ROUTE_COOKIE = "kdim_route"  # deploy/nginx.conf: the sticky key

# In a page: records every change of Streamlit's script state with its time (performance.now()).
STATE_LOG_JS = """() => {
  window.__kdimStates = [];
  const rec = () => {
    const e = document.querySelector('[data-test-script-state]');
    const v = e && e.getAttribute('data-test-script-state');
    const s = window.__kdimStates;
    if (!s.length || s[s.length - 1][1] !== v) s.push([performance.now(), v]);
  };
  new MutationObserver(rec).observe(document.body,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['data-test-script-state']});
  rec();
}"""
# A script run that started after time t has finished.
RAN_SINCE_JS = """t => { const s = window.__kdimStates;
  const i = s.findIndex(x => x[0] > t && x[1] === 'running');
  return i >= 0 && s.slice(i).some(x => x[1] === 'notRunning'); }"""
# deploy/nginx.conf's log_format kdim; up= lists every replica tried ("a:1, b:2"), the last one answered.
_LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
    r"up=(?P<up>.+?) ustatus=(?P<ustatus>.+?) rt=\S+ key=(?P<key>\S+)$"
)
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """(status, body) of a GET, without any proxy from the environment (loopback only)."""
    try:
        with _NO_PROXY.open(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def in_repo(pid: int) -> bool:
    """True for a process working in this repository (not another work tree's tests on the machine)."""
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False
    return cwd == str(REPO) or cwd.startswith(f"{REPO}/")


def _pids() -> list[int]:
    return [int(d.name) for d in Path("/proc").iterdir() if d.name.isdigit()]


def listening_ports() -> set[int]:
    """TCP ports in LISTEN state (IPv4 and IPv6, from /proc/net) held by processes working in this
    repository: other work trees' tests on the same machine open and close ports of their own."""
    inodes: dict[str, int] = {}
    for name in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    inodes[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    ports = set()
    for pid in _pids():
        if not in_repo(pid):
            continue
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        ports.add(inodes[target[8:-1]])
    return ports


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@dataclass
class Replica:
    index: int
    port: int
    pid: int
    log: Path

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"


class Cluster:
    """``bash scripts/run_cluster.sh N --port P --site SITE --run-dir RUN`` until stopped."""

    def __init__(
        self, n: int, port: int | None = None, site: Path | str | None = None, startup_timeout: float = 180.0,
        env: dict[str, str] | None = None,
    ):  # fmt: skip
        self.n = n
        self.env = env  # added to the script's environment (the replicas inherit it): KDIM_STORE_URL
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.site = Path(site) if site else None
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"kdim-cluster-{self.port}-"))
        self.run_dir.chmod(0o755)  # nginx runs as nobody when the tests run as root
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.run_dir / "run_cluster.out"
        self.replicas: list[Replica] = []
        self.nginx_pid: int | None = None

    # ------------------------------------------------------------------ lifecycle

    def command(self) -> list[str]:
        cmd = ["bash", str(SCRIPT), str(self.n), "--port", str(self.port), "--run-dir", str(self.run_dir)]
        if self.site is not None:
            cmd += ["--site", str(self.site)]
        return cmd

    def start(self) -> Cluster:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command(), cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, **(self.env or {})},
            )  # fmt: skip
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.startup_timeout
        table = self.run_dir / "replicas.tsv"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"run_cluster.sh exited with {self.proc.returncode}:\n{self.output()}")
            if table.exists() and "serving" in self.output():
                self._read_table(table)
                return
            time.sleep(0.2)
        raise RuntimeError(f"cluster not ready after {self.startup_timeout:.0f} s:\n{self.output()}")

    def _read_table(self, table: Path) -> None:
        self.replicas = []
        for line in table.read_text().splitlines()[1:]:
            name, port, pid, log = line.split("\t")
            if name == "nginx":
                self.nginx_pid = int(pid)
            else:
                self.replicas.append(Replica(int(name), int(port), int(pid), Path(log)))

    def pids(self) -> list[int]:
        return [r.pid for r in self.replicas] + ([self.nginx_pid] if self.nginx_pid else [])

    def stop(self, timeout: float = 30.0) -> list[int]:
        """TERM the script (it stops nginx and the replicas itself); returns the pids it left alive.

        Whatever is left after ``timeout`` is killed, so a failing test leaves nothing running.
        """
        proc, self.proc = self.proc, None
        if proc is None:
            return []
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        left = [p for p in self.pids() if alive(p)]
        for p in left:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p, signal.SIGKILL)
        return left

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ replicas and routing

    def kill_replica(self, replica: Replica, sig: signal.Signals = signal.SIGKILL) -> None:
        """Stop one replica as a crash would (its process group: the replica and anything it spawned)."""
        os.killpg(replica.pid, sig)
        deadline = time.monotonic() + 10
        while alive(replica.pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def replica_at(self, addr: str) -> Replica:
        for r in self.replicas:
            if r.addr == addr:
                return r
        raise KeyError(f"{addr} is none of the replicas {[r.addr for r in self.replicas]}")

    def access_log(self) -> list[dict[str, str]]:
        """nginx's access log, one dict per request (method, path, status, up, key)."""
        try:
            text = (self.run_dir / "nginx" / "access.log").read_text()
        except OSError:
            return []
        return [m.groupdict() for m in map(_LOG_LINE.search, text.splitlines()) if m]

    def upstreams_of(self, key: str) -> list[str]:
        """The replicas (host:port, in order) that served requests carrying this sticky key."""
        return [e["up"].split(", ")[-1] for e in self.access_log() if e["key"] == key and e["up"] != "-"]

    def rss_kb(self) -> int | None:
        """Resident memory of all live replicas together."""
        sizes = [rss_kb(r.pid) for r in self.replicas if alive(r.pid)]
        return sum(s for s in sizes if s) or None

    def remove_run_dir(self) -> None:
        """Delete the run directory (logs, nginx config); only once the cluster is stopped."""
        if self.proc is None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "(no output)"

    def error_log(self) -> str:
        try:
            return (self.run_dir / "nginx" / "error.log").read_text(errors="replace")
        except OSError:
            return "(no error log)"


def cluster_processes() -> set[tuple[int, str]]:
    """(pid, command line) of the processes of this repository that look like part of a cluster:
    the script, a replica, nginx."""
    out = set()
    for pid in _pids():
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if ("run_cluster.sh" in cmd or "geo serve" in cmd or cmd.startswith("nginx")) and in_repo(pid):
            out.add((pid, cmd))
    return out


def wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.1f} s: {what}")
        time.sleep(0.1)


def route_key(page) -> str:  # type: ignore[no-untyped-def]
    """The page's sticky key (nginx's kdim_route cookie)."""
    for cookie in page.context.cookies():
        if cookie["name"] == ROUTE_COOKIE:
            return cookie["value"]
    raise AssertionError(f"nginx set no {ROUTE_COOKIE} cookie (deploy/nginx.conf: the sticky key)")


@dataclass
class Failover:
    dead: Replica
    survivor: Replica
    reconnect_s: float  # kill → the page's requests reach another replica through nginx
    view_s: float  # kill → a script run there has finished (the page shows the view again)
    websocket_url: str
    before: dict
    after: dict


def fail_over(cluster: Cluster, page, limit: float = 10.0) -> Failover:  # type: ignore[no-untyped-def]
    """Kill (SIGKILL, as a crash) the replica serving ``page``'s session and time its recovery.

    Waits for the page's new websocket, for its requests to reach another replica through nginx,
    then presses Streamlit's "r" (rerun: what the page's next interaction does) and waits for that
    run to finish on the new replica. The new session builds the view from the URL. Raises if it
    takes longer than ``limit`` seconds in all.
    """
    from helpers import view_summary, wait_script_done

    before = view_summary(page)
    key = route_key(page)
    dead = cluster.replica_at(cluster.upstreams_of(key)[-1])
    served_before = len(cluster.upstreams_of(key))
    page.evaluate(STATE_LOG_JS)
    page_t0 = page.evaluate("performance.now()")
    with page.expect_websocket(timeout=limit * 1000) as new_ws:
        t0 = time.monotonic()
        cluster.kill_replica(dead)

    def left() -> float:
        return limit - (time.monotonic() - t0)

    wait_until(
        lambda: any(u != dead.addr for u in cluster.upstreams_of(key)[served_before:]),
        left(),
        f"the page's requests reach a replica other than the dead {dead.addr}",
    )
    reconnect_s = time.monotonic() - t0
    survivor = cluster.replica_at(next(u for u in cluster.upstreams_of(key)[served_before:] if u != dead.addr))
    page.locator("h1").first.click()
    page.keyboard.press("r")
    page.wait_for_function(RAN_SINCE_JS, arg=page_t0, timeout=max(left(), 0.1) * 1000)
    wait_script_done(page, expect_run=False, timeout=max(left(), 0.1))
    view_s = time.monotonic() - t0
    return Failover(dead, survivor, reconnect_s, view_s, new_ws.value.url, before, view_summary(page))
