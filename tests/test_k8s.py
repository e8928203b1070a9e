"""The Kubernetes manifests (deploy/k8s), checked offline.

Every overlay is rendered by ``kubectl kustomize`` (kubectl's built-in kustomize; a missing kubectl
fails the test with what to install), every object is validated strictly by ``kubernetes-validate``
against the schemas it bundles for Kubernetes 1.37 (requirements-dev.txt), and the Gateway API
HTTPRoute, which those schemas do not hold, against the HTTPRoute schema of Gateway API v1.6.1's
experimental channel vendored in deploy/k8s/schemas (made strict the same way: unknown fields
refused; its CEL rules are checked here by hand). Then the rendered objects are read for what
matters to this app: probes and ports against the image's command (``build_image.sh
--print-config``), the session cookie and the websocket timeouts, non-root and read-only
containers, resources from the measured memory, the image name, the store's Secret referenced and
never inlined.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ["small", "large", "small-ingress-nginx"]
KUBERNETES = "1.37.0"
HTTPROUTE_SCHEMA = K8S / "schemas" / "httproute-v1-gateway-api-v1.6.1-experimental.json"
COOKIE = "kdim_route"  # the cookie deploy/nginx.conf routes by on one machine
HOUR = 3600
MEASURED_MIB = 450  # README "Memory per session": 300-450 MB resident per warmed-up replica


@cache
def image_config() -> dict:
    res = subprocess.run(
        ["bash", str(REPO / "scripts" / "build_image.sh"), "--print-config"], capture_output=True, text=True, check=True
    )
    return json.loads(res.stdout)


@cache
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:  # never a skip: CI must render the manifests
        pytest.fail("kubectl not found: install it (it renders deploy/k8s with its built-in kustomize)")
    return path


@cache
def render(overlay: str) -> tuple[dict, ...]:
    res = subprocess.run([kubectl(), "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True)
    assert res.returncode == 0, f"kubectl kustomize {overlay}: {res.stderr}"
    docs = tuple(d for d in yaml.safe_load_all(res.stdout) if d)
    assert docs, f"{overlay} rendered nothing"
    return docs


def objects(overlay: str, kind: str) -> list[dict]:
    return [d for d in render(overlay) if d["kind"] == kind]


def one(overlay: str, kind: str, name: str) -> dict:
    found = [d for d in objects(overlay, kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"{overlay}: {len(found)} {kind}/{name}"
    return found[0]


def pod_specs(overlay: str) -> list[tuple[str, dict]]:
    return [
        (f"{d['kind']}/{d['metadata']['name']}", d["spec"]["template"]["spec"])
        for d in render(overlay)
        if d["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet")
    ]


def containers(pod: dict) -> list[dict]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def seconds(duration: str) -> float:
    """A Gateway API duration ("24h", "1h30m") in seconds."""
    parts = re.findall(r"(\d+)(h|ms|m|s)", duration)
    assert "".join(n + u for n, u in parts) == duration, duration
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[u] for n, u in parts)


def mebibytes(quantity: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?", quantity)
    assert m, quantity
    factor = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "k": 1e3 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    return float(m[1]) * factor.get(m[2], 1 / 2**20)


# --------------------------------------------------------------------------- schemas


def strict(schema: dict) -> dict:
    """The schema with unknown fields refused wherever it lists properties (as kubernetes-validate's
    strict schemas do): a misspelt field fails instead of being pruned by the API server."""
    schema = copy.deepcopy(schema)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if (
                "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


@cache
def httproute_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = strict(json.loads(HTTPROUTE_SCHEMA.read_text()))
    return jsonschema.Draft7Validator(schema)


def httproute_errors(route: dict) -> list[str]:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in httproute_validator().iter_errors(route)]
    # The CRD's CEL rules (x-kubernetes-validations) that concern what we set; jsonschema skips CEL.
    for i, rule in enumerate(route.get("spec", {}).get("rules", [])):
        t = rule.get("timeouts", {})
        if "request" in t and "backendRequest" in t and seconds(t["backendRequest"]) > seconds(t["request"]):
            errors.append(f"rules/{i}: backendRequest timeout cannot be longer than request timeout")
        sp = rule.get("sessionPersistence", {})
        if "cookieConfig" in sp and sp.get("type", "Cookie") != "Cookie":
            errors.append(f"rules/{i}: cookieConfig can only be set with type Cookie")
        if sp.get("cookieConfig", {}).get("lifetimeType") == "Permanent" and "absoluteTimeout" not in sp:
            errors.append(f"rules/{i}: AbsoluteTimeout must be specified when cookie lifetimeType is Permanent")
    return errors


def k8s_errors(doc: dict) -> list[str]:
    import kubernetes_validate

    try:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'/'.join(map(str, exc.path))}: {exc.message}"]
    return []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_and_every_object_validates(overlay: str) -> None:
    import kubernetes_validate

    for doc in render(overlay):
        name = f"{overlay}: {doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] == "HTTPRoute":
            assert doc["apiVersion"] == "gateway.networking.k8s.io/v1", name
            # kubernetes-validate has no CRD schemas: it raises, rather than passing it unchecked.
            with pytest.raises(kubernetes_validate.SchemaNotFoundError):
                kubernetes_validate.validate(doc, KUBERNETES, strict=True)
            assert httproute_errors(doc) == [], name
        else:
            assert k8s_errors(doc) == [], name


def test_the_validators_refuse_a_wrong_field() -> None:
    """Both checks can fail: a misspelt field, a wrong value, a broken CEL rule."""
    deployment = copy.deepcopy(one("small", "Deployment", "kdim"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["pth"] = "/"
    assert k8s_errors(deployment), "strict validation passed a misspelt probe field"
    route = copy.deepcopy(one("small", "HTTPRoute", "kdim"))
    app_rule = route["spec"]["rules"][1]
    app_rule["sessionPersistence"]["sessionNme"] = COOKIE
    app_rule["sessionPersistence"]["type"] = "Cooky"
    app_rule["timeouts"] = {"request": "1h", "backendRequest": "2h"}
    errors = httproute_errors(route)
    assert any("sessionNme" in e for e in errors), errors
    assert any("Cooky" in e for e in errors), errors
    assert any("backendRequest timeout cannot be longer" in e for e in errors), errors
    secret = yaml.safe_load((K8S / "store-secret.example.yaml").read_text())
    assert k8s_errors(secret) == []


def test_only_kinds_that_are_validated_are_rendered() -> None:
    """A new custom resource must come with its schema here, never pass unchecked."""
    core = {"ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job", "PodDisruptionBudget", "Service"}
    for overlay in OVERLAYS:
        kinds = {d["kind"] for d in render(overlay)}
        assert kinds <= core | {"HTTPRoute"}, (overlay, kinds - core)
        assert {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Job"} <= kinds


# --------------------------------------------------------------------------- the app against its image


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_and_ports_match_the_image(overlay: str) -> None:
    cfg = image_config()
    port = cfg["port"]
    app = one(overlay, "Deployment", "kdim")["spec"]["template"]["spec"]["containers"][0]
    assert app["command"] == cfg["cmd"], "the manifest's command differs from the image's CMD"
    assert app["command"][app["command"].index("--server.port") + 1] == str(port)
    assert app["command"][app["command"].index("--server.address") + 1] == "0.0.0.0"
    named = {p["name"]: p["containerPort"] for p in app["ports"]}
    assert named == {"http": port}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = app[probe]["httpGet"]
        assert get["path"] == "/_stcore/health", probe
        assert named.get(get["port"], get["port"]) == port, probe
    # a slow start (warm-up on a busy node) is the startup probe's, not a liveness kill
    start = app["startupProbe"]
    assert start["periodSeconds"] * start["failureThreshold"] >= 120
    service = one(overlay, "Service", "kdim")
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_selectors_and_targets_find_their_pods(overlay: str) -> None:
    deployments = {d["metadata"]["name"]: d for d in objects(overlay, "Deployment")}
    for svc in objects(overlay, "Service"):
        pods = [
            d
            for d in deployments.values()
            if svc["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(pods) == 1, svc["metadata"]["name"]
        names = {p["name"] for c in pods[0]["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
        assert {p["targetPort"] for p in svc["spec"]["ports"]} <= names
    app = deployments["kdim"]
    assert app["spec"]["selector"]["matchLabels"].items() <= app["spec"]["template"]["metadata"]["labels"].items()
    pdb = one(overlay, "PodDisruptionBudget", "kdim")
    assert pdb["spec"]["selector"]["matchLabels"] == app["spec"]["selector"]["matchLabels"]
    hpa = one(overlay, "HorizontalPodAutoscaler", "kdim")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kdim"}
    assert hpa["spec"]["minReplicas"] == app["spec"]["replicas"] < hpa["spec"]["maxReplicas"]
    assert pdb["spec"]["maxUnavailable"] < app["spec"]["replicas"]


def test_the_overlays_differ_in_size() -> None:
    small, large = (one(o, "Deployment", "kdim")["spec"]["replicas"] for o in ("small", "large"))
    assert (small, large) == (2, 6)
    assert one("large", "HorizontalPodAutoscaler", "kdim")["spec"]["maxReplicas"] == 24
    assert all(d["metadata"]["namespace"] == "kdim" for o in OVERLAYS for d in render(o))


# --------------------------------------------------------------------------- sticky sessions


def service_port(overlay: str, name: str, port: object) -> None:
    ports = one(overlay, "Service", name)["spec"]["ports"]
    assert any(port in (p["port"], p.get("name")) for p in ports), (name, port)


@pytest.mark.parametrize("overlay", ["small", "large"])
def test_the_route_is_sticky_by_cookie_with_long_timeouts(overlay: str) -> None:
    (route,) = objects(overlay, "HTTPRoute")
    by_backend = {r["backendRefs"][0]["name"]: r for r in route["spec"]["rules"]}
    assert set(by_backend) == {"kdim", "kdim-site"}
    app = by_backend["kdim"]
    # the whole app (page, websocket /_stcore/stream, /media/, /_stcore/upload_file/) on this rule
    assert app["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert app["sessionPersistence"]["type"] == "Cookie"
    assert app["sessionPersistence"]["sessionName"] == COOKIE
    assert app["sessionPersistence"]["cookieConfig"]["lifetimeType"] == "Session"
    assert seconds(app["timeouts"]["request"]) >= HOUR
    assert seconds(app["timeouts"]["backendRequest"]) >= HOUR
    assert by_backend["kdim-site"]["matches"][0]["path"]["value"] == "/briefing"
    for rule in route["spec"]["rules"]:
        for ref in rule["backendRefs"]:
            service_port(overlay, ref["name"], ref["port"])


def test_the_ingress_nginx_alternative_is_sticky_by_cookie() -> None:
    overlay = "small-ingress-nginx"
    assert objects(overlay, "HTTPRoute") == []
    (ingress,) = objects(overlay, "Ingress")
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == COOKIE
    assert int(notes[prefix + "proxy-read-timeout"]) >= HOUR
    assert int(notes[prefix + "proxy-send-timeout"]) >= HOUR
    config = (REPO / ".streamlit" / "config.toml").read_text()
    upload_mb = int(re.search(r"^maxUploadSize = (\d+)", config, re.M)[1])
    assert notes[prefix + "proxy-body-size"] == f"{upload_mb}m"
    paths = {p["path"]: p["backend"]["service"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert paths["/"]["name"] == "kdim" and paths["/briefing"]["name"] == "kdim-site"
    for svc in paths.values():
        service_port(overlay, svc["name"], svc["port"].get("name", svc["port"].get("number")))


# --------------------------------------------------------------------------- containers


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_container_runs_as_root_or_writes_its_image(overlay: str) -> None:
    user = image_config()["user"]
    for where, pod in pod_specs(overlay):
        assert pod.get("automountServiceAccountToken") is False, where
        pod_sc = pod.get("securityContext", {})
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for c in containers(pod):
            sc = {**pod_sc, **c.get("securityContext", {})}
            name = f"{where}/{c['name']}"
            assert sc.get("runAsNonRoot") is True, name
            assert sc.get("runAsUser") == user and sc.get("runAsGroup") == user, name
            assert sc.get("allowPrivilegeEscalation") is False, name
            assert sc.get("readOnlyRootFilesystem") is True, name
            assert c["securityContext"]["capabilities"]["drop"] == ["ALL"], name
            assert "privileged" not in sc or sc["privileged"] is False, name
            # what it writes: /tmp, and HOME where set, on emptyDir volumes
            writable = {
                m["mountPath"]
                for m in c.get("volumeMounts", [])
                if not m.get("readOnly") and "emptyDir" in volumes[m["name"]]
            }
            assert "/tmp" in writable, name
            home = {e["name"]: e.get("value") for e in c.get("env", [])}.get("HOME")
            assert home is None or home in writable, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_requests_and_limits(overlay: str) -> None:
    for where, pod in pod_specs(overlay):
        for c in containers(pod):
            res = c["resources"]
            for key in ("cpu", "memory"):
                assert key in res["requests"] and key in res["limits"], f"{where}/{c['name']} {key}"
            assert mebibytes(res["requests"]["memory"]) <= mebibytes(res["limits"]["memory"])
    app = one(overlay, "Deployment", "kdim")["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert mebibytes(app["requests"]["memory"]) >= MEASURED_MIB, "below a warmed-up replica's measured memory"
    assert mebibytes(app["limits"]["memory"]) >= 2 * MEASURED_MIB, "no room for sessions and an export"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_runs_the_image_build_image_writes(overlay: str) -> None:
    image = image_config()["image"]
    for where, pod in pod_specs(overlay):
        for c in containers(pod):
            assert c["image"] == image, f"{where}/{c['name']}"
            assert c["imagePullPolicy"] == "IfNotPresent", f"{where}/{c['name']}: a loaded image, no registry"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_store_url_comes_from_the_secret_only(overlay: str) -> None:
    assert objects(overlay, "Secret") == [], "a Secret in the manifests would put the password in git"
    text = yaml.safe_dump_all(render(overlay))
    assert "postgresql" not in text and "CHANGE-ME" not in text
    readers = [(w, c) for w, pod in pod_specs(overlay) for c in pod["containers"] if w != "Deployment/kdim-site"]
    assert {w for w, _ in readers} == {"Deployment/kdim", "Job/kdim-store-init"}
    for where, c in readers:
        env = {e["name"]: e for e in c["env"]}
        url = env["KDIM_STORE_URL"]
        assert "value" not in url, where
        assert url["valueFrom"]["secretKeyRef"] == {"name": "kdim-store", "key": "KDIM_STORE_URL"}, where
    job = one(overlay, "Job", "kdim-store-init")["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["python3", "-m", "geo", "store", "init"]
    example = yaml.safe_load((K8S / "store-secret.example.yaml").read_text())
    assert example["metadata"]["name"] == "kdim-store"
    assert "CHANGE-ME" in example["stringData"]["KDIM_STORE_URL"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_site_nginx_serves_what_the_init_container_builds(overlay: str) -> None:
    site = one(overlay, "Deployment", "kdim-site")["spec"]["template"]["spec"]
    (init,) = site["initContainers"]
    assert init["command"][:4] == ["python3", "-m", "geo", "export-site"]
    out = init["command"][4]
    (nginx,) = site["containers"]
    (conf_map,) = objects(overlay, "ConfigMap")
    conf = conf_map["data"]["nginx.conf"]
    conf_volume = next(v for v in site["volumes"] if "configMap" in v)
    assert conf_volume["configMap"]["name"] == conf_map["metadata"]["name"]  # the hashed name
    mounts = {m["name"]: m["mountPath"] for m in nginx["volumeMounts"]}
    assert nginx["command"][:3] == ["nginx", "-c", f"{mounts[conf_volume['name']]}/nginx.conf"]
    assert f"alias {out}/;" in conf
    assert re.search(r"^\s*listen (\d+);", conf, re.M)[1] == str(nginx["ports"][0]["containerPort"])
    for path in ("pid", "client_body_temp_path", "proxy_temp_path"):
        assert re.search(rf"^\s*{path} /tmp/", conf, re.M), path
