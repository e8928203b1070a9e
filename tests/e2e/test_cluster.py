"""Replicas behind nginx (scripts/run_cluster.sh, deploy/nginx.conf), with a real nginx, real
replicas and a real browser: the map through the proxy, sticky sessions spread over the
replicas, the briefing site and health, a replica dying mid-session, and the script's answers
to bad input.

The cluster (2 replicas) is started once for the module by the real script on a free port;
its teardown checks that TERM to the script stops nginx and every replica.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from cluster import (
    ROUTE_COOKIE,
    SCRIPT,
    Cluster,
    cluster_processes,
    fail_over,
    http_get,
    listening_ports,
    route_key,
    wait_until,
)
from helpers import (
    fills,
    open_app,
    record_count,
    region_count,
    select,
    wait_fills_change,
    wait_script_done,
)
from server import REPO, free_port

from geo import boundaries, maps, offline, regions
from geo.i18n import t
from geo.view import ViewState

pytestmark = pytest.mark.e2e

N_SIDO = 17
FAILOVER_LIMIT_S = 10.0
SITE_SCENES = ("ai", "sido-52")  # geo.site scene names: a preset and a 시도


@pytest.fixture(scope="module")
def model():
    """The app's data and view model, to compute what each view must show."""
    from geo import join, programs, view

    records = join.attach(programs.load_programs().records)
    return lambda state: view.compute(records, state)


@pytest.fixture(scope="module")
def site():
    """The briefing site as ``python -m geo export-site`` writes it (two scenes, no sheets: the full
    build is timed by hand, see README), in a directory nginx (run as nobody when the tests run as
    root) can read."""
    from geo import site as briefing_site

    parent = Path(tempfile.mkdtemp(prefix="kdim-site-"))
    parent.chmod(0o755)
    d = parent / "site"
    briefing_site.build(d, briefing_site.select(SITE_SCENES), sheets="none", log=lambda _m: None)
    yield d
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(site):
    offline.ensure_static_assets()
    c = Cluster(2, site=site)
    c.start()
    try:
        yield c
    finally:
        left = c.stop()
        still_listening = c.port in listening_ports()
        if not left and not still_listening:
            c.remove_run_dir()
        assert not left, f"TERM to run_cluster.sh left processes running: {left} (run dir {c.run_dir})"
        assert not still_listening, f"nginx still listens on {c.port} after run_cluster.sh stopped"


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def outside(group: str) -> int:
    return N_SIDO - len(regions.sido_codes_in_group(group))


# --------------------------------------------------------------------------- bad input: nothing starts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["0"], "N must be between 1 and 32 replicas, got 0"),
        (["abc"], "N must be a whole number of replicas (1-32), got 'abc'"),
        (["2", "--port", "PORT_IN_USE"], "port PORT_IN_USE on 127.0.0.1 is in use"),
    ],
    ids=["zero", "not-a-number", "port-in-use"],
)
def test_bad_input_says_what_is_wrong_and_starts_nothing(args, message, tmp_path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        args = [a.replace("PORT_IN_USE", port) for a in args]
        message = message.replace("PORT_IN_USE", port)
        if "--port" not in args:
            args += ["--port", str(free_port())]
        run_dir = tmp_path / "run"
        ports_before, procs_before = listening_ports(), cluster_processes()
        res = subprocess.run(
            ["bash", str(SCRIPT), *args, "--run-dir", str(run_dir)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        ports_after, procs_after = listening_ports(), cluster_processes()
    assert res.returncode != 0, res.stdout
    assert message in res.stderr, res.stderr
    assert ports_after - ports_before == set(), "a port was left listening"
    assert procs_after - procs_before == set(), "a process was left running"
    assert not run_dir.exists(), "the run directory was created"


def test_replica_not_healthy_in_time_is_named_and_everything_stops() -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="kdim-cluster-unhealthy-"))
    run_dir.chmod(0o755)  # nginx would run as nobody (the tests run as root)
    procs_before, ports_before = cluster_processes(), listening_ports()
    res = subprocess.run(
        ["bash", str(SCRIPT), "1", "--port", str(free_port()), "--run-dir", str(run_dir)],
        cwd=REPO,
        env={**os.environ, "KDIM_HEALTH_TIMEOUT": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 1, res.stdout + res.stderr
    assert re.search(r"replica 1 \(127\.0\.0\.1:\d+, pid \d+\) not healthy after 0 s", res.stderr), res.stderr
    assert str(run_dir / "replica-1.log") in res.stderr
    assert cluster_processes() - procs_before == set(), "a replica was left running"
    assert listening_ports() - ports_before == set()
    shutil.rmtree(run_dir)


# --------------------------------------------------------------------------- through nginx


def test_browser_session_through_nginx_draws_map_and_filters(cluster, guarded_pages, guard, model) -> None:
    page = guarded_pages()
    open_app(page, cluster.url)
    assert region_count(page) == N_SIDO
    assert record_count(page) == len(model(ViewState()).records)

    before = fills(page)
    select(page, t("region_group", "ko"), "호남권")
    after = wait_fills_change(page, before)
    wait_script_done(page)
    assert after.count(maps.OUTSIDE_FILL) == outside("호남권")
    assert record_count(page) == len(model(ViewState(region_group="호남권")).records)
    assert query(page).get("group") == "호남권"

    # The session's websocket went through nginx, and every request of this browser (page,
    # scripts, component, static Leaflet) reached one replica: the sticky key held.
    assert f"{cluster.url.replace('http', 'ws', 1)}/_stcore/stream" in guard.websockets
    served_by = set(cluster.upstreams_of(route_key(page)))
    assert len(served_by) == 1 and served_by <= {r.addr for r in cluster.replicas}, served_by


def test_sticky_key_spreads_browsers_over_replicas(cluster) -> None:
    """Browsers from one address (a ministry behind one NAT) still spread over the replicas."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    keys = []
    for _ in range(24):
        with opener.open(cluster.url + "/", timeout=10) as r:
            assert r.status == 200
            cookie = r.headers["Set-Cookie"] or ""
        assert cookie.startswith(f"{ROUTE_COOKIE}=") and "HttpOnly" in cookie, cookie
        keys.append(cookie.split(";")[0].split("=", 1)[1])
    used = {cluster.upstreams_of(k)[-1] for k in keys}
    assert used == {r.addr for r in cluster.replicas}, f"24 new browsers all went to {used}"

    # A browser with the cookie stays on its replica and is not given another key.
    request = urllib.request.Request(cluster.url + "/", headers={"Cookie": f"{ROUTE_COOKIE}={keys[0]}"})
    for _ in range(5):
        with opener.open(request, timeout=10) as r:
            assert r.headers["Set-Cookie"] is None
    assert set(cluster.upstreams_of(keys[0])) == {cluster.upstreams_of(keys[0])[0]}


def test_nginx_serves_briefing_site_and_health(cluster, site, guarded_pages, guard) -> None:
    from geo import site as briefing_site

    index = (site / "index.html").read_bytes()
    assert http_get(cluster.url + "/briefing/index.html") == (200, index)
    assert http_get(cluster.url + "/briefing/") == (200, index)
    assert http_get(cluster.url + "/briefing/missing.html")[0] == 404
    assert http_get(cluster.url + "/_stcore/health") == (200, b"ok")
    # every file the export wrote, byte for byte under /briefing/, with its type
    types = {".html": "text/html", ".js": "application/javascript", ".css": "text/css", ".csv": "text/csv"}
    types |= {".png": "image/png", ".json": "application/json"}
    files = [*json.loads((site / briefing_site.MARKER).read_text(encoding="utf-8"))["files"], briefing_site.MARKER]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for rel in files:
        with opener.open(f"{cluster.url}/briefing/{quote(rel)}", timeout=5) as r:
            assert r.read() == (site / rel).read_bytes(), rel
            assert r.headers["Content-Type"].startswith(types[Path(rel).suffix]), rel
    # in a browser: the index under /briefing/, a link to a map, its polygons drawn from /briefing/static/
    page = guarded_pages()
    page.goto(cluster.url + "/briefing/")
    href = briefing_site.map_file(briefing_site.select(["sido-52"])[0], "sigungu", "ko")
    page.click(f'a[href="{href}"]')
    page.wait_for_url(f"**/briefing/{href}")
    n = len(boundaries.load_layer("sigungu"))
    page.wait_for_function(f"document.querySelectorAll('path.kdim-region').length === {n}", timeout=20000)
    assert [u for u in guard.requests if u.endswith("/map.js")] == [
        f"{cluster.url}/briefing/static/{offline.asset('mapjs').rel}"  # Leaflet and the map's code, one file
    ]
    assert guard.page_errors == []
    # The briefing site is nginx's own: no replica saw these requests.
    briefing = [e for e in cluster.access_log() if e["path"].startswith("/briefing/")]
    assert len(briefing) >= len(files) and all(e["up"] == "-" for e in briefing)


# --------------------------------------------------------------------------- failover (last: a replica dies)


def test_replica_dies_mid_session_page_reconnects_with_same_view(cluster, guarded_pages, model, capsys) -> None:
    page = guarded_pages()
    open_app(page, cluster.url + "/?group=호남권")
    assert fills(page).count(maps.OUTSIDE_FILL) == outside("호남권")
    assert record_count(page) == len(model(ViewState(region_group="호남권")).records)

    fo = fail_over(cluster, page, limit=FAILOVER_LIMIT_S)
    assert fo.websocket_url == f"{cluster.url.replace('http', 'ws', 1)}/_stcore/stream"  # through nginx
    assert fo.survivor is not fo.dead
    assert fo.view_s < FAILOVER_LIMIT_S
    assert fo.after == fo.before  # map title, figures and the choropleth's fills
    assert query(page).get("group") == "호남권"
    body = page.inner_text("body")
    assert "Traceback" not in body and page.locator("[data-testid='stException']").count() == 0

    # The session is live on the survivor: a filter change draws.
    f = fills(page)
    select(page, t("region_group", "ko"), "수도권")
    assert wait_fills_change(page, f).count(maps.OUTSIDE_FILL) == outside("수도권")
    wait_script_done(page)
    assert record_count(page) == len(model(ViewState(region_group="수도권")).records)

    # Named in the logs: nginx's error log (the upstream) and the script's watch.
    dead = fo.dead
    assert f'upstream: "http://{dead.addr}/' in cluster.error_log()
    wait_until(
        lambda: f"replica {dead.index} ({dead.addr}, pid {dead.pid}) exited" in cluster.output(),
        5,
        "run_cluster.sh names the dead replica",
    )
    with capsys.disabled():
        print(
            f"\nfailover: replica {dead.addr} killed; the page's requests reach {fo.survivor.addr} through nginx"
            f" after {fo.reconnect_s:.1f} s; its view rerun there after {fo.view_s:.1f} s"
        )
