#!/usr/bin/env bash
# The service's main job on embedded defaults. Until the audit engine lands this builds and starts
# the server in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/dspm-audit serve
