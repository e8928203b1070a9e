"""The container image (scripts/build_image.sh), built for real and run here as a container.

The image is built from this checkout (mmdebstrap from the Debian mirror, the offline bundle's
wheels, podman import, an OCI archive); the test prints its size and build time. Then the archive
is loaded into a private podman storage and run as deploy/k8s runs it: its own CMD and USER, a
read-only root with writable tmpfs only at /tmp and HOME (the manifests' emptyDir volumes), all
capabilities dropped, no network but its own loopback. On these machines that takes runc (Debian's
crun refuses "cgroups in hybrid mode") and rlimits no higher than the host's hard limits (root
here lacks CAP_SYS_RESOURCE; podman's defaults ask for more: "setrlimit RLIMIT_NOFILE/RLIMIT_NPROC:
Operation not permitted"). From inside the container: /_stcore/health, the page and Leaflet, the
warm-up; the seed Job's command (`geo store init`, on SQLite in /tmp); the briefing site's nginx
with deploy/k8s's config, as the same user.

Marked ``image`` (several minutes on 2 cores): pyproject's addopts leave it out of the default run;
``python3 -m pytest -m image tests/test_image.py`` runs it.
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from geo import offline

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "scripts" / "build_image.sh"
SITE_CONF = REPO / "deploy" / "k8s" / "base" / "site-nginx.conf"
LEAFLET = f"static/vendor/{offline.asset('mapjs').rel}"  # Leaflet and the map's code, one bundle
WARM_DONE = "kdim: warm-up done"  # geo.serve.WARM_DONE (not imported: that would import the app)

pytestmark = pytest.mark.image


def image_config() -> dict:
    res = subprocess.run(["bash", str(BUILD), "--print-config"], capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def say(request):  # type: ignore[no-untyped-def]
    """Print a figure to the terminal even while pytest captures output."""
    capman = request.config.pluginmanager.getplugin("capturemanager")

    def _say(text: str) -> None:
        with capman.global_and_fixture_disabled():
            print(f"\n{text}")

    return _say


@pytest.fixture(scope="module")
def archive(say):  # type: ignore[no-untyped-def]
    for tool in ("mmdebstrap", "podman", "runc"):
        if shutil.which(tool) is None:  # never a skip: bash scripts/setup_system.sh installs them
            pytest.fail(f"{tool} not found: bash scripts/setup_system.sh installs it")
    out = Path(tempfile.mkdtemp(prefix="kdim-image-test-"))
    path = out / "kdim-image.tar"
    t0 = time.monotonic()
    res = subprocess.run(["bash", str(BUILD), str(path)], cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    say(
        f"image: {image_config()['image']} {path.stat().st_size / 2**20:.0f} MB (OCI archive),"
        f" built in {time.monotonic() - t0:.0f} s:\n{res.stdout.strip()}"
    )
    yield path
    shutil.rmtree(out, ignore_errors=True)


def read_oci(path: Path) -> tuple[dict, dict, list[str]]:
    """(index, image config, layer digests) of an OCI archive."""
    with tarfile.open(path) as tar:

        def blob(digest: str) -> dict:
            return json.load(tar.extractfile("blobs/" + digest.replace(":", "/")))

        index = json.load(tar.extractfile("index.json"))
        (entry,) = index["manifests"]
        manifest = blob(entry["digest"])
        config = blob(manifest["config"]["digest"])
        return index, config, [layer["digest"] for layer in manifest["layers"]]


def test_the_archive_is_an_oci_image_with_the_apps_command(archive) -> None:
    cfg = image_config()
    index, config, layers = read_oci(archive)
    assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] in (cfg["image"], "0.1.0")
    c = config["config"]
    assert c["Cmd"] == cfg["cmd"]
    assert c["User"] == f"{cfg['user']}:{cfg['user']}"
    assert c["WorkingDir"] == "/opt/kdim/app"
    assert f"{cfg['port']}/tcp" in c["ExposedPorts"]
    assert any(e.startswith("PATH=/opt/kdim/venv/bin:") for e in c["Env"])
    assert config["architecture"] == "amd64" and config["os"] == "linux"
    assert len(layers) == 1


def podman(storage: Path, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = ["podman", "--root", str(storage / "root"), "--runroot", str(storage / "run"), "--storage-driver", "vfs"]
    res = subprocess.run([*cmd, "--runtime", "runc", *args], capture_output=True, text=True, timeout=timeout)
    assert not check or res.returncode == 0, f"podman {' '.join(args)}: {res.stdout[-2000:]}{res.stderr[-2000:]}"
    return res


def limits() -> list[str]:
    """rlimits a container may get here: no higher than this process's hard limits."""
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nofile = 65536 if nofile == resource.RLIM_INFINITY else min(nofile, 65536)
    nproc = 4096 if nproc == resource.RLIM_INFINITY else min(nproc, 4096)
    return ["--ulimit", f"nofile={nofile}:{nofile}", "--ulimit", f"nproc={nproc}:{nproc}"]


INSIDE = r"""
import hashlib, json, os, sys, time, urllib.request
def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except Exception as exc:
        return None, repr(exc).encode()
t0 = time.monotonic()
while time.monotonic() < t0 + 180 and get("http://127.0.0.1:PORT/_stcore/health")[0] != 200:
    time.sleep(0.3)
health, page, leaflet = (get("http://127.0.0.1:PORT" + p) for p in ("/_stcore/health", "/", "/app/LEAFLET"))
site = get("http://127.0.0.1:8080/briefing/")
t1 = time.monotonic()
while time.monotonic() < t1 + 30 and site[0] != 200:  # nginx was started a moment ago
    time.sleep(0.3)
    site = get("http://127.0.0.1:8080/briefing/")
links = sorted(os.listdir("/sys/class/net"))
print(json.dumps({
    "start_s": time.monotonic() - t0, "uid": os.getuid(), "links": links,
    "health": [health[0], health[1].decode(errors="replace")],
    "page": [page[0], b'<div id="root">' in page[1]],
    "leaflet": [leaflet[0], hashlib.sha256(leaflet[1]).hexdigest()],
    "site": [site[0], site[1].decode(errors="replace")[:200]],
}))
"""


def test_the_image_runs_read_only_as_its_user_with_no_network(archive, say) -> None:
    cfg = image_config()
    storage = Path(tempfile.mkdtemp(prefix="kdim-podman-"))
    conf = Path(tempfile.mkdtemp(prefix="kdim-site-conf-"))
    shutil.copy(SITE_CONF, conf / "nginx.conf")
    conf.chmod(0o755)  # read by the container's user, as a ConfigMap volume is
    (conf / "nginx.conf").chmod(0o644)
    try:
        t0 = time.monotonic()
        podman(storage, "load", "--quiet", "-i", str(archive))
        load_s = time.monotonic() - t0
        run = podman(
            storage, "run", "-d", "--name", "kdim", "--network", "none", "--read-only", "--read-only-tmpfs=false",
            "--tmpfs", "/tmp:rw,mode=1777,size=256m", "--tmpfs", "/home/kdim:rw,U,size=256m",
            "--tmpfs", "/site:rw,U,size=16m", "--volume", f"{conf}:/etc/kdim-site:ro",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges", *limits(), cfg["image"],
        )  # fmt: skip
        assert run.stdout.strip(), run.stderr
        # the seed Job's command, on SQLite in /tmp (PostgreSQL in the cluster)
        store = podman(storage, "exec", "-e", "KDIM_STORE_URL=sqlite:////tmp/store.sqlite3", "kdim",
                       "python3", "-m", "geo", "store", "init")  # fmt: skip
        assert "version 1 (seed" in store.stdout, store.stdout + store.stderr
        page = "<!doctype html><title>briefing ok</title>"
        site = f"mkdir -p /site/briefing && echo '{page}' >/site/briefing/index.html"
        podman(storage, "exec", "kdim", "sh", "-c", site)
        # nginx's output to a file: with `exec -d` its stderr is closed, and its first notice would kill it
        nginx = "exec nginx -c /etc/kdim-site/nginx.conf -e stderr -g 'daemon off;' >/tmp/nginx.log 2>&1"
        podman(storage, "exec", "-d", "kdim", "sh", "-c", nginx)
        script = INSIDE.replace("PORT", str(cfg["port"])).replace("LEAFLET", LEAFLET)
        seen = json.loads(podman(storage, "exec", "kdim", "python3", "-c", script).stdout.strip().splitlines()[-1])
        logs = podman(storage, "logs", "kdim", check=False)
        log = logs.stdout + logs.stderr
        top = podman(storage, "top", "kdim", "user", "args", check=False).stdout
        nginx_log = podman(storage, "exec", "kdim", "cat", "/tmp/nginx.log", check=False).stdout
        # what a briefing sheet writes (matplotlib's font cache): only HOME and /tmp are writable
        report = podman(storage, "exec", "kdim", "python3", "-m", "geo", "export-report", "/tmp/r.hwpx", check=False)
        written = podman(storage, "exec", "kdim", "find", "/home/kdim", "-type", "f", check=False).stdout
    finally:
        podman(storage, "rm", "-af", "-t", "2", check=False)
        podman(storage, "rmi", "-af", check=False)
        shutil.rmtree(storage, ignore_errors=True)
        shutil.rmtree(conf, ignore_errors=True)

    assert seen["links"] == ["lo"], seen["links"]
    assert seen["uid"] == cfg["user"]
    assert seen["health"] == [200, "ok"], seen
    assert seen["page"] == [200, True], seen
    assert seen["leaflet"] == [200, hashlib.sha256((REPO / LEAFLET).read_bytes()).hexdigest()], seen
    assert seen["site"][0] == 200 and "briefing ok" in seen["site"][1], (seen["site"], nginx_log)
    assert report.returncode == 0 and "wrote /tmp/r.hwpx" in report.stdout, report.stdout + report.stderr
    assert "/home/kdim/.cache/matplotlib/" in written, written
    assert WARM_DONE in log, f"the app did not finish its warm-up:\n{log[-3000:]}"
    assert "Traceback" not in log and "Read-only file system" not in log, log[-3000:]
    assert "root" not in top.split(), top  # every process (server, nginx) as kdim
    say(
        f"image run (podman + runc, read-only root, UID {cfg['user']}, no network): loaded in {load_s:.0f} s,"
        f" healthy {seen['start_s']:.0f} s after the container started"
    )
