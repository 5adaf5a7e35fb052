#!/usr/bin/env bash
# Device check of the WebGPU route (--backend webgpu): @tensorflow/tfjs-backend-webgpu on Deno's
# built-in WebGPU, on a lent GPU machine that has no Deno and no network. See docs/gpu_check.md.
#
#   bash perf/gpu_check.sh --prepare    here: build the git-ignored folder .gpucheck/ (Deno
#                                       compressed with xz, one `deno bundle` of
#                                       perf/gpu_check/main.ts, the wasm binary, a Vulkan loader)
#                                       and check that tree + .gpucheck/ fit in 64 MiB
#   bash perf/gpu_check.sh              there (from the repo root, .gpucheck carried): unpack Deno
#                                       to /tmp and run the check; writes $OUT/gpu_check.json and
#                                       $OUT/gpu_check.log (and $OUT/gpu_check_console.log)
#   bash perf/gpu_check.sh --local      here: the same run on Mesa's software Vulkan device
#                                       (lavapipe), to prove the whole path without a GPU
#
# With the device tool: run with carry [".gpucheck"], command "bash perf/gpu_check.sh",
# timeout_s 540 (the check stops itself after about 480 s; HT_GC_BUDGET_S changes that).
# Run --prepare first, here: .gpucheck/ is not in git.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GC="$ROOT/.gpucheck"
LIMIT=$((64 * 1024 * 1024))
WASM_VERSION=4.22.0

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Bytes of files listed NUL-separated on stdin (missing files count 0).
sum_sizes() {
  { xargs -0 -r stat -c %s -- 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}'
}

mib() {
  awk -v b="$1" 'BEGIN {printf "%.2f MiB", b / 1048576}'
}

# The deno that builds the bundle (the project's pinned one first).
find_deno() {
  if [ -x "$ROOT/.ci/.tools/node_modules/deno/deno" ]; then
    echo "$ROOT/.ci/.tools/node_modules/deno/deno"
  elif command -v deno >/dev/null; then
    readlink -f "$(command -v deno)"
  else
    echo "no deno found: install it (.ci/run does) or put it on PATH" >&2
    return 1
  fi
}

# tfjs-backend-wasm's SIMD binary from the project's node_modules or Deno's npm cache.
find_wasm() {
  local name=tfjs-backend-wasm-simd.wasm f
  for f in \
    "$ROOT/node_modules/.deno/@tensorflow+tfjs-backend-wasm@$WASM_VERSION/node_modules/@tensorflow/tfjs-backend-wasm/dist/$name" \
    "${DENO_DIR:-$HOME/.cache/deno}/npm/registry.npmjs.org/@tensorflow/tfjs-backend-wasm/$WASM_VERSION/dist/$name"; do
    if [ -f "$f" ]; then
      echo "$f"
      return 0
    fi
  done
  echo "tfjs-backend-wasm $WASM_VERSION not installed: run deno install" >&2
  return 1
}

# The Vulkan loader of this machine (carried in case the device has none).
find_loader() {
  local f
  f="$(/sbin/ldconfig -p 2>/dev/null | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')"
  if [ -n "$f" ] && [ -f "$f" ]; then readlink -f "$f"; fi
}

prepare() {
  local deno wasm loader sha
  deno="$(find_deno)"
  wasm="$(find_wasm)"
  loader="$(find_loader)"
  if ! git check-ignore -q .gpucheck; then
    echo "warning: .gpucheck/ is not ignored by git (add /.gpucheck/ to .gitignore)" >&2
  fi
  mkdir -p "$GC"
  STAGE="$(mktemp -d /tmp/ht-gpucheck-prep.XXXXXX)"
  trap 'rm -rf "$STAGE"' EXIT
  local stage="$STAGE"

  # (a) Deno, x86 BCJ filter + LZMA2 at the strongest preset; reused while the binary is the same
  sha="$(sha256sum "$deno" | cut -d' ' -f1)"
  if [ -f "$GC/deno.xz" ] && [ "$(cat "$GC/deno.sha256" 2>/dev/null)" = "$sha" ]; then
    echo "deno.xz is up to date ($("$deno" --version | head -1))"
  else
    echo "compressing $deno ($(mib "$(stat -c %s "$deno")")); takes a minute or two…"
    rm -f "$GC/deno.xz" "$GC/deno.sha256"
    xz -T1 --x86 --lzma2=preset=9e,dict=128MiB -c "$deno" >"$stage/deno.xz"
    mv "$stage/deno.xz" "$GC/deno.xz"
    echo "$sha" >"$GC/deno.sha256"
  fi

  # (b) the bundle, the wasm binary and the Vulkan loader, in one tar.xz
  mkdir -p "$stage/payload/lib"
  "$deno" bundle --quiet --platform deno --minify -o "$stage/payload/gpu_check.js" \
    perf/gpu_check/main.ts
  cp "$wasm" "$stage/payload/"
  if [ -n "$loader" ]; then
    cp "$loader" "$stage/payload/lib/libvulkan.so.1"
  else
    echo "warning: no Vulkan loader here to carry" >&2
  fi
  "$deno" --version | head -1 >"$stage/payload/DENO_VERSION"
  echo "$sha" >"$stage/payload/DENO_SHA256"
  tar -C "$stage/payload" -cf - . | xz -T1 -9e >"$GC/payload.tar.xz"

  # sizes
  local tracked untracked shared gcsize total bundle
  tracked="$(git ls-files -z | sum_sizes)"
  untracked="$(git ls-files -z -o --exclude-standard | sum_sizes)"
  shared=0
  if [ -d shared ]; then shared="$(find shared -type f -print0 | sum_sizes)"; fi
  gcsize="$(find "$GC" -type f -print0 | sum_sizes)"
  bundle="$(stat -c %s "$stage/payload/gpu_check.js")"
  total=$((tracked + untracked + shared + gcsize))
  {
    echo "deno:               $(mib "$(stat -c %s "$deno")") → deno.xz $(mib "$(stat -c %s "$GC/deno.xz")")"
    echo "bundle:             gpu_check.js $(mib "$bundle") (minified)"
    echo "payload.tar.xz:     $(mib "$(stat -c %s "$GC/payload.tar.xz")") (bundle, wasm, Vulkan loader)"
    echo "tracked tree:       $(mib "$tracked")"
    echo "untracked, not ignored: $(mib "$untracked")"
    [ "$shared" -gt 0 ] && echo "shared/:            $(mib "$shared")"
    echo ".gpucheck/:         $(mib "$gcsize")"
    echo "total:              $(mib "$total") of $(mib "$LIMIT") ($(mib $((LIMIT - total))) left)"
  } | tee "$GC/SIZES.txt"
  if [ "$total" -gt "$LIMIT" ]; then
    echo "OVER the device tool's 64 MiB limit" >&2
    return 1
  fi
}

# A minimal report when the check could not run at all.
fallback_json() {
  local out="$1" why="$2"
  [ -f "$out/gpu_check.json" ] && return 0
  python3 - "$out/gpu_check.json" "$why" <<'EOF' || printf '{"schema":"ht-gpu-check/1","errors":["%s"]}\n' "$why" >"$out/gpu_check.json"
import json, subprocess, sys
try:
    smi = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout.strip()
except Exception as e:
    smi = f"nvidia-smi failed: {e}"
json.dump({"schema": "ht-gpu-check/1", "errors": [sys.argv[2]], "nvidia_smi": smi},
          open(sys.argv[1], "w"), indent=2)
EOF
}

# xz -d, or Python's lzma where the xz tool is missing.
unxz_to() {
  if command -v xz >/dev/null; then
    xz -dc "$1" >"$2"
  else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"), 1 << 20)' "$1" "$2"
  fi
}

check() {
  local local_run="$1" out work t0 t1 unpack rc budget
  if [ "$local_run" = 1 ]; then
    out="${OUT:-/tmp/ht-gpucheck-out}"
    budget="${HT_GC_BUDGET_S:-1500}"
  else
    out="${OUT:-$ROOT/gpu_check_out}"
    budget="${HT_GC_BUDGET_S:-480}"
  fi
  mkdir -p "$out"
  rm -f "$out/gpu_check.json"
  if [ ! -f "$GC/deno.xz" ] || [ ! -f "$GC/payload.tar.xz" ]; then
    fallback_json "$out" ".gpucheck/ missing: run bash perf/gpu_check.sh --prepare and carry .gpucheck"
    echo "missing .gpucheck/deno.xz or payload.tar.xz: run --prepare (and carry .gpucheck)" >&2
    return 1
  fi
  work=/tmp/ht-gpucheck
  rm -rf "$work"
  mkdir -p "$work/xdg" "$work/deno_dir"
  chmod 700 "$work/xdg"
  t0="$(date +%s.%N)"
  if ! unxz_to "$GC/deno.xz" "$work/deno" || ! chmod +x "$work/deno"; then
    fallback_json "$out" "could not unpack .gpucheck/deno.xz"
    return 1
  fi
  if command -v xz >/dev/null; then
    tar -C "$work" -xJf "$GC/payload.tar.xz"
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' \
      "$GC/payload.tar.xz" "$work"
  fi
  t1="$(date +%s.%N)"
  unpack="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')"
  if [ "$(sha256sum "$work/deno" | cut -d' ' -f1)" != "$(cat "$work/DENO_SHA256")" ]; then
    fallback_json "$out" "unpacked deno does not match DENO_SHA256 (re-run --prepare)"
    return 1
  fi
  echo "unpacked $("$work/deno" --version | head -1) and the bundle in ${unpack} s"
  set +e
  HT_GC_UNPACK_S="$unpack" DENO_DIR="$work/deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 \
    XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work/xdg}" \
    timeout -k 10 "$((budget + 40))" \
    "$work/deno" run -A --no-config --no-lock "$work/gpu_check.js" run \
    --repo "$ROOT" --out "$out" --assets "$work" --budget "$budget" \
    $([ "$local_run" = 1 ] && echo --local) 2>&1 | tee "$out/gpu_check_console.log"
  rc="${PIPESTATUS[0]}"
  set -e
  if [ "$rc" != 0 ]; then
    fallback_json "$out" "the check exited with status $rc"
    echo "the check exited with status $rc" >&2
  fi
  echo "report: $out/gpu_check.json"
  return "$rc"
}

case "${1:-}" in
  --prepare) prepare ;;
  --local) check 1 ;;
  "" | --device) check 0 ;;
  -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
