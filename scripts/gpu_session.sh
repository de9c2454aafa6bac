#!/usr/bin/env bash
# What a session with a lent GPU runs (docs/gpu.md), one step per device call, each well
# inside a call's 10 minutes. Run from the repository root on the GPU machine, after
# `bash scripts/gpu_session.sh wheels` here has put the packages the device image lacks
# into .whl/ (carry .whl). Logs go to $OUT (the device tool's folder) or ./gpu_logs.
#
#   bash scripts/gpu_session.sh wheels        # here, with PyPI: download into .whl/
#   bash scripts/gpu_session.sh check         # there: CPU = CUDA bit for bit on hardware,
#                                             # and the torch substrates side by side
#   bash scripts/gpu_session.sh bench-ca      # there: Life, Lenia, Flow-Lenia, cpu and cuda
#   bash scripts/gpu_session.sh bench-soup    # there: the 2^17 soup, cpu and cuda
#   bash scripts/gpu_session.sh bench-rest    # there: GARD, quines, network soups
set -euo pipefail
step=${1:-}
case "$step" in
wheels | check | bench-ca | bench-soup | bench-rest) ;;
*)
    echo "unknown step '$step'; valid steps are wheels, check, bench-ca, bench-soup, bench-rest" >&2
    exit 2
    ;;
esac
if [ "$step" = wheels ]; then
    # brotli and hdf5plugin (alife's own needs), dask, distributed and dask-cuda (GPU
    # sweeps) with what they need beyond the image (rapids-dask-dependency, a version
    # pin only, is left out)
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 --platform manylinux1_x86_64 --platform any -d .whl \
        brotli hdf5plugin dask distributed locket partd tblib tornado zict dask-cuda
    exit
fi
out=${OUT:-gpu_logs}
mkdir -p "$out"
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
export PYTHONPATH="/tmp/site:$PWD" PYTHONUNBUFFERED=1
alife() { python3 -m alife "$@"; }
case "$step" in
check)
    nvidia-smi > "$out/nvidia-smi.txt"
    python3 -m pip list 2>/dev/null | grep -i -E "^(numba|numba-cuda|cupy-cuda1[23]x|torch|numpy) " \
        | tee "$out/versions.txt" || true
    python3 tests/cudasim_compare.py 2>&1 | tee "$out/check.txt"
    python3 scripts/compare_torch_devices.py 2>&1 | tee "$out/torch_devices.txt"
    ;;
bench-ca)
    alife bench ca --size 1024 --size 4096 --size 16384 --steps 100 --repeats 2 \
        --backend cpu --backend cuda 2>&1 | tee "$out/bench_ca.txt"
    alife bench lenia --size 256 --size 1024 --repeats 2 --backend cpu --backend cuda \
        2>&1 | tee "$out/bench_lenia.txt"
    alife bench flowlenia --size 256 --repeats 2 --backend cpu --backend cuda \
        2>&1 | tee "$out/bench_flowlenia.txt"
    ;;
bench-soup)
    alife bench soup --backend cpu --backend cuda --epochs 64 \
        2>&1 | tee "$out/bench_soup.txt"
    ;;
bench-rest)
    alife bench gard --repeats 2 --backend cpu --backend cuda 2>&1 | tee "$out/bench_gard.txt"
    alife bench quine --backend cpu --backend cuda 2>&1 | tee "$out/bench_quine.txt"
    alife bench netsoup --backend cpu --backend cuda 2>&1 | tee "$out/bench_netsoup.txt"
    ;;
esac
