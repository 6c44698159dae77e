#!/usr/bin/env bash
# Regenerate fixtures/darknet/reference/ with darknet itself (AlexeyAB/darknet, CPU build).
#
#   scripts/darknet-reference.sh DARKNET_SOURCE [DATA_DIR]
#
# DARKNET_SOURCE: a darknet git repository (bare or not; its HEAD is used) or a plain source
# folder. It is copied to a temporary folder outside this repository and built there with
# GPU=0 CUDNN=0 OPENCV=0 OPENMP=1, AVX=1 when the CPU has AVX2 (else AVX=0); nothing of
# darknet is written into this repository, only what it prints (see the README there).
# DATA_DIR: where the .weights of the two Yolo-Fastest models are (default: the project's
# shared data beside the repository, ../shared/data; fixtures/yolo-fastest/ is used first).
#
# Needs gcc, g++, make, node (after `pnpm install`; sharp is not needed).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:?usage: scripts/darknet-reference.sh DARKNET_SOURCE [DATA_DIR]}"
data="${2:-$repo/../shared/data}"
out="$repo/fixtures/darknet/reference"
work="$(mktemp -d /tmp/darknet-reference.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# 1. darknet, outside the repository
if git --git-dir="$src" rev-parse HEAD >/dev/null 2>&1; then gitdir="$src";
elif git -C "$src" rev-parse HEAD >/dev/null 2>&1; then gitdir="$(git -C "$src" rev-parse --absolute-git-dir)";
else gitdir=""; fi
if [ -n "$gitdir" ]; then
  commit="$(git --git-dir="$gitdir" rev-parse HEAD)"
  git --git-dir="$gitdir" archive --prefix=darknet/ HEAD | tar -x -C "$work"
else
  commit="unknown (not a git repository: $src)"
  cp -r "$src" "$work/darknet"
fi
avx=0
grep -q ' avx2' /proc/cpuinfo && avx=1
flags="GPU=0 CUDNN=0 CUDNN_HALF=0 OPENCV=0 AVX=$avx OPENMP=1 LIBSO=0 DEBUG=0"
echo "darknet $commit: make $flags" >&2
(cd "$work/darknet" && make -j"$(nproc)" $flags >"$work/build.log" 2>&1) || { tail -20 "$work/build.log" >&2; exit 1; }
# Our helper (scripts/darknet-reference-dump.c) linked against darknet's objects.
(cd "$work/darknet" && gcc -Iinclude -Isrc -I3rdparty/stb/include -O2 -fopenmp -o "$work/dump" \
  "$repo/scripts/darknet-reference-dump.c" $(ls obj/*.o | grep -v '^obj/darknet\.o$') -lm -pthread -lgomp -lstdc++) 2>>"$work/build.log"

# 2. layer tables and per-layer JSON, at each cfg's own input size
export DARKNET_COMMIT="$commit" DARKNET_FLAGS="$flags"
mkdir -p "$out"
printf 'classes=80\nnames=%s\n' "$repo/fixtures/darknet/coco.names" >"$work/coco.data"
printf 'classes=20\nnames=%s\n' "$repo/fixtures/darknet/voc.names" >"$work/voc.data"
weights_of() { # the .weights of a Yolo-Fastest model, or nothing
  for d in "$repo/fixtures/yolo-fastest" "$data/yolo-fastest"; do
    if [ -f "$d/$1.weights" ]; then echo "$d/$1.weights"; return 0; fi
  done
  return 0
}
for cfg in fixtures/darknet/yolov3.cfg fixtures/darknet/yolov3-tiny.cfg fixtures/darknet/yolov3-voc.cfg \
           fixtures/darknet/yolov4.cfg fixtures/darknet/yolov4-tiny.cfg fixtures/darknet/yolov4-csp.cfg \
           fixtures/darknet/yolov7-tiny.cfg fixtures/yolo-fastest/yolo-fastest-1.1.cfg fixtures/yolo-fastest/yolo-fastest-1.1-xl.cfg; do
  name="$(basename "$cfg" .cfg)"
  dataf="$work/coco.data"; [ "$name" = yolov3-voc ] && dataf="$work/voc.data"
  # `detector test` without an image: parses the network (batch 1), prints the table, reads no image (stdin is empty).
  (cd "$work/darknet" && ./darknet detector test "$dataf" "$repo/$cfg" -dont_show </dev/null >"$work/$name.table.out" 2>"$work/$name.table.err")
  w="$(weights_of "$name")"
  if [ -n "$w" ]; then
    "$work/dump" "$repo/$cfg" "$work/$name.raw.json" "$w" "$work/$name.resaved.weights" >"$work/$name.dump.out" 2>"$work/$name.dump.err"
    node "$repo/scripts/darknet-reference-format.mjs" layers "$name" "$repo/$cfg" "$work" "$out" "$w"
  else
    "$work/dump" "$repo/$cfg" "$work/$name.raw.json" >"$work/$name.dump.out" 2>"$work/$name.dump.err"
    node "$repo/scripts/darknet-reference-format.mjs" layers "$name" "$repo/$cfg" "$work" "$out"
  fi
done

# 3. darknet's detector with the real Yolo-Fastest weights on the photos
for model in yolo-fastest-1.1-xl yolo-fastest-1.1; do
  w="$(weights_of "$model")"
  [ -n "$w" ] || { echo "no $model.weights in fixtures/yolo-fastest or $data/yolo-fastest: detections not regenerated" >&2; continue; }
  for photo in dog eagle horses person; do
    img="$repo/fixtures/images/$photo.jpg"
    args=(detector test "$work/coco.data" "$repo/fixtures/yolo-fastest/$model.cfg" "$w" "$img" -letter_box -thresh 0.25 -ext_output -dont_show -out "$work/$model.$photo.out.json")
    (cd "$work/darknet" && ./darknet "${args[@]}" >"$work/$model.$photo.stdout" 2>"$work/$model.$photo.stderr")
    size="$("$work/dump" --letterbox "$img" 320 320 "$work/$photo.input.f32")"
    shown="./darknet ${args[*]}"; shown="${shown//$w/$model.weights}"; shown="${shown//$work\//}"; shown="${shown//$repo\//}"
    node "$repo/scripts/darknet-reference-format.mjs" detections "$model" "$photo" "$size" "$work" "$out" "$shown"
  done
done
echo "wrote $out" >&2
