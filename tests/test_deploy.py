"""deploy/: the files a department runs the app with, checked here as far as this machine can.

* The Kubernetes manifests against the API's own schemas (kubernetes-validate ships them: no
  download), strictly (an unknown field fails), and against each other (labels, ports,
  probes, the HPA's target, the Ingress's backend).
* The compose file against the Compose Specification's schema (check-jsonschema ships it), and
  what it must say: replicas, one cookie secret, health checks, the proxy and its config.
* The HAProxy config with ``haproxy -c``, and the Dockerfile's promises (slim base, non-root,
  runtime requirements only, health check, the port the server listens on).
* Failover for real: two replicas of the app behind HAProxy (deploy/haproxy.cfg itself, see
  bench/replicas.py), a page in Chromium with settings of its own, its replica killed; the page
  must come back through the proxy on the other replica with the same URL state and the same
  figure data, from a new run there. Skipped with a note where haproxy or Chromium is not
  installed, except on CI (``CI=true``), where that fails (``.ci/run`` installs both).
"""

from __future__ import annotations

import copy
import os
import re
import shlex
import subprocess
import sys
import time

import pytest
import yaml

from bench import load, replicas
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, ROOT

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
#: The oldest Kubernetes still widely run, and the newest the validator knows.
K8S_VERSIONS = ("1.30.0", None)
HEALTH = "/_stcore/health"


def manifests() -> dict[str, dict]:
    """Every Kubernetes object in deploy/k8s, by kind."""
    found = {}
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            assert document["kind"] not in found, f"two {document['kind']} objects"
            found[document["kind"]] = document
    return found


def _require(tool: str, path) -> None:
    if path:
        return
    reason = f"{tool} is not installed (apt-get install {tool}); .ci/run installs it."
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " CI=true, so this is an error.", pytrace=False)
    pytest.skip(reason)


# ----- Kubernetes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("version", K8S_VERSIONS, ids=lambda v: v or "newest")
def test_k8s_manifests_match_the_api_schemas(version):
    import kubernetes_validate

    version = version or kubernetes_validate.utils.latest_version()
    objects = manifests()
    assert set(objects) == {
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    }
    for document in objects.values():
        kubernetes_validate.validate(document, version, strict=True)


def test_the_k8s_schema_check_can_fail():
    """A misspelt probe field and a port given as text are rejected (strict)."""
    import kubernetes_validate

    version = kubernetes_validate.utils.latest_version()
    broken = copy.deepcopy(manifests()["Deployment"])
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["httpGett"] = container["readinessProbe"].pop("httpGet")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)
    broken = copy.deepcopy(manifests()["Service"])
    broken["spec"]["ports"][0]["port"] = "eighty"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)


def test_k8s_objects_fit_together():
    objects = manifests()
    deployment, service = objects["Deployment"], objects["Service"]
    pod = deployment["spec"]["template"]
    labels = pod["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()
    assert objects["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= (
        labels.items()
    )
    (container,) = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": dockerfile_port()}
    # Readiness and liveness (and startup) ask Streamlit's health endpoint on that port.
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == HEALTH and check["port"] in ("http", ports["http"])
    # Replicas share the cookie secret, from one Secret.
    env = {e["name"]: e for e in container["env"]}
    assert "secretKeyRef" in env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]
    # The CPU request is what the HPA's percentage is of: one core, what one process can use.
    assert container["resources"]["requests"]["cpu"] in ("1", 1, "1000m")
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    hpa = objects["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
    ingress = objects["Ingress"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


# ----- compose ------------------------------------------------------------------------------------
def check_compose_schema(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_file_matches_the_compose_schema(tmp_path):
    result = check_compose_schema(DEPLOY / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    # …and the check can fail: a misspelt key.
    broken = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    broken["services"]["app"]["deploy"]["replicaz"] = broken["services"]["app"]["deploy"].pop(
        "replicas"
    )
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump(broken))
    assert check_compose_schema(tmp_path / "compose.yaml").returncode != 0


def test_compose_runs_replicas_with_one_secret_behind_the_proxy():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["proxy"]
    assert app["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert app["deploy"]["replicas"] >= 2
    assert "DESCENT_LAB_COOKIE_SECRET" in app["environment"]["STREAMLIT_SERVER_COOKIE_SECRET"]
    assert HEALTH in " ".join(app["healthcheck"]["test"])
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy["volumes"]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    # The proxy finds the replicas by the service's name and the image's port.
    assert f"app:{dockerfile_port()}" in (DEPLOY / "haproxy.cfg").read_text()


# ----- HAProxy ------------------------------------------------------------------------------------
HAPROXY_SETTINGS = (
    "balance leastconn",
    "cookie DLSRV insert indirect nocache httponly dynamic",
    "option redispatch",
    "timeout tunnel",
    "option httpchk GET /_stcore/health",
    "http-check expect string ok",
    "on-marked-down shutdown-sessions",
)


def test_haproxy_config_is_valid_for_compose_and_for_the_loopback_replicas(tmp_path):
    haproxy = replicas.haproxy_path()
    _require("haproxy", haproxy)
    text = (DEPLOY / "haproxy.cfg").read_text()
    for setting in HAPROXY_SETTINGS:
        assert setting in text
    loopback = replicas.proxy_config([8501, 8502])
    # The bench's config is the deploy file with only its servers replaced.
    assert re.sub(r"# servers: begin.*# servers: end", "", loopback, flags=re.S) == re.sub(
        r"# servers: begin.*# servers: end", "", text, flags=re.S
    )
    assert "server r2 127.0.0.1:8502 check cookie r2" in loopback
    # The file's own defaults (presetenv), as compose runs it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DL_")}
    for name, config in (("deploy.cfg", text), ("loopback.cfg", loopback)):
        (tmp_path / name).write_text(config)
        result = subprocess.run(
            [haproxy, "-c", "-f", str(tmp_path / name)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARNING" not in result.stdout + result.stderr
    # …and the check can fail.
    (tmp_path / "bad.cfg").write_text(text.replace("balance leastconn", "balance fastest"))
    bad = subprocess.run([haproxy, "-c", "-f", str(tmp_path / "bad.cfg")], env=env, timeout=60)
    assert bad.returncode != 0


# ----- the image ----------------------------------------------------------------------------------
def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def dockerfile_port() -> int:
    (port,) = [int(rest) for keyword, rest in dockerfile_instructions() if keyword == "EXPOSE"]
    return port


def test_dockerfile_builds_a_slim_non_root_image_that_serves_the_app():
    steps = dockerfile_instructions()
    keywords = [keyword for keyword, _ in steps]
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.1[1-9]-slim", steps[0][1])
    # Runtime requirements only, installed as root before the switch to the app's user.
    runs = [rest for keyword, rest in steps if keyword == "RUN"]
    assert any("pip install" in r and "-r requirements.txt" in r for r in runs)
    assert not any("requirements-dev" in rest for _, rest in steps)
    user = next(rest for keyword, rest in steps if keyword == "USER")
    assert user not in ("root", "0")
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")
    port = dockerfile_port()
    health = next(rest for keyword, rest in steps if keyword == "HEALTHCHECK")
    assert f"127.0.0.1:{port}{HEALTH}" in health
    command = " ".join(
        shlex.split(next(rest for keyword, rest in steps if keyword == "CMD"))
    ).translate(str.maketrans("", "", '[],"'))
    assert command.startswith("streamlit run app.py")
    assert "--server.headless true" in command and f"--server.port {port}" in command


def test_image_takes_the_app_its_packages_and_its_streamlit_config():
    """The allow-list lets through app.py, .streamlit/config.toml and every package folder the
    app may import (a new package must be added there), and none of tests/, bench/, deploy/."""
    allowed = {
        line[1:].rstrip("/")
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    assert {"app.py", "requirements.txt", ".streamlit/config.toml"} <= allowed
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} | {"app_pages"}
    assert packages - {"tests", "bench"} <= allowed
    assert not allowed & {"tests", "bench", "deploy", "examples", "requirements-dev.txt"}


# ----- failover through the proxy, in a real browser ----------------------------------------------
@pytest.mark.browser
def test_a_page_whose_replica_dies_comes_back_on_the_other_with_the_same_view():
    _require("haproxy", replicas.haproxy_path())
    _require("chromium", CHROMIUM.is_file() and CHROMIUM)
    from playwright.sync_api import sync_playwright

    cluster = replicas.start_cluster(2, "test-failover")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(load.PROBE_JS)
            context.add_init_script(replicas.OPENS_JS)
            page = context.new_page()
            page.goto(cluster.base + "/", timeout=120_000)
            page.wait_for_function(load.IDLE_JS, timeout=120_000, polling=100)
            # Settings of its own: two stops down the learning rate, one up the condition number.
            default = page.evaluate(replicas.PAGE_STATE_JS)
            replicas.move_slider(page, "Learning rate", "ArrowLeft", 2)
            replicas.move_slider(page, "Condition number κ", "ArrowRight", 1)
            time.sleep(0.5)  # the URL is written at the end of the run
            before = page.evaluate(replicas.PAGE_STATE_JS)
            lr_shown = page.get_by_role("slider", name="Learning rate").first.get_attribute(
                "aria-valuetext"
            )
            assert before["url"] != default["url"] and before["signature"] != default["signature"]
            on = replicas.sticky_replica(context)
            assert on in ("r1", "r2")
            survivor = "r2" if on == "r1" else "r1"

            replicas.kill(cluster.replicas[int(on[1:]) - 1])
            killed_at = time.monotonic()
            # No key pressed: the app reruns by itself on reconnecting (ui/reconnect.py).
            ((_, back_at, _),) = replicas.recover_pages(
                [(page, context, survivor, before)], killed_at + 60, press_r_after_s=None
            )
            shots = ROOT / "test-artifacts" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "after-failover.png"))
            state = page.evaluate(replicas.PAGE_STATE_JS)
            assert back_at is not None, f"not back on {survivor}: {page.evaluate(load.STATE_JS)}"
            # A new run on the survivor (a new session there: it knows only what the page sends,
            # the URL's query string and the widgets' values) drew the same figure.
            assert state["figures"] > before["figures"], "no new figure from the survivor"
            assert state["url"] == before["url"]
            assert state["signature"] == before["signature"]
            slider = page.get_by_role("slider", name="Learning rate").first
            assert slider.get_attribute("aria-valuetext") == lr_shown
            assert not page.evaluate(load.ERRORS_JS)
            # The new session is live on the survivor: a slider move gives a new chart.
            replicas.move_slider(page, "Learning rate", "ArrowRight", 1)
            assert replicas.sticky_replica(context) == survivor
            print(f"failover: back on {survivor} {back_at - killed_at:.1f} s after the kill")
            browser.close()
    finally:
        cluster.stop()
