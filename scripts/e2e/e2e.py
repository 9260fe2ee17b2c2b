#!/usr/bin/env python3
"""Helpers of mkmulti's end-to-end harness (scripts/e2e/run.sh): the parts that read structured data.

Python 3.11 standard library only. Each subcommand is one small job; run.sh calls them:

  overlay --out FILE CONFIG OVERLAY...   merge offline overlays into a copy of an example's config
  apps --mkmulti BIN CONFIG              one line per app: what the harness needs to build, run and check it
  test-target --mkmulti BIN CONFIG       the Makefile's unit-test target (`test`, `docker-test` when included), or
                                         nothing when no app runs its tests in the build
  compile-script --mkmulti BIN CONFIG APP   sh script timing the bare compile of APP per platform
  ca-file --mkmulti BIN CONFIG           the file of build.ca-secret, mounted for the bare compile (or nothing)
  counterfactual DOCKERFILE OUT          the QEMU counterfactual: build stage not pinned to $BUILDPLATFORM
  entrypoint REF PLATFORM                the image's ENTRYPOINT for PLATFORM, one word per line
  elf-tar PLATFORM                       check the ELF file in the tar on stdin (from `docker cp -L c:/f -`)
  arch-word LANGUAGE PLATFORM            what the app prints for its architecture: (linux/<word>)
  image-sizes REF                        compressed size of each platform's image, from the registry
  index-has-platforms PLATFORM...        the image index on stdin lists every PLATFORM
  big-config --apps N --out DIR          a config of N apps x 8 platforms, for the generate benchmark
  time-generate --mkmulti BIN --runs N CONFIG...   `mkmulti generate` wall time per config
  report --results TSV --figures TSV --out DIR     summary on stdout, report.md and report.json in DIR
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

# The harness's independent oracle, per platform: what a binary built for it must be (ELF class, 1 = 32-bit,
# 2 = 64-bit; data encoding, 1 = little-, 2 = big-endian; e_machine) and what it prints for its architecture (Go's
# GOARCH, Rust's std::env::consts::ARCH; the examples' version lines carry them). Kept here on purpose, not read from
# mkmulti's plan (whose `elf_machine` and `goarch` the generated Dockerfiles use): the harness checks mkmulti's
# output against facts mkmulti did not produce, so a wrong fact in mkmulti fails the run instead of confirming
# itself. Everything the harness only needs to *build* (targets, linkers, cross packages) comes from the plan
# (`mkmulti check --format json`, see plan_apps). scripts/e2e/README.md says the same.
# e_machine values: the System V gABI registry (glibc elf.h: EM_X86_64 62, EM_AARCH64 183, EM_ARM 40, EM_386 3,
# EM_RISCV 243, EM_PPC64 21, EM_S390 22).
PLATFORMS = {
    "linux/amd64": (2, 1, 62, "amd64", "x86_64"),
    "linux/arm64": (2, 1, 183, "arm64", "aarch64"),
    "linux/arm/v7": (1, 1, 40, "arm", "arm"),
    "linux/arm/v6": (1, 1, 40, "arm", "arm"),
    "linux/arm/v5": (1, 1, 40, "arm", "arm"),
    "linux/386": (1, 1, 3, "386", "x86"),
    "linux/riscv64": (2, 1, 243, "riscv64", "riscv64"),
    "linux/ppc64le": (2, 1, 21, "ppc64le", "powerpc64"),
    "linux/s390x": (2, 2, 22, "s390x", "s390x"),
}
ELF_NAMES = {62: "x86-64", 183: "AArch64", 40: "ARM", 3: "i386", 243: "RISC-V", 21: "PowerPC64", 22: "S/390"}
US = "\x1f"  # separates list items inside one tab-separated field


def die(msg: str) -> None:
    print(f"e2e.py: {msg}", file=sys.stderr)
    sys.exit(1)


# ------------------------------------------------------------------------------------------------ overlay
def merge(base: dict, over: dict, where: str = "") -> dict:
    """Overlay `over` onto `base`: tables merge key by key, `[[app]]` entries match by `name`, anything else
    replaces. An overlay app that names no app of the config is an error (a typo would silently do nothing)."""
    out = dict(base)
    for key, value in over.items():
        path = f"{where}{key}"
        if key == "app" and isinstance(value, list):
            apps = [dict(a) for a in base.get("app", [])]
            for patch in value:
                name = patch.get("name")
                match = [a for a in apps if a.get("name") == name]
                if not match:
                    die(f"overlay: [[app]] name = {name!r} is not an app of this config")
                match[0].update(merge(match[0], patch, f"app[{name}]."))
            out["app"] = apps
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = merge(base[key], value, path + ".")
        else:
            out[key] = value
    return out


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    die(f"overlay: cannot write {type(v).__name__} values")
    return ""


def toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def dump_toml(doc: dict) -> str:
    """TOML for a config document: top-level scalars, then one [table] per table (nested tables inline), then
    [[app]] entries. Enough for multiarch.toml; not a general TOML writer."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, (dict, list)) or
             (isinstance(v, list) and not all(isinstance(x, dict) for x in v))]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += ["", f"[{toml_key(k)}]"] + [f"{toml_key(a)} = {toml_value(b)}" for a, b in v.items()]
    for k, v in doc.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for entry in v:
                lines += ["", f"[[{toml_key(k)}]]"] + [f"{toml_key(a)} = {toml_value(b)}" for a, b in entry.items()]
    return "\n".join(lines) + "\n"


def cmd_overlay(args) -> None:
    config = tomllib.loads(Path(args.config).read_text())
    skip = []
    notes = []
    for path in args.overlays:
        over = tomllib.loads(Path(path).read_text())
        meta = over.pop("e2e", {})
        unknown = set(meta) - {"skip", "note"}
        if unknown:
            die(f"{path}: unknown [e2e] keys {sorted(unknown)}")
        if "skip" in meta:
            skip.append(meta["skip"])
        if "note" in meta:
            notes.append(meta["note"])
        config = merge(config, over)
    header = "# mkmulti e2e: this example's config with the offline overlays applied:\n" + "".join(
        f"#   {p}\n" for p in args.overlays)
    Path(args.out).write_text(header + dump_toml(config))
    print("\t".join([" ".join(skip), " ".join(notes)]))


# -------------------------------------------------------------------------------------------- plan facts
def plan_of(mkmulti: str, config: str) -> dict:
    """The plan of `mkmulti check --format json` (README, "Machine-readable output")."""
    run = subprocess.run([mkmulti, "check", "--format", "json", "--config", config], capture_output=True, text=True)
    try:
        doc = json.loads(run.stdout)
    except json.JSONDecodeError:
        die(f"`mkmulti check --format json --config {config}` exited {run.returncode}: {run.stderr.strip()}")
    if not doc["ok"]:
        errors = [f"{d['file']}:{d['line']}:{d['column']}: {d['message']}" if d["line"] else d["message"]
                  for d in doc["diagnostics"] if d["severity"] == "error"]
        die(f"mkmulti check: {config} is invalid: " + "; ".join(errors))
    return doc["plan"]


def plan_apps(mkmulti: str, config: str) -> dict[str, dict]:
    """Per app name, the app as mkmulti resolved it: `plan.apps[]`, in the config's order. Read from it: `name`,
    `language`, `context`, `dockerfile`, `bin`, `builder_image`, `test`, and per platform (`platforms[]`) `oci`,
    `goarch`, `goarm`, `rust_target`, `linker`, `cross_packages`."""
    apps = {app["name"]: app for app in plan_of(mkmulti, config)["apps"]}
    if not apps:
        die(f"no apps in the plan of {config}")
    return apps


def package_dir(root: Path, package: str | None) -> Path:
    if not package:
        return root
    for manifest in [root / "Cargo.toml", *sorted(root.glob("*/Cargo.toml")), *sorted(root.glob("*/*/Cargo.toml"))]:
        data = tomllib.loads(manifest.read_text())
        if data.get("package", {}).get("name") == package:
            return manifest.parent
    die(f"no Cargo.toml under {root} has package {package!r}")
    return root


def main_source(root: Path, app: dict, language: str, binary: str) -> Path:
    """The file a one-line edit goes into for the warm rebuild: the app's main Go file or Rust binary root. `root`
    is the app's build context (its module or Cargo project)."""
    if language == "go":
        d = root / app.get("main", ".")
        files = sorted(p for p in d.glob("*.go") if not p.name.endswith("_test.go"))
        pick = d / "main.go" if (d / "main.go").exists() else (files[0] if files else None)
        if pick is None:
            die(f"no Go file in {d}")
        return pick
    pdir = package_dir(root, app.get("package"))
    manifest = tomllib.loads((pdir / "Cargo.toml").read_text())
    for b in manifest.get("bin", []):
        if b.get("name") == binary and "path" in b:
            return pdir / b["path"]
    return pdir / "src" / "main.rs"


def cmd_apps(args) -> None:
    config_path = Path(args.config)
    config = tomllib.loads(config_path.read_text())
    plan = plan_apps(args.mkmulti, str(config_path))
    for app in config.get("app", []):
        name = app["name"]
        facts = plan[name]
        binary = facts["bin"]
        smoke = app.get("smoke-test", ["--version"])  # the documented default (config.rs, RawApp::smoke_test)
        platforms = ",".join(p["oci"] for p in facts["platforms"])
        context = config_path.parent / facts["context"]
        source = main_source(context, app, facts["language"], binary).relative_to(config_path.parent)
        print("\t".join([name, facts["language"], facts["dockerfile"], app.get("image", name), binary, platforms,
                         US.join(smoke), str(source), facts["builder_image"]]))


def cmd_test_target(args) -> None:
    plan = plan_of(args.mkmulti, args.config)
    if any(app["test"] for app in plan["apps"]):
        # A Makefile written to be included prefixes the names a project's own Makefile has too (Makefile.j2).
        print("test" if plan["output"]["makefile-path"] == "Makefile" else "docker-test")


# The compile script runs in the builder image on this platform (run.sh: `docker run --platform linux/amd64`):
# it needs no cross toolchain for it, as the generated Dockerfiles install none for the build machine's own.
BUILD_PLATFORM = "linux/amd64"


# Where run.sh mounts the CA bundle of `build.ca-secret` for the bare compile.
CA_MOUNT = "/run/secrets/ca.pem"


def cmd_ca_file(args) -> None:
    """The file of the config's `build.ca-secret` as the Makefile reads it (`SECRET_<ID>_FILE` overrides), or
    nothing: run.sh mounts it at CA_MOUNT for the bare compile."""
    run = subprocess.run([args.mkmulti, "check", "--format", "json", "--config", args.config], capture_output=True,
                         text=True)
    ca = ((json.loads(run.stdout).get("plan") or {}).get("build") or {}).get("ca_secret")
    path = ca and (os.environ.get(ca["file_var"]) or ca.get("file"))
    if path:
        print((Path(args.config).parent / path).resolve())


def cmd_compile_script(args) -> None:
    """A POSIX sh script for the app's builder image: installs what the per-target compile needs (not timed),
    then compiles the binary alone once per platform from a cold cache, printing `TIME <platform> <ms>`."""
    config_path = Path(args.config)
    config = tomllib.loads(config_path.read_text())
    app = next((a for a in config.get("app", []) if a["name"] == args.app), None)
    if app is None:
        die(f"no app {args.app!r}")
    facts = plan_apps(args.mkmulti, str(config_path))[args.app]
    binary = facts["bin"]
    # The app's own options are read from the config, as the user wrote them; what they resolve to per platform
    # (GOARCH, triples, linkers, packages) from the plan.
    go = app.get("go", {})
    rust = app.get("rust", {})
    cgo = go.get("cgo", False)
    musl = rust.get("libc", "gnu") == "musl"
    q = shlex.quote
    # The app's build context (its module or Cargo project) below the config's directory.
    lines = ["set -eu", "cp -a /src /tmp/src", f"cd /tmp/src/{q(facts['context'])}", "mkdir -p /tmp/out"]
    cross = []
    cross_gcc = cgo if facts["language"] == "go" else not musl  # cgo compiles C with it; Rust gnu links with it
    if cross_gcc:
        for p in facts["platforms"]:
            if p["oci"] != BUILD_PLATFORM:
                cross += p["cross_packages"]
    # `build-packages` as the generated toolchain stages install them: each target's Debian build beside the build
    # machine's own (multiarch), for the cross gcc and pkg-config (`openssl-sys` of rust-service asks it for the
    # target's OpenSSL). Not timed, like the cross gcc.
    build_packages = [] if not cross_gcc else facts.get("build_packages", [])
    if build_packages:
        for p in facts["platforms"]:
            lines.append(f"dpkg --add-architecture {q(p['debian_arch'])}")
        cross += ["pkg-config"] + [f"{pkg}:{p['debian_arch']}" for p in facts["platforms"] for pkg in build_packages]
    if cross:
        lines.append("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                     "--no-install-recommends " + " ".join(q(c) for c in cross) + " >/dev/null")
    if facts["language"] == "go":
        lines.append("if [ -f go.sum ]; then go mod download; fi")
        tags = f" -tags {q(','.join(go['tags']))}" if go.get("tags") else ""
        for p in facts["platforms"]:
            env = f"GOOS=linux GOARCH={p['goarch']}"
            if p["goarm"]:
                env += f" GOARM={p['goarm']}"
            if go.get("goamd64") and p["goarch"] == "amd64":
                env += f" GOAMD64={go['goamd64']}"
            env += f" CGO_ENABLED={int(cgo)}"
            if cgo:
                env += f" CC={p['linker'] or '-'}"
            if build_packages:
                env += f" PKG_CONFIG_LIBDIR={p['pkg_config_libdir']}"
            lines.append(
                f't0=$(date +%s%N); GOCACHE=$(mktemp -d) {env} go build -trimpath{tags} -ldflags "-s -w" '
                f'-o /tmp/out/{q(binary)} {q(app.get("main", "."))}; '
                f'echo "TIME {p["oci"]} $((($(date +%s%N) - t0) / 1000000))"')
    else:
        # The build's CA bundle (`build.ca-secret`), mounted by run.sh where the build would mount it: joined to
        # the image's own CAs for the fetch, which goes through this network's TLS-intercepting proxy.
        lines.append(f"if [ -s {CA_MOUNT} ]; then cat /etc/ssl/certs/ca-certificates.crt {CA_MOUNT} > /tmp/ca.pem "
                     "&& export CARGO_HTTP_CAINFO=/tmp/ca.pem SSL_CERT_FILE=/tmp/ca.pem; fi")
        lines.append("cargo fetch --locked")
        pkg = f" -p {q(app['package'])}" if app.get("package") else ""
        feats = f" --features {q(','.join(rust['features']))}" if rust.get("features") else ""
        nodef = " --no-default-features" if rust.get("no-default-features") else ""
        profile = rust.get("profile", "release")
        for p in facts["platforms"]:
            triple = p["rust_target"]
            # musl links with zig through cargo-zigbuild, which the builder image does not have: this bare compile
            # fails for musl apps, and run.sh records the figure as failed (a known gap of the benchmark).
            linker = "zig" if musl else (p["linker"] or "-")
            env_name = "CARGO_TARGET_" + re.sub(r"[^A-Z0-9]", "_", triple.upper()) + "_LINKER"
            cc_name = "CC_" + triple.replace("-", "_")
            lines.append(f"rustup target add {triple} 2>/dev/null")
            pkg_config = (f"PKG_CONFIG_ALLOW_CROSS=1 {p['pkg_config_libdir_env']}={p['pkg_config_libdir']} "
                          if build_packages else "")
            lines.append(
                f"t0=$(date +%s%N); {pkg_config}{env_name}={linker} {cc_name}={linker} cargo build --locked --profile {profile}"
                f" --target {triple} --target-dir /tmp/target-{triple}{pkg}{feats}{nodef} --bin {q(binary)}; "
                f'echo "TIME {p["oci"]} $((($(date +%s%N) - t0) / 1000000))"')
    print("\n".join(lines))


# ------------------------------------------------------------------------------------------ counterfactual
def cmd_counterfactual(args) -> None:
    """The seed-style Dockerfile: the compiling stage runs on the target platform (under QEMU on this machine)
    instead of cross-compiling on $BUILDPLATFORM. Only the stage that compiles changes; a labelled copy."""
    text = Path(args.dockerfile).read_text()
    pattern = re.compile(r"^FROM --platform=\$BUILDPLATFORM (\S+) AS (build|modules)$", re.M)
    if not pattern.search(text):
        die(f"{args.dockerfile}: no `FROM --platform=$BUILDPLATFORM ... AS build` stage to unpin")
    body = pattern.sub(r"FROM \1 AS \2", text, count=1)
    banner = ("# QEMU COUNTERFACTUAL, written by scripts/e2e (not generated by mkmulti, not tested): the Dockerfile\n"
              "# mkmulti generated, with its build stage no longer pinned to $BUILDPLATFORM, so every target compiles\n"
              "# under emulation. Timed against the generated Dockerfile for the benchmark report only.\n")
    Path(args.out).write_text(banner + body)


# ------------------------------------------------------------------------------------------- image checks
def imagetools(*argv: str) -> str:
    return subprocess.run(["docker", "buildx", "imagetools", "inspect", *argv], check=True, capture_output=True,
                          text=True).stdout


def normal_platform(p: dict) -> str:
    s = f"{p.get('os')}/{p.get('architecture')}" + (f"/{p['variant']}" if p.get("variant") else "")
    return {"linux/arm64/v8": "linux/arm64", "linux/arm": "linux/arm/v7"}.get(s, s)


def cmd_entrypoint(args) -> None:
    images = json.loads(imagetools(args.ref, "--format", "{{json .Image}}"))
    if "config" in images or "architecture" in images:  # a single-platform image
        images = {args.platform: images}
    image = next((v for k, v in images.items() if k == args.platform or
                  normal_platform({"os": k.split("/")[0], "architecture": k.split("/")[1],
                                   "variant": (k.split("/") + [""])[2]}) == args.platform), None)
    if image is None:
        die(f"{args.ref}: no image for {args.platform} (has {', '.join(images)})")
    for word in image.get("config", {}).get("Entrypoint") or []:
        print(word)


def cmd_elf_tar(args) -> None:
    want_class, want_data, want_machine = PLATFORMS[args.platform][:3]
    data = io.BytesIO(sys.stdin.buffer.read())  # all of it: stopping early would fail `docker cp` (EPIPE)
    with tarfile.open(fileobj=data) as tar:
        for member in tar:
            if member.isfile():
                head = tar.extractfile(member).read(20)
                break
        else:
            die("no regular file in the tar on stdin")
    if head[:4] != b"\x7fELF":
        print(f"not an ELF file (starts {head[:4]!r})")
        sys.exit(1)
    cls, data = head[4], head[5]
    machine = int.from_bytes(head[18:20], "big" if data == 2 else "little")
    desc = (f"ELF {32 if cls == 1 else 64}-bit {'MSB' if data == 2 else 'LSB'} "
            f"{ELF_NAMES.get(machine, 'machine ' + str(machine))} (e_machine {machine})")
    print(desc)
    if (cls, data, machine) != (want_class, want_data, want_machine):
        want = (f"ELF {32 if want_class == 1 else 64}-bit {'MSB' if want_data == 2 else 'LSB'} "
                f"{ELF_NAMES[want_machine]} (e_machine {want_machine})")
        print(f"expected {want} for {args.platform}")
        sys.exit(1)


def cmd_arch_word(args) -> None:
    row = PLATFORMS.get(args.platform)
    if row is None:
        die(f"unknown platform {args.platform}")
    print(row[3] if args.language == "go" else row[4])


def cmd_image_sizes(args) -> None:
    index = json.loads(imagetools(args.ref, "--raw"))
    repo = args.ref.rsplit(":", 1)[0] if "@" not in args.ref else args.ref.split("@")[0]
    for m in index.get("manifests", []):
        platform = normal_platform(m.get("platform", {}))
        if platform == "unknown/unknown":
            continue  # a provenance attestation
        manifest = json.loads(imagetools(f"{repo}@{m['digest']}", "--raw"))
        size = manifest["config"]["size"] + sum(layer["size"] for layer in manifest["layers"])
        print(f"{platform}\t{size}")


def cmd_index_has_platforms(args) -> None:
    index = json.load(sys.stdin)
    have = {normal_platform(m.get("platform", {})) for m in index.get("manifests", [])}
    sys.exit(0 if set(args.platforms) <= have else 1)


# ------------------------------------------------------------------------------------------ secrets check
def file_secrets(mkmulti: str, config: str) -> list[tuple[str, bytes]]:
    """The build secrets with a value here, with that value: a file secret's file as the Makefile reads it by
    default (`SECRET_<ID>_FILE` overrides, as in the build), an environment secret's variable when it is set."""
    run = subprocess.run([mkmulti, "check", "--format", "json", "--config", config], capture_output=True, text=True)
    doc = json.loads(run.stdout)
    out = []
    for s in (doc.get("plan") or {}).get("build", {}).get("secrets", []):
        if s.get("env"):
            value = os.environ.get(s["env"], "")
            if value:
                out.append((s["id"], value.encode()))
            continue
        path = os.environ.get(s["file_var"]) or s.get("file")
        if path:
            out.append((s["id"], (Path(config).parent / path).read_bytes()))
    return out


def leaks(layer: bytes, secret: bytes) -> list[str]:
    """What in one layer (a tar, gzipped or not) gives a secret away: a file under the secret mount points, or
    a file holding the secret's bytes (whole, or inside a larger file such as a joined CA bundle). A blob that is no
    tar (an attestation's in-toto statement) must not hold the bytes either."""
    found = []
    try:
        tar = tarfile.open(fileobj=io.BytesIO(layer), mode="r:*")
    except tarfile.ReadError:  # an attestation (in-toto JSON), not a filesystem layer: its bytes as they are
        return ["holds the secret's bytes"] if secret in layer else []
    with tar:
        for member in tar:
            name = member.name.lstrip("./")
            if name.startswith(("run/secrets/", "run/mkmulti-ca/", "run/mkmulti-ssh/")):
                found.append(f"{name}: under a secret mount point")
            if member.isfile() and member.size >= len(secret) and secret in tar.extractfile(member).read():
                found.append(f"{name}: holds the secret's bytes")
    return found


def registry_get(repo_ref: str, kind: str, digest: str) -> bytes:
    """A manifest or blob from the harness's registry (plain HTTP on localhost)."""
    host, repo = repo_ref.split("/", 1)
    accept = ", ".join(["application/vnd.oci.image.manifest.v1+json",
                        "application/vnd.docker.distribution.manifest.v2+json"])
    req = urllib.request.Request(f"http://{host}/v2/{repo}/{kind}/{digest}", headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()


def cmd_secrets_absent(args) -> None:
    secrets = file_secrets(args.mkmulti, args.config)
    if args.list:
        for sid, _ in secrets:
            print(sid)
        return
    # The check must be able to fail: a layer that holds a secret is reported.
    for sid, secret in secrets:
        fake = io.BytesIO()
        with tarfile.open(fileobj=fake, mode="w") as tar:
            info = tarfile.TarInfo("etc/ssl/joined.pem")
            data = b"prefix\n" + secret
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        assert leaks(fake.getvalue(), secret), f"the leak check misses secret {sid} in a layer"
    index = json.loads(imagetools(args.ref, "--raw"))
    repo = args.ref.rsplit(":", 1)[0]
    bad = 0
    for m in index.get("manifests", []):
        platform = normal_platform(m.get("platform", {}))
        if platform == "unknown/unknown":  # provenance and SBOM: checked the same way, named by what they attest
            platform = "attestation " + m.get("annotations", {}).get("vnd.docker.reference.digest", "")[:19]
        manifest = json.loads(registry_get(repo, "manifests", m["digest"]))
        config = registry_get(repo, "blobs", manifest["config"]["digest"])
        history = " ".join(h.get("created_by", "") for h in json.loads(config).get("history", []))
        layers = [registry_get(repo, "blobs", layer["digest"]) for layer in manifest["layers"]]
        for sid, secret in secrets:
            lines = [ln for ln in secret.decode(errors="replace").splitlines() if len(ln.strip()) >= 40]
            found = [f"history: {ln[:40]}..." for ln in lines if ln in history]
            for i, layer in enumerate(layers):
                found += [f"layer {i}: {f}" for f in leaks(layer, secret)]
            status = "FAIL" if found else "ok"
            bad += bool(found)
            print(f"{status} {platform}: secret {sid} ({len(secret)} bytes) in none of {len(layers)} layers"
                  f" nor the history ({len(history)} characters)" if not found else
                  f"{status} {platform}: secret {sid}: " + "; ".join(found))
    sys.exit(1 if bad else 0)


# ---------------------------------------------------------------------------------------- generate bench
BIG_PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/riscv64",
                 "linux/ppc64le", "linux/s390x"]
# rustup has no musl std for s390x: the Rust apps take arm/v5 instead, 8 platforms all the same.
BIG_RUST_PLATFORMS = [p for p in BIG_PLATFORMS if p != "linux/s390x"] + ["linux/arm/v5"]


def cmd_big_config(args) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    doc = [
        'mkmulti-version = "0.1"',
        "",
        "[project]",
        'name = "big"',
        f'description = "{args.apps} apps x {len(BIG_PLATFORMS)} platforms (mkmulti e2e generate benchmark)"',
        f"platforms = {json.dumps(BIG_PLATFORMS)}",
        "",
        "[registry]",
        'host = "ghcr.io"',
        'namespace = "example"',
    ]
    for i in range(args.apps):
        go = i % 2 == 0
        doc += ["", "[[app]]", f'name = "app-{i:02d}"', f'language = "{"go" if go else "rust"}"',
                f"ports = [{8000 + i}]", 'smoke-test = ["--version"]']
        # scratch publishes every platform; a Rust binary on it links musl statically.
        doc += ['runtime = "scratch"']
        doc += ([f'main = "./cmd/app-{i:02d}"', 'go.version = "1.22"'] if go else
                [f'package = "app-{i:02d}"', 'rust.libc = "musl"', f"platforms = {json.dumps(BIG_RUST_PLATFORMS)}"])
    (out / "multiarch.toml").write_text("\n".join(doc) + "\n")
    # The sources `mkmulti generate` checks the config against: a Go module with a command per Go app, and a
    # Cargo workspace with a member per Rust app.
    (out / "go.mod").write_text("module example.com/big\n\ngo 1.22\n")
    members = []
    for i in range(args.apps):
        name = f"app-{i:02d}"
        if i % 2 == 0:
            (out / "cmd" / name).mkdir(parents=True, exist_ok=True)
            (out / "cmd" / name / "main.go").write_text("package main\n\nfunc main() {}\n")
        else:
            members.append(name)
            (out / name / "src").mkdir(parents=True, exist_ok=True)
            (out / name / "Cargo.toml").write_text(f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n')
            (out / name / "src" / "main.rs").write_text("fn main() {}\n")
    (out / "Cargo.toml").write_text(f"[workspace]\nmembers = {json.dumps(members)}\nresolver = \"2\"\n")
    (out / "Cargo.lock").write_text("version = 4\n")


def cmd_time_generate(args) -> None:
    for config in args.configs:
        times = []
        for _ in range(args.runs):
            # A fresh copy of the project each run: `generate` creates every file and checks the sources.
            with tempfile.TemporaryDirectory() as tmp:
                project = Path(tmp) / "project"
                shutil.copytree(Path(config).parent, project, ignore=shutil.ignore_patterns("target", ".git"))
                t0 = time.perf_counter()
                subprocess.run([args.mkmulti, "generate", "--force", "--config", str(project / "multiarch.toml")],
                               check=True, stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - t0)
        print(f"{config}\t{statistics.median(times) * 1000:.1f}\t{min(times) * 1000:.1f}\t{args.runs}")


# ------------------------------------------------------------------------------------------------- report
def bench_tables(figures: list[dict]) -> list[str]:
    """The benchmark figures as the report's tables: per example, the QEMU counterfactual, mkmulti itself."""
    def get(example, metric, app="", platform=None):
        for f in figures:
            if f["example"] == example and f["metric"] == metric and (not app or f["app"] == app) and \
                    (platform is None or f["platform"] == platform):
                return f["value"]
        return ""

    def mb(v):
        return f"{int(v) / 1e6:.1f}" if v.isdigit() else v

    md = ["", "## Benchmarks (figures, not tests)", "",
          "Cold: `make docker-push-multi` for every app and platform after pruning the build cache. Warm: the same "
          "after a one-line edit of each app's main source. Bare compile: the binary alone, per target, from a "
          "cold cache, one target after the other in the builder image (the physical limit of a build that "
          "compiles each target once). Toolchain steps: of the cold build, the RUN steps of the toolchain stages (cross "
          "gcc, build packages, rustup) summed, then the longest (stages run side by side, so the sum is work, not "
          "wall time).", "",
          "| example | app | cold build s | toolchain steps s (sum / longest) | warm rebuild s "
          "| bare compile per target s | bare compile sum s | image size MB per platform (compressed) | generate ms |",
          "|---|---|---|---|---|---|---|---|---|"]
    examples = list(dict.fromkeys(f["example"] for f in figures if f["metric"] == "cold_build_s"))
    for ex in examples:
        apps = list(dict.fromkeys(f["app"] for f in figures if f["example"] == ex and f["app"] and
                                  f["metric"] in ("image_size", "bare_compile_s")))
        for i, app in enumerate(apps or [""]):
            per_target = ", ".join(f"{f['platform']} {f['value']}" for f in figures if f["example"] == ex and
                                   f["app"] == app and f["metric"] == "bare_compile_s")
            sizes = ", ".join(f"{f['platform']} {mb(f['value'])}" for f in figures if f["example"] == ex and
                              f["app"] == app and f["metric"] == "image_size")
            first = i == 0
            toolchain = f"{get(ex, 'toolchain_steps_s')} / {get(ex, 'toolchain_step_max_s')}" \
                if get(ex, 'toolchain_steps_s') else ""
            md.append(f"| {ex if first else ''} | {app} | {get(ex, 'cold_build_s') if first else ''} | "
                      f"{toolchain if first else ''} | {get(ex, 'warm_rebuild_s') if first else ''} | {per_target} | "
                      f"{get(ex, 'bare_compile_sum_s', app)} | {sizes} | {get(ex, 'generate_ms') if first else ''} |")
    qemu = [f for f in figures if f["metric"] == "qemu_build_s"]
    if qemu:
        md += ["", "QEMU counterfactual (go-hello; a labelled copy of the generated Dockerfile whose build stage is "
               "not pinned to `$BUILDPLATFORM`, so it compiles under emulation; both cold):", "",
               "| platforms | cross build s | emulated build s | ratio | cross go build step s | emulated go build step s |",
               "|---|---|---|---|---|---|"]
        for f in qemu:
            p = f["platform"]
            md.append(f"| {p} | {get(f['example'], 'cross_build_s', platform=p)} | {f['value']} | "
                      f"{get(f['example'], 'qemu_over_cross', platform=p)}x | "
                      f"{get(f['example'], 'cross_compile_step_s', platform=p)} | "
                      f"{get(f['example'], 'qemu_compile_step_s', platform=p)} |")
    big = [f for f in figures if f["metric"] == "generate_ms" and f["example"].startswith("big")]
    for f in big:
        md += ["", f"`mkmulti generate` of {f['example']}: {f['value']} ms ({f['note']})."]
    return md


def cmd_report(args) -> None:
    results = [line.rstrip("\n").split("\t") for line in Path(args.results).read_text().splitlines() if line]
    figures = []
    if args.figures and Path(args.figures).exists():
        figures = [line.rstrip("\n").split("\t") for line in Path(args.figures).read_text().splitlines() if line]
    meta = json.loads(Path(args.meta).read_text()) if args.meta else {}
    failed = [r for r in results if r[4] == "FAIL"]
    skipped = [r for r in results if r[4] == "SKIP"]
    passed = [r for r in results if r[4] == "PASS"]

    def row(r):
        return f"{r[0]:<22} {r[1]:<11} {r[2]:<13} {r[3]:<12} {r[4]:<4} {r[5]:>7}  {r[6]}"

    def where(r):
        return " ".join(c for c in r[:4] if c)

    print("\n== mkmulti e2e summary" + (f" ({meta.get('mode')} mode)" if meta else ""))
    print(f"{'EXAMPLE':<22} {'APP':<11} {'PLATFORM':<13} {'STEP':<12} {'':<4} {'SECONDS':>7}  NOTE")
    for r in results:
        print(row(r))
    print(f"\n{len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    for r in skipped:
        print(f"SKIPPED: {where(r)}: {r[6]}")
    for r in failed:
        print(f"FAILED:  {where(r)}: {r[6]}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    doc = {
        "meta": meta,
        "results": [dict(zip(["example", "app", "platform", "step", "status", "seconds", "note"], r))
                    for r in results],
        "figures": [dict(zip(["example", "app", "platform", "metric", "value", "unit", "note"], f))
                    for f in figures],
    }
    (out / "report.json").write_text(json.dumps(doc, indent=2) + "\n")

    md = ["# mkmulti end-to-end report", ""]
    for k, v in meta.items():
        md.append(f"- {k}: {v}")
    md += ["", f"{len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped.", "",
           "## Test steps", "", "| example | app | platform | step | result | s | note |", "|---|---|---|---|---|---|---|"]
    md += [f"| {' | '.join(c.replace('|', '/') for c in r)} |" for r in results]
    if figures:
        md += bench_tables(doc["figures"])
        md += ["", "### Every figure", "", "| example | app | platform | metric | value | unit | note |",
               "|---|---|---|---|---|---|---|"]
        md += [f"| {' | '.join(c.replace('|', '/') for c in f)} |" for f in figures]
    (out / "report.md").write_text("\n".join(md) + "\n")
    print(f"\nreport: {out / 'report.md'} and {out / 'report.json'}")
    sys.exit(1 if failed else 0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("overlay")
    s.add_argument("--out", required=True)
    s.add_argument("config")
    s.add_argument("overlays", nargs="*")
    s.set_defaults(fn=cmd_overlay)
    s = sub.add_parser("apps")
    s.add_argument("--mkmulti", required=True)
    s.add_argument("config")
    s.set_defaults(fn=cmd_apps)
    s = sub.add_parser("test-target")
    s.add_argument("--mkmulti", required=True)
    s.add_argument("config")
    s.set_defaults(fn=cmd_test_target)
    s = sub.add_parser("compile-script")
    s.add_argument("--mkmulti", required=True)
    s.add_argument("config")
    s.add_argument("app")
    s.set_defaults(fn=cmd_compile_script)
    s = sub.add_parser("ca-file")
    s.add_argument("--mkmulti", required=True)
    s.add_argument("config")
    s.set_defaults(fn=cmd_ca_file)
    s = sub.add_parser("counterfactual")
    s.add_argument("dockerfile")
    s.add_argument("out")
    s.set_defaults(fn=cmd_counterfactual)
    s = sub.add_parser("entrypoint")
    s.add_argument("ref")
    s.add_argument("platform")
    s.set_defaults(fn=cmd_entrypoint)
    s = sub.add_parser("elf-tar")
    s.add_argument("platform", choices=sorted(PLATFORMS))
    s.set_defaults(fn=cmd_elf_tar)
    s = sub.add_parser("arch-word")
    s.add_argument("language", choices=["go", "rust"])
    s.add_argument("platform")
    s.set_defaults(fn=cmd_arch_word)
    s = sub.add_parser("image-sizes")
    s.add_argument("ref")
    s.set_defaults(fn=cmd_image_sizes)
    s = sub.add_parser("index-has-platforms")
    s.add_argument("platforms", nargs="*")
    s.set_defaults(fn=cmd_index_has_platforms)
    s = sub.add_parser("secrets-absent")
    s.add_argument("--mkmulti", required=True)
    s.add_argument("--list", action="store_true", help="only print the ids of the secrets read from a file")
    s.add_argument("config")
    s.add_argument("ref", nargs="?")
    s.set_defaults(fn=cmd_secrets_absent)
    s = sub.add_parser("big-config")
    s.add_argument("--apps", type=int, default=50)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_big_config)
    s = sub.add_parser("time-generate")
    s.add_argument("--mkmulti", required=True)
    s.add_argument("--runs", type=int, default=10)
    s.add_argument("configs", nargs="+")
    s.set_defaults(fn=cmd_time_generate)
    s = sub.add_parser("report")
    s.add_argument("--results", required=True)
    s.add_argument("--figures")
    s.add_argument("--meta")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_report)
    args = p.parse_args()
    os.environ.setdefault("PYTHONUTF8", "1")
    args.fn(args)


if __name__ == "__main__":
    main()
