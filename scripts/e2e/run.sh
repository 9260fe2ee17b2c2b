#!/usr/bin/env bash
# shellcheck disable=SC2329 # shellcheck 0.11 calls the functions main reaches "never invoked" once a script ends in `main; exit`
# mkmulti's end-to-end harness: every example generated, built for real for all its platforms with buildx,
# pushed, validated by the generated script, its binaries' ELF machine checked and each platform's image run.
# See scripts/e2e/README.md. Usage:
#
#   scripts/e2e/run.sh [--mode offline|online] [--example NAME]... [--bench] [--keep] [--report DIR]
#                      [--tag TAG] [--registry HOST[:PORT]/NAMESPACE] [--builder NAME] [--qemu-platforms LIST]
#
#   --mode offline   (default) set up the offline stack (stack.sh: Docker from Debian packages, QEMU, a loopback
#                    registry with stand-in base images) and apply overlays/offline.toml + overlays/<example>.toml
#   --mode online    use this machine's Docker (with buildx, QEMU and a builder that builds several platforms,
#                    e.g. the containerd image store) and the real base images; no overlays
#   --example NAME   only that example of examples/ (repeatable); default every examples/*/multiarch.toml and
#                    the fresh projects of fresh.sh, scaffolded by `mkmulti init`
#   --fresh          the fresh projects too, with --example
#   --new TEMPLATE   a repository made by `mkmulti new` from that built-in template, or `user-template` (the
#                    tests' user template fixture); repeatable; default: all of them when no --example is given
#   --bench          also the benchmark figures: warm rebuild, bare compile per target (the physical limit),
#                    the QEMU counterfactual, `mkmulti generate` times (scripts/bench runs this)
#   --keep           leave the stack (or the online registry) running at the end
#   --report DIR     where report.md, report.json and the logs go (default target/e2e)
#   --registry REF   online: push to REF instead of a registry:2 container on 127.0.0.1:$MKMULTI_E2E_PORT
#   --builder NAME   the buildx builder the Makefile uses (BUILDER_NAME; default `default`, the docker driver)
#   --qemu-platforms LIST   platforms of the QEMU counterfactual (default linux/arm64)
#   --overlays DIR   offline overlays from DIR instead of scripts/e2e/overlays
# Environment: MKMULTI_E2E_DIR (state, default ~/.cache/mkmulti-e2e), MKMULTI_E2E_PORT (registry port, 5230),
# MKMULTI_BIN (use this mkmulti instead of building one with cargo: debug, or release with --bench).
# Exit status: 0 every step passed (explicit skips allowed), 1 a step failed, 2 usage or set-up error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

MODE=offline
EXAMPLES=()
NEW_TEMPLATES=()
BENCH=0
KEEP=0
REPORT_DIR=$ROOT/target/e2e
TAG=e2e-$(date +%s)
REGISTRY=
BUILDER=default
QEMU_PLATFORMS=linux/arm64
OVERLAYS=$HERE/overlays
DIR=${MKMULTI_E2E_DIR:-$HOME/.cache/mkmulti-e2e}
PORT=${MKMULTI_E2E_PORT:-5230}
export MKMULTI_E2E_DIR=$DIR MKMULTI_E2E_PORT=$PORT

usage() { sed -n '5,29p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --mode) MODE=${2:-}; shift 2 ;;
    --example) EXAMPLES+=("${2:-}"); shift 2 ;;
    --fresh) FRESH_FLAG=1; shift ;;
    --new) NEW_TEMPLATES+=("${2:-}"); shift 2 ;;
    --bench) BENCH=1; shift ;;
    --keep) KEEP=1; shift ;;
    --report) REPORT_DIR=${2:-}; shift 2 ;;
    --tag) TAG=${2:-}; shift 2 ;;
    --registry) REGISTRY=${2:-}; shift 2 ;;
    --builder) BUILDER=${2:-}; shift 2 ;;
    --qemu-platforms) QEMU_PLATFORMS=${2:-}; shift 2 ;;
    --overlays) OVERLAYS=$(cd "${2:-}" && pwd); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case $MODE in offline|online) ;; *) echo "run.sh: --mode is offline or online" >&2; exit 2 ;; esac
FRESH=${FRESH_FLAG:-0}
ALL_NEW=0
if [ ${#EXAMPLES[@]} = 0 ] && [ ${#NEW_TEMPLATES[@]} = 0 ]; then
  FRESH=1
  ALL_NEW=1
  for f in "$ROOT"/examples/*/multiarch.toml; do EXAMPLES+=("$(basename "$(dirname "$f")")"); done
fi
for ex in "${EXAMPLES[@]}"; do
  [ -f "$ROOT/examples/$ex/multiarch.toml" ] || { echo "run.sh: no example '$ex' in examples/" >&2; exit 2; }
done

RUN_DIR=$REPORT_DIR/run
E2E_LOG_DIR=$RUN_DIR/logs
# The examples are copied outside any git work tree, as a fresh checkout of just that project would be: the
# Makefile's VERSION, COMMIT and sha-<commit> tag come from git when there is one.
WORK=$DIR/work
RESULTS=$RUN_DIR/results.tsv
FIGURES=$RUN_DIR/figures.tsv
mkdir -p "$REPORT_DIR" "$DIR"
# One harness run per state directory at a time (the stack, its registry and its build cache are shared).
exec 9>"$DIR/.lock"
flock -n 9 || { echo "run.sh: another e2e run holds $DIR/.lock" >&2; exit 2; }
rm -rf "$RUN_DIR" "$WORK"
mkdir -p "$E2E_LOG_DIR" "$WORK"
export GIT_CEILING_DIRECTORIES=$DIR
# The value of the environment build secrets the overlays declare (rust-crates): fresh each run, so
# secrets-absent finds it only where a build leaked it.
MKMULTI_E2E_TOKEN="mkmulti-e2e-token-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export MKMULTI_E2E_TOKEN
: >"$RESULTS"
: >"$FIGURES"
# --network host: the offline stack has no NAT; --pull: never a stale local base image. Both harmless online.
BUILDX_FLAGS_A=(--network host --pull --progress plain)
BUILDX_FLAGS="${BUILDX_FLAGS_A[*]}"
PY=(python3 "$HERE/e2e.py")


record() { # EXAMPLE APP PLATFORM STEP STATUS SECONDS NOTE
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7//$'\t'/ }" >>"$RESULTS"
}
figure() { # EXAMPLE APP PLATFORM METRIC VALUE UNIT NOTE
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >>"$FIGURES"
}
# The line of a failed step's log that says what went wrong: buildx's ERROR, else another error line, else
# the last line.
failure_line() {
  { grep -E '^ERROR' "$1" || grep -E 'error:|FAIL|Error [0-9]' "$1" || tail -n 1 "$1"; } | tail -n 1 | cut -c1-240
}
# checked EXAMPLE APP PLATFORM STEP LOG CMD...: a test step, recorded PASS or FAIL with its time.
checked() {
  local ex=$1 app=$2 platform=$3 name=$4 logfile=$5
  shift 5
  if step "$ex ${app:+$app }${platform:+$platform }$name" "$logfile" "$@"; then
    record "$ex" "$app" "$platform" "$name" PASS "$STEP_SECONDS" ""
  else
    record "$ex" "$app" "$platform" "$name" FAIL "$STEP_SECONDS" "$(failure_line "$logfile") (log: $logfile)"
    return 1
  fi
}

# ------------------------------------------------------------------------------------------- the stack
STARTED=()
ONLINE_REGISTRY_CONTAINER=
cleanup() {
  local rc=$?
  if [ "$KEEP" = 1 ]; then
    log "--keep: left running (offline: scripts/e2e/stack.sh down)"
  elif [ ${#STARTED[@]} -gt 0 ]; then
    bash "$HERE/stack.sh" down "${STARTED[@]}" || true
  elif [ -n "$ONLINE_REGISTRY_CONTAINER" ]; then
    docker rm -f "$ONLINE_REGISTRY_CONTAINER" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_offline() {
  local golang_platforms=linux/amd64
  [ "$BENCH" = 1 ] && golang_platforms=linux/amd64,$QEMU_PLATFORMS
  # 9>&-: the daemons it starts must not hold this run's lock
  if ! bash "$HERE/stack.sh" up --golang-platforms "$golang_platforms" 9>&-; then
    log "FAIL  offline stack set-up (see the step above; logs in $DIR/run/logs)"
    mapfile -t STARTED <"$DIR/run/started" || true
    exit 2
  fi
  mapfile -t STARTED <"$DIR/run/started"
  # shellcheck source=/dev/null
  . "$DIR/env.sh"
  REGISTRY=$MKMULTI_E2E_REGISTRY/e2e
  # The stack's own engine: images earlier runs pulled go, so its disk use stays bounded.
  docker image prune -af >/dev/null 2>&1 || true
}

start_online() {
  need_cmd docker "online mode uses this machine's Docker"
  docker info >/dev/null 2>&1 || die "online mode: the Docker engine does not answer (docker info)"
  docker buildx version >/dev/null 2>&1 || die "online mode: the buildx plugin is missing"
  local platforms
  platforms=$(docker buildx inspect --bootstrap "$BUILDER" 2>/dev/null | sed -n 's/^Platforms:[[:space:]]*//p' | tr -d ' *' | tr '\n' ',')
  log "online: builder $BUILDER runs ${platforms:-nothing?}"
  if [ -z "$REGISTRY" ]; then
    ONLINE_REGISTRY_CONTAINER=mkmulti-e2e-registry-$PORT
    docker rm -f "$ONLINE_REGISTRY_CONTAINER" >/dev/null 2>&1 || true
    docker run -d --name "$ONLINE_REGISTRY_CONTAINER" -p "127.0.0.1:$PORT:5000" registry:2 >/dev/null ||
      die "online mode: cannot start registry:2 on 127.0.0.1:$PORT (or pass --registry)"
    REGISTRY=127.0.0.1:$PORT/e2e
  fi
}

# The tests use a debug build (what `cargo test` builds already); the generate benchmark a release one.
build_mkmulti() {
  local profile=debug flags=()
  if [ -n "${MKMULTI_BIN:-}" ]; then
    [ -x "$MKMULTI_BIN" ] || die "MKMULTI_BIN=$MKMULTI_BIN is not executable"
    MKMULTI=$MKMULTI_BIN
    return 0
  fi
  need_cmd cargo "mkmulti is built with cargo"
  if [ "$BENCH" = 1 ]; then profile=release; flags=(--release); fi
  step "cargo build${flags[*]:+ ${flags[*]}} (mkmulti)" "$E2E_LOG_DIR/cargo-build.log" \
    cargo build "${flags[@]}" --locked --bin mkmulti --manifest-path "$ROOT/Cargo.toml" || exit 2
  MKMULTI=$ROOT/target/$profile/mkmulti
}

# ------------------------------------------------------------------------------------------ the steps
make_vars() { # the variables every make call of the harness passes
  MAKE_VARS=(BUILDER_NAME="$BUILDER" DOCKER_REGISTRY="$REGISTRY" BUILDX_FLAGS="$BUILDX_FLAGS" TAG="$1" VERSION="$1")
}

# Cold builds start from an empty build cache: always on the offline stack (the harness's own), online only with
# --bench (it empties the cache of the user's builder).
COLD=0
prune_cache() {
  if [ "$MODE" = offline ] || [ "$BENCH" = 1 ]; then
    docker buildx prune --builder "$BUILDER" -af >/dev/null 2>&1 || true
    COLD=1
  fi
}

# check_platform EXAMPLE APP LANGUAGE REF PLATFORM LOGDIR SMOKE...: the ELF machine of every file of the
# entrypoint, and the image run on the platform reporting that platform's architecture.
check_platform() {
  local ex=$1 app=$2 language=$3 ref=$4 platform=$5 logs=$6 slug cid word out file desc rc=0 files=()
  shift 6
  slug=${platform//\//-}
  mapfile -t files < <("${PY[@]}" entrypoint "$ref" "$platform" 2>"$logs/entrypoint-$slug.log" | grep '^/' || true)
  if [ ${#files[@]} = 0 ]; then
    record "$ex" "$app" "$platform" elf FAIL 0 "no absolute path in the image's ENTRYPOINT ($logs/entrypoint-$slug.log)"
    log "FAIL  $ex $app $platform elf: no absolute ENTRYPOINT"
    rc=1
  else
    # --pull always: Docker's classic image store holds one platform of a tag at a time.
    cid=$(docker create --pull always --platform "$platform" "$ref" 2>"$logs/create-$slug.log") || cid=
    if [ -z "$cid" ]; then
      record "$ex" "$app" "$platform" elf FAIL 0 "docker create failed: $(tail -n 1 "$logs/create-$slug.log")"
      rc=1
    else
      desc=
      for file in "${files[@]}"; do
        if out=$(docker cp -L "$cid:$file" - 2>>"$logs/create-$slug.log" | "${PY[@]}" elf-tar "$platform"); then
          desc="${desc:+$desc; }$file: $out"
        else
          desc="${desc:+$desc; }$file: ${out//$'\n'/ }"
          rc=1
        fi
      done
      docker rm "$cid" >/dev/null 2>&1 || true
      if [ "$rc" = 0 ]; then
        record "$ex" "$app" "$platform" elf PASS 0 "$desc"
        log "ok    $ex $app $platform elf: $desc"
      else
        record "$ex" "$app" "$platform" elf FAIL 0 "$desc"
        log "FAIL  $ex $app $platform elf: $desc"
      fi
    fi
  fi
  word=$("${PY[@]}" arch-word "$language" "$platform")
  if step "$ex $app $platform run" "$logs/run-$slug.log" docker run --rm --pull always --platform "$platform" "$ref" "$@"; then
    out=$(tail -n 1 "$logs/run-$slug.log")
    if [[ $out == *"(linux/$word)"* ]]; then
      record "$ex" "$app" "$platform" run PASS "$STEP_SECONDS" "$out"
    else
      record "$ex" "$app" "$platform" run FAIL "$STEP_SECONDS" "printed '$out', expected (linux/$word)"
      log "FAIL  $ex $app $platform run: printed '$out', expected (linux/$word)"
      rc=1
    fi
  else
    record "$ex" "$app" "$platform" run FAIL "$STEP_SECONDS" "exit status non-zero: see $logs/run-$slug.log"
    rc=1
  fi
  return "$rc"
}

# physical_limit EXAMPLE WORK APP BUILDER_IMAGE PLATFORMS: the bare compile of the binary per target, from a
# cold cache, one after the other on the build machine: the least a multi-platform build has to spend.
physical_limit() {
  local ex=$1 work=$2 app=$3 image=$4 logfile=$RUN_DIR/logs/$1/compile-$3.log total=0 p ms ca mounts=()
  "${PY[@]}" compile-script --mkmulti "$MKMULTI" "$work/multiarch.toml" "$app" >"$RUN_DIR/logs/$ex/compile-$app.sh"
  # The CA bundle of build.ca-secret, which the fetch needs as in the build (read-only, in no image).
  ca=$("${PY[@]}" ca-file --mkmulti "$MKMULTI" "$work/multiarch.toml")
  [ -z "$ca" ] || mounts=(-v "$ca:/run/secrets/ca.pem:ro")
  if ! step "$ex $app bare compile per target" "$logfile" docker run --rm --network host --platform linux/amd64 \
    --pull always -v "$work:/src:ro" -v "$RUN_DIR/logs/$ex/compile-$app.sh:/compile.sh:ro" "${mounts[@]}" "$image" \
    sh /compile.sh; then
    figure "$ex" "$app" all bare_compile_s n/a s "failed: $logfile"
    return 0
  fi
  while read -r _ p ms; do
    figure "$ex" "$app" "$p" bare_compile_s "$(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }')" s "cold cache, in $image"
    total=$((total + ms))
  done < <(grep '^TIME ' "$logfile")
  figure "$ex" "$app" all bare_compile_sum_s "$(awk -v m="$total" 'BEGIN { printf "%.1f", m / 1000 }')" s \
    "physical limit: sum over targets, serial"
}

# toolchain_steps LOG: the RUN steps of the toolchain stages (cross-toolchains, toolchain-<slug>) in a buildx
# plain-progress log, as "SUM MAX COUNT" of their durations in seconds. Steps of stages that run side by side
# overlap, so SUM is the work, not the wall time; MAX bounds the wall time from below. Cached steps count 0.
toolchain_steps() {
  awk '
    match($0, /^#[0-9]+ \[([^] ]+ )?(cross-toolchains|toolchain-[a-z0-9]+) [0-9]+\/[0-9]+\] RUN /) { want[$1] = 1; next }
    ($1 in want) && $2 == "CACHED" { delete want[$1]; n++; next }
    ($1 in want) && $2 == "DONE" { s = $3; sub(/s$/, "", s); sum += s; if (s > max) max = s; n++; delete want[$1] }
    END { printf "%.1f %.1f %d\n", sum, max, n }' "$1"
}

run_example() { # EXAMPLE [SOURCE_DIR [CONFIG_DIR]]: an example of examples/, or a project under SOURCE_DIR whose
  # config is in its CONFIG_DIR (default `.`; a service below a repository's top, whose workflow goes to the top)
  local ex=$1 src=${2:-$ROOT/examples/$1} sub=${3:-.} work=$WORK/$1 logs=$RUN_DIR/logs/$1 meta skip note overlays=()
  local line failed=0 proj=$WORK/$1/${3:-.} tc_sum tc_max tc_n
  local app language image platforms smoke source builder ref platform smoke_args=() apps=() test_target
  mkdir -p "$logs"
  log "== $ex"
  cp -a "$src" "$work"
  find "$work" -name target -type d -prune -exec rm -rf {} +
  if [ "$MODE" = offline ]; then
    overlays=()
    [ -f "$OVERLAYS/offline.toml" ] && overlays+=("$OVERLAYS/offline.toml")
    [ -f "$OVERLAYS/$ex.toml" ] && overlays+=("$OVERLAYS/$ex.toml")
    meta=$("${PY[@]}" overlay --out "$proj/multiarch.toml" "$src/$sub/multiarch.toml" "${overlays[@]}") || {
      record "$ex" "" "" overlay FAIL 0 "overlay failed"; return 0; }
    skip=${meta%%$'\t'*}
    note=${meta#*$'\t'}
    if [ -n "$skip" ]; then
      record "$ex" "" "" all SKIP 0 "$skip"
      log "SKIP  $ex: $skip"
      return 0
    fi
    record "$ex" "" "" overlay PASS 0 "${note:-${overlays[*]##*/}}"
  fi
  checked "$ex" "" "" generate "$logs/generate.log" "$MKMULTI" generate --config "$proj/multiarch.toml" || return 0
  if [ "$sub" != . ]; then
    # `ci.root`: the workflow is at the repository's top, where GitHub runs it, not beside the config.
    if compgen -G "$work/.github/workflows/*.yml" >/dev/null && ! [ -e "$proj/.github" ]; then
      record "$ex" "" "" ci-root PASS 0 "$(cd "$work" && echo .github/workflows/*.yml)"
    else
      record "$ex" "" "" ci-root FAIL 0 "no workflow in $work/.github/workflows (or one beside the config)"
    fi
  fi
  mapfile -t apps < <("${PY[@]}" apps --mkmulti "$MKMULTI" "$proj/multiarch.toml")
  [ ${#apps[@]} -gt 0 ] || { record "$ex" "" "" apps FAIL 0 "no apps read from the config"; return 0; }

  make_vars "$TAG"
  checked "$ex" "" "" buildx-setup "$logs/buildx-setup.log" make -C "$proj" buildx-setup "${MAKE_VARS[@]}" || return 0
  # `build.test`: the unit tests run in the build (the Dockerfiles' test stage, this machine's platform) before
  # any image is built, as the workflow's test job does; a failing test stops the example here.
  test_target=$("${PY[@]}" test-target --mkmulti "$MKMULTI" "$proj/multiarch.toml") || {
    record "$ex" "" "" test FAIL 0 "could not read the plan"; return 0; }
  if [ -n "$test_target" ]; then
    checked "$ex" "" "" test "$logs/test.log" make -C "$proj" "$test_target" "${MAKE_VARS[@]}" || return 0
    figure "$ex" "" "" test_s "$STEP_SECONDS" s "make $test_target: every app's test stage, build cache as found"
  fi
  prune_cache
  if ! checked "$ex" "" all build-push "$logs/build-push.log" make -C "$proj" docker-push-multi "${MAKE_VARS[@]}"; then
    return 0
  fi
  if [ "$COLD" = 1 ]; then
    figure "$ex" "" all cold_build_s "$STEP_SECONDS" s "make docker-push-multi, build cache pruned first, every app and platform"
    read -r tc_sum tc_max tc_n < <(toolchain_steps "$logs/build-push.log")
    if [ "$tc_n" -gt 0 ]; then
      figure "$ex" "" all toolchain_steps_s "$tc_sum" s "sum of the $tc_n RUN steps of the toolchain stages (cross gcc, build packages, rustup), from buildx's plain progress; they may overlap"
      figure "$ex" "" all toolchain_step_max_s "$tc_max" s "the longest of them"
    fi
  else
    figure "$ex" "" all build_s "$STEP_SECONDS" s "make docker-push-multi, build cache as found (online without --bench)"
  fi
  checked "$ex" "" "" validate "$logs/validate.log" \
    env -C "$proj" DOCKER_REGISTRY="$REGISTRY" TAG="$TAG" ./scripts/validate-multiarch.sh || failed=1

  for line in "${apps[@]}"; do
    IFS=$'\t' read -r app language _ image _ platforms smoke source builder <<<"$line"
    IFS=$'\x1f' read -r -a smoke_args <<<"$smoke"
    ref=$REGISTRY/$image:$TAG
    for platform in ${platforms//,/ }; do
      check_platform "$ex" "$app" "$language" "$ref" "$platform" "$logs" "${smoke_args[@]}" || failed=1
    done
    while IFS=$'\t' read -r platform bytes; do
      figure "$ex" "$app" "$platform" image_size "$bytes" bytes "compressed (registry layers + config)"
    done < <("${PY[@]}" image-sizes "$ref" 2>>"$logs/sizes.log" || true)
    # Build secrets (a CA bundle file, an environment token): in no layer of any platform and not in the history.
    if [ -n "$("${PY[@]}" secrets-absent --mkmulti "$MKMULTI" --list "$work/multiarch.toml" 2>/dev/null)" ]; then
      checked "$ex" "$app" all secrets-absent "$logs/secrets-$app.log" \
        "${PY[@]}" secrets-absent --mkmulti "$MKMULTI" "$work/multiarch.toml" "$ref" || failed=1
    fi
  done

  if [ "$BENCH" = 1 ]; then
    for line in "${apps[@]}"; do
      IFS=$'\t' read -r app _ _ _ _ _ _ source builder <<<"$line"
      printf '// mkmulti e2e: one-line edit for the warm rebuild (%s)\n' "$TAG" >>"$proj/$source"
    done
    make_vars "$TAG-warm"
    if step "$ex warm rebuild (one-line edit per app)" "$logs/build-push-warm.log" make -C "$proj" docker-push-multi "${MAKE_VARS[@]}"; then
      figure "$ex" "" all warm_rebuild_s "$STEP_SECONDS" s "make docker-push-multi after a one-line edit of each app's main source"
    else
      figure "$ex" "" all warm_rebuild_s n/a s "failed: $logs/build-push-warm.log"
    fi
    for line in "${apps[@]}"; do
      IFS=$'\t' read -r app _ _ _ _ _ _ source builder <<<"$line"
      physical_limit "$ex" "$proj" "$app" "$builder"
    done
  fi
  [ "$failed" = 0 ] || log "$ex: some checks failed (see the summary)"
}

# A project nobody tuned for mkmulti (scripts/e2e/fresh.sh), scaffolded by `mkmulti init` without an edit, then
# run like an example: generate, build for every platform, push, validate, check and run each image.
run_fresh() { # NAME
  local name=$1 src=$WORK/src-$1
  rm -rf "$src"
  bash "$HERE/fresh.sh" "$name" "$src"
  # A service below a repository's top is scaffolded in its own directory; the rest at the project's root.
  local sub=.
  [ "$name" = fresh-go-service ] && sub=services/api
  checked "$name" "" "" init "$RUN_DIR/logs/init-$name.log" "$MKMULTI" init --yes "$src/$sub" || return 0
  run_example "$name" "$src" "$sub"
}

# A repository made by `mkmulti new` from a template (a built-in one's name, or a directory), untouched, then run
# like an example: its own config and generated files, built for every platform, pushed, validated, each image run.
run_new() { # NAME TEMPLATE [new's options...]
  local name=$1 template=$2 src=$WORK/src-$1
  shift 2
  rm -rf "$src"
  checked "$name" "" "" new "$RUN_DIR/logs/new-$name.log" "$MKMULTI" new "$name" --template "$template" --dir "$src" \
    --no-git "$@" || return 0
  run_example "$name" "$src"
}

# The seed-style comparison: go-hello's generated Dockerfile against a labelled copy whose build stage is not
# pinned to $BUILDPLATFORM, each built cold for QEMU_PLATFORMS. Figures only.
qemu_counterfactual() {
  local ex=go-hello work=$WORK/go-hello logs=$RUN_DIR/logs/qemu-counterfactual cross qemu
  [ -f "$work/Dockerfile" ] || { log "no generated go-hello to compare (is it in --example?)"; return 0; }
  mkdir -p "$logs"
  "${PY[@]}" counterfactual "$work/Dockerfile" "$work/Dockerfile.qemu-counterfactual"
  prune_cache
  if step "counterfactual: cross build (generated Dockerfile) $QEMU_PLATFORMS" "$logs/cross.log" \
    docker buildx build --builder "$BUILDER" "${BUILDX_FLAGS_A[@]}" --platform "$QEMU_PLATFORMS" -f "$work/Dockerfile" \
    -t "$REGISTRY/go-hello:$TAG-cross" --push "$work"; then
    cross=$STEP_SECONDS
    figure "$ex" go-hello "$QEMU_PLATFORMS" cross_build_s "$cross" s "generated Dockerfile, build cache pruned first"
  fi
  prune_cache
  if step "counterfactual: build stage under QEMU $QEMU_PLATFORMS" "$logs/qemu.log" \
    docker buildx build --builder "$BUILDER" "${BUILDX_FLAGS_A[@]}" --platform "$QEMU_PLATFORMS" \
    -f "$work/Dockerfile.qemu-counterfactual" -t "$REGISTRY/go-hello:$TAG-qemu" --push "$work"; then
    qemu=$STEP_SECONDS
    figure "$ex" go-hello "$QEMU_PLATFORMS" qemu_build_s "$qemu" s "COUNTERFACTUAL: build stage not pinned to \$BUILDPLATFORM"
  fi
  if [ -n "${cross:-}" ] && [ -n "${qemu:-}" ]; then
    figure "$ex" go-hello "$QEMU_PLATFORMS" qemu_over_cross "$(awk -v a="$qemu" -v b="$cross" 'BEGIN { printf "%.1f", a / b }')" x ""
  fi
  # The compile step alone, from the plain progress logs: the step that runs `go build`.
  for f in cross qemu; do
    awk '/RUN --mount=type=bind/ && /build / { split($1, id, "#"); step = $1 } step != "" && $1 == step && $2 == "DONE" { print $3; exit }' \
      "$logs/$f.log" | sed 's/s$//' | while read -r s; do
      figure "$ex" go-hello "$QEMU_PLATFORMS" "${f}_compile_step_s" "$s" s "the go build RUN step, from buildx's plain progress"
    done
  done
}

generate_bench() {
  local logs=$RUN_DIR/logs/generate configs=() ex config ms min runs
  mkdir -p "$logs"
  for ex in "${EXAMPLES[@]}"; do configs+=("$ROOT/examples/$ex/multiarch.toml"); done
  "${PY[@]}" big-config --apps 50 --out "$WORK/big"
  configs+=("$WORK/big/multiarch.toml")
  if ! step "mkmulti generate timings (each example; 50 apps x 8 platforms)" "$logs/time-generate.log" \
    "${PY[@]}" time-generate --mkmulti "$MKMULTI" --runs 20 "${configs[@]}"; then
    figure "" "" "" generate_ms n/a ms "failed: $logs/time-generate.log"
    return 0
  fi
  while IFS=$'\t' read -r config ms min runs; do
    ex=$(basename "$(dirname "$config")")
    [ "$ex" = big ] && ex="big (50 apps x 8 platforms)"
    figure "$ex" "" "" generate_ms "$ms" ms "median of $runs runs (min $min ms), mkmulti generate into an empty directory"
  done <"$logs/time-generate.log"
}

# ------------------------------------------------------------------------------------------------- main
main() {
  need_cmd make "the generated Makefile does the work"
  need_cmd python3 "the harness's helpers are Python 3.11"
  log "mkmulti e2e, $MODE mode; examples: ${EXAMPLES[*]}; report in $REPORT_DIR"
  # The figures depend on what else the machine does: the report gives the load average at both ends.
  LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
  SETUP_T0=$(date +%s.%N)
  if [ "$MODE" = offline ]; then start_offline; else start_online; fi
  SETUP_S=$(seconds_between "$SETUP_T0" "$(date +%s.%N)")
  log "stack ready in $SETUP_S s; registry $REGISTRY, builder $BUILDER, tag $TAG"
  build_mkmulti
  RUN_T0=$(date +%s.%N)
  for ex in "${EXAMPLES[@]}"; do run_example "$ex"; done
  # Fresh projects with every run over all examples (not with --example, which picks examples only).
  if [ "$FRESH" = 1 ]; then
    for name in fresh-go-cmd fresh-rust-bin fresh-go-root fresh-rust-ws fresh-rust-srv fresh-go-service fresh-go-vendor; do run_fresh "$name"; done
  fi
  if [ "$ALL_NEW" = 1 ]; then
    mapfile -t NEW_TEMPLATES < <("$MKMULTI" new --list | awk '{ print $1 }')
    NEW_TEMPLATES+=(user-template)
  fi
  for template in "${NEW_TEMPLATES[@]}"; do
    if [ "$template" = user-template ]; then
      # A user template: the integration tests' fixture (variables, a copied file, a directory named by one).
      run_new new-user-template "$ROOT/tests/fixtures/new/user" --var "owner=Platform Team"
    else
      run_new "new-$template" "$template"
    fi
  done
  if [ "$BENCH" = 1 ]; then
    [[ " ${EXAMPLES[*]} " == *" go-hello "* ]] && qemu_counterfactual
    generate_bench
  fi
  RUN_S=$(seconds_between "$RUN_T0" "$(date +%s.%N)")
  cat >"$RUN_DIR/meta.json" <<EOF
{"mode": "$MODE", "tag": "$TAG", "registry": "$REGISTRY", "builder": "$BUILDER", "bench": $([ "$BENCH" = 1 ] && echo true || echo false),
 "setup_seconds": $SETUP_S, "examples_seconds": $RUN_S, "machine": "$(nproc) cores, $(uname -m), $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"')",
 "load_average_start": "$LOAD_START", "load_average_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
 "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "mkmulti": "$("$MKMULTI" --version)"}
EOF
  # Its status is the run's.
  "${PY[@]}" report --results "$RESULTS" --figures "$FIGURES" --meta "$RUN_DIR/meta.json" --out "$REPORT_DIR"
}

# `exit` on the same line: bash has read the whole file before main runs and never reads it again, so the
# script can be edited during a run (a long one) without the running copy executing the new text.
main; exit
