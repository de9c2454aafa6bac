#!/usr/bin/env bash
# What a session with a lent GPU runs (docs/gpu.md). A session has 15 minutes of device
# time, the machine's start included, so `all` does everything in one device call of at
# most 9 minutes, most important first, each part under its own time limit so that a
# slow one cannot starve the rest; its logs (6 files) come back even if the call is cut
# off. The other steps redo one part. Run from the repository root on the GPU machine,
# after `bash scripts/gpu_session.sh wheels` here has put the packages the device image
# lacks into .whl/ (carry .whl). Logs go to $OUT (the device tool's folder) or ./gpu_logs.
#
#   bash scripts/gpu_session.sh wheels        # here, with PyPI: download into .whl/
#   bash scripts/gpu_session.sh all           # there: all of the below, in about 8 minutes
#   bash scripts/gpu_session.sh check         # there: CPU = CUDA bit for bit on hardware,
#                                             # and the torch substrates side by side
#   bash scripts/gpu_session.sh bench-ca      # there: Life, Lenia, Flow-Lenia, cpu and cuda
#   bash scripts/gpu_session.sh bench-soup    # there: the 2^17 soup, cpu and cuda
#   bash scripts/gpu_session.sh bench-rest    # there: GARD, quines, network soups
set -euo pipefail
step=${1:-}
case "$step" in
wheels | all | check | bench-ca | bench-soup | bench-rest) ;;
*)
    echo "unknown step '$step'; valid steps are wheels, all, check, bench-ca, bench-soup, bench-rest" >&2
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
machine() {
    { nvidia-smi 2>&1; python3 -m pip list 2>/dev/null \
        | grep -i -E "^(numba|numba-cuda|cupy-cuda1[23]x|torch|numpy) "; } > "$out/machine.txt" || true
}
machine
if compgen -G ".whl/*.whl" > /dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
else
    echo "no .whl/ here: brotli and hdf5plugin must be installed already" | tee -a "$out/machine.txt"
fi
export PYTHONPATH="/tmp/site:$PWD" PYTHONUNBUFFERED=1
# each part: its name, its time limit in seconds, its log, then the command; a part
# that fails or runs out of time is noted in machine.txt and the next one starts
part() {
    local name=$1 limit=$2 log=$3 code=0
    shift 3
    local started=$SECONDS
    timeout "$limit" "$@" 2>&1 | tee -a "$out/$log" || code=$?
    local took=$((SECONDS - started))
    if [ "$code" = 0 ]; then
        echo "$name: done in $took s"
    elif [ "$code" = 124 ]; then
        echo "$name: stopped at its limit of $limit s"
    else
        echo "$name: failed with exit code $code after $took s"
    fi >> "$out/machine.txt"
}
check() { part check 220 check.txt python3 tests/cudasim_compare.py; }
torch_devices() { part torch 40 torch_devices.txt python3 scripts/compare_torch_devices.py; }
bench_soup() {
    part bench-soup 90 bench_soup.txt python3 -m alife bench soup --backend cpu --backend cuda --epochs 64
}
bench_ca() {
    part bench-ca 60 bench_ca.txt python3 -m alife bench ca --size 1024 --size 4096 --size 16384 \
        --steps 100 --repeats 2 --backend cpu --backend cuda
    part bench-lenia 30 bench_ca.txt python3 -m alife bench lenia --size 256 --size 1024 --repeats 2 \
        --backend cpu --backend cuda
    part bench-flowlenia 20 bench_ca.txt python3 -m alife bench flowlenia --size 256 --repeats 2 \
        --backend cpu --backend cuda
}
bench_rest() {
    part bench-gard 30 bench_rest.txt python3 -m alife bench gard --repeats 2 --backend cpu --backend cuda
    part bench-quine 20 bench_rest.txt python3 -m alife bench quine --backend cpu --backend cuda
    part bench-netsoup 20 bench_rest.txt python3 -m alife bench netsoup --backend cpu --backend cuda
}
case "$step" in
all)
    check
    bench_soup
    bench_ca
    bench_rest
    torch_devices
    ;;
check)
    check
    torch_devices
    ;;
bench-ca) bench_ca ;;
bench-soup) bench_soup ;;
bench-rest) bench_rest ;;
esac
