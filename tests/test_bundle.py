"""The offline install bundle (scripts/make_bundle.sh, scripts/install_bundle.sh), for real.

The bundle is built from this checkout (pip's own cache makes a rebuild cheap, but the wheelhouse,
the tarball and its manifest are made anew each run), then installed and started inside a
network namespace of its own (``unshare --net``: only a loopback interface, no route) in which
every local package source pip could find on this machine (its configured find-links and file://
indexes, its cache) is hidden under an empty tmpfs (``unshare --mount``). The installed app must
answer its page, /_stcore/health and a vendored Leaflet file there, and finish its warm-up (the
records, the boundaries and the map layers load from the installed environment).

Bad bundles (truncated, a file changed, a file added) and an existing DIR stop with a message
naming what is wrong and leave nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from geo import offline

REPO = Path(__file__).resolve().parents[1]
MAKE = REPO / "scripts" / "make_bundle.sh"
INSTALL = REPO / "scripts" / "install_bundle.sh"
LEAFLET = f"static/vendor/{offline.asset('mapjs').rel}"  # Leaflet and the map's code, one bundle
WARM_DONE = "kdim: warm-up done"  # geo.serve.WARM_DONE (not imported: that would import the app)


def version() -> str:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture(scope="module")
def bundle(capsys_module_disabled):  # type: ignore[no-untyped-def]
    out = Path(tempfile.mkdtemp(prefix="kdim-bundle-"))
    t0 = time.monotonic()
    res = subprocess.run(["bash", str(MAKE), str(out)], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout + res.stderr
    path = out / f"kdim-offline-{version()}.tar.gz"
    mb = path.stat().st_size / 2**20
    capsys_module_disabled(f"bundle: {path.name} {mb:.0f} MB, built in {time.monotonic() - t0:.0f} s")
    yield path
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def capsys_module_disabled(request):  # type: ignore[no-untyped-def]
    """Print a figure to the terminal even while pytest captures output."""
    capman = request.config.pluginmanager.getplugin("capturemanager")

    def say(text: str) -> None:
        with capman.global_and_fixture_disabled():
            print(f"\n{text}")

    return say


@pytest.fixture
def workdir():  # type: ignore[no-untyped-def]
    d = Path(tempfile.mkdtemp(prefix="kdim-install-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def install(bundle: Path, target: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": tempfile.gettempdir(), "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", str(INSTALL), str(bundle), str(target)],
        env={**env, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


# --------------------------------------------------------------------------- the real thing, offline


def local_package_dirs() -> list[str]:
    """Directories pip on this machine could install from without a network: its configured
    find-links and file:// indexes (config files and PIP_* variables) and its cache."""
    res = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True)
    values = [line.split("=", 1)[1].strip("'\"") for line in res.stdout.splitlines() if "=" in line]
    values += [v for k, v in os.environ.items() if k.startswith("PIP_")]
    cache = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    values.append(cache.stdout.strip())
    dirs = set()
    for token in " ".join(values).split():
        path = urlsplit(token).path if token.startswith("file://") else token
        if path.startswith("/") and Path(path).is_dir() and path != "/":
            dirs.add(str(Path(path)))
    return sorted(dirs)


# Runs inside `unshare --net --mount`: hides the local package sources, installs, starts the app
# on loopback and fetches from it; prints one JSON line of what it saw.
OFFLINE_SCRIPT = r"""
set -euo pipefail
bundle=$1 target=$2 port=$3 python=$4; shift 4
ip link set lo up
for d in "$@"; do mount -t tmpfs -o size=1m,mode=755 kdim-hidden "$d"; done
links=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
routes=$( (ip -4 route show; ip -6 route show) | tr '\n' ';')
hidden_left=$(for d in "$@"; do find "$d" -mindepth 1 | head -n 1; done)
home="$(dirname "$target")/home"  # the app's caches (matplotlib, fontconfig, streamlit) go here
mkdir -p "$home"
clean_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LANG=C.UTF-8)
t0=$(date +%s.%N)
"${clean_env[@]}" PYTHON="$python" bash INSTALL "$bundle" "$target" >&2
t1=$(date +%s.%N)
"${clean_env[@]}" setsid "$target/run.sh" --server.port "$port" --server.address 127.0.0.1 --server.headless true \
  --browser.gatherUsageStats false --server.fileWatcherType none >"$target.log" 2>&1 </dev/null &
app=$!
trap 'kill -TERM -- -$app 2>/dev/null || true; wait $app 2>/dev/null || true' EXIT
"$python" - "$port" "$target.log" "$t0" "$t1" "$links" "$routes" "$hidden_left" <<'PY'
import hashlib, json, sys, time, urllib.request
port, log, t0, t1, links, routes, hidden_left = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
base = f"http://127.0.0.1:{port}"
def get(path):
    try:
        with opener.open(base + path, timeout=5) as r:
            return r.status, r.read()
    except Exception as exc:
        return None, repr(exc).encode()
deadline = time.monotonic() + 120
while time.monotonic() < deadline and get("/_stcore/health")[0] != 200:
    time.sleep(0.3)
start_s = time.monotonic() - (deadline - 120)
health, page, leaflet = get("/_stcore/health"), get("/"), get("/app/LEAFLET")
while time.monotonic() < deadline and "WARM_DONE" not in open(log, errors="replace").read():
    time.sleep(0.3)
print(json.dumps({
    "install_s": float(t1) - float(t0), "start_s": start_s, "links": links.split(), "routes": routes,
    "hidden_left": hidden_left,
    "health": [health[0], health[1].decode(errors="replace")],
    "page": [page[0], b'<div id="root">' in page[1]],
    "leaflet": [leaflet[0], hashlib.sha256(leaflet[1]).hexdigest()],
    "log": open(log, errors="replace").read()[-3000:],
}))
PY
"""


def test_bundle_installs_and_serves_with_no_network_and_no_package_source(bundle, workdir, capsys_module_disabled):
    if shutil.which("unshare") is None:
        raise RuntimeError("unshare (util-linux) not found: the offline test needs a network namespace")
    probe = subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True, text=True)
    assert probe.returncode == 0, f"cannot make a network namespace here (unshare --net --mount): {probe.stderr}"
    from tests.e2e.server import free_port

    target = workdir / "kdim"
    hidden = local_package_dirs()
    script = OFFLINE_SCRIPT.replace("INSTALL", str(INSTALL)).replace("LEAFLET", LEAFLET).replace("WARM_DONE", WARM_DONE)
    res = subprocess.run(
        ["unshare", "--net", "--mount", "bash", "-c", script, "offline",
         str(bundle), str(target), str(free_port()), sys.executable, *hidden],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    seen = json.loads(res.stdout.strip().splitlines()[-1])

    # Offline for real: only loopback, no route off it, and pip's local sources were empty.
    assert seen["links"] == ["lo"], seen["links"]
    assert "default" not in seen["routes"] and "via" not in seen["routes"], seen["routes"]
    assert seen["hidden_left"] == "", f"a hidden package source still shows files: {seen['hidden_left']}"

    assert seen["health"] == [200, "ok"], seen
    assert seen["page"] == [200, True], seen
    want = hashlib.sha256((REPO / LEAFLET).read_bytes()).hexdigest()
    assert seen["leaflet"] == [200, want], seen
    assert WARM_DONE in seen["log"], f"the installed app did not finish its warm-up:\n{seen['log']}"
    assert "Traceback" not in seen["log"], seen["log"]

    # What was installed: the app, the fonts, a venv pointing at DIR; nothing left beside it.
    assert leftovers(workdir) == ["home", "kdim", "kdim.log"]
    assert (target / "run.sh").stat().st_mode & 0o111
    assert (target / "fonts" / "NotoSansCJK-Regular.ttc").is_file()
    assert (target / "app" / "data" / "shapefiles" / "korea_admin_2024.gpkg").is_file()
    scripts_at = (target / "venv" / "bin" / "streamlit").read_text().splitlines()[0]
    assert scripts_at == f"#!{target}/venv/bin/python", scripts_at
    assert "installed in" in res.stderr
    capsys_module_disabled(
        f"offline install: {seen['install_s']:.0f} s (check, venv, pip from the bundled wheels);"
        f" app healthy {seen['start_s']:.0f} s after start; installed size"
        f" {sum(f.stat().st_size for f in target.rglob('*') if f.is_file()) / 2**20:.0f} MB"
    )


# --------------------------------------------------------------------------- bad bundles change nothing


def test_truncated_bundle_is_named_and_leaves_nothing(bundle, workdir) -> None:
    cut = workdir / bundle.name
    with bundle.open("rb") as src, cut.open("wb") as dst:
        dst.write(src.read(bundle.stat().st_size * 2 // 5))
    target = workdir / "kdim"
    res = install(cut, target)
    assert res.returncode != 0
    assert f"{cut} is not a complete gzip file (truncated or corrupt" in res.stderr, res.stderr
    assert "nothing was installed" in res.stderr
    assert leftovers(workdir) == [cut.name]


def fake_bundle(directory: Path, files: dict[str, bytes], manifest: dict[str, bytes]) -> Path:
    """A small tarball laid out like a bundle, with a SHA256SUMS of ``manifest`` (name → content)."""
    root = directory / "src" / "kdim-offline-9.9.9"
    root.mkdir(parents=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in manifest.items())
    (root / "SHA256SUMS").write_text(sums)
    path = directory / "kdim-offline-9.9.9.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(root, arcname=root.name)
    shutil.rmtree(directory / "src")
    return path


@pytest.mark.parametrize(
    ("files", "manifest", "message"),
    [
        ({"run.sh": b"changed"}, {"run.sh": b"original"}, "{path}: files differ from its SHA256SUMS manifest: run.sh"),
        ({"run.sh": b"x", "extra.sh": b"y"}, {"run.sh": b"x"}, "{path} holds files its SHA256SUMS does not list"),
    ],
    ids=["changed-file", "unlisted-file"],
)
def test_bundle_not_matching_its_manifest_is_named_and_leaves_nothing(files, manifest, message, workdir) -> None:
    path = fake_bundle(workdir, files, manifest)
    res = install(path, workdir / "kdim")
    assert res.returncode != 0
    assert message.format(path=path) in res.stderr, res.stderr
    assert next(n for n in files if n not in manifest or files[n] != manifest[n]) in res.stderr
    assert "nothing was installed" in res.stderr
    assert leftovers(workdir) == [path.name]


def test_existing_dir_is_refused_and_left_alone(workdir) -> None:
    target = workdir / "kdim"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    path = fake_bundle(workdir, {"run.sh": b"x"}, {"run.sh": b"x"})
    res = install(path, target)
    assert res.returncode != 0
    assert f"{target} already exists" in res.stderr, res.stderr
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert leftovers(workdir) == sorted([path.name, "kdim"])
