#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need, and moto_server when it is
# missing. Idempotent: packages already present are not reinstalled.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl python3 python3-pip
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libboost-context1.81-dev  # the audit's tasks (src/exec) switch stacks with Boost.Context
  libcurl4-openssl-dev libssl-dev libpugixml-dev libsqlite3-dev
  libpq-dev postgresql  # the run store's PostgreSQL engine; its tests start a real server
  libcli11-dev libspdlog-dev libfmt-dev
  libkainjow-mustache-dev libyaml-cpp-dev  # the HTML report's templates; the mutelist's YAML
  chromium  # the HTML report's test loads the page in a real headless browser
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang-14 libclang-rt-14-dev  # the libFuzzer targets in fuzz/ (scripts/test.sh runs them)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# moto_server (the AWS emulator used by the tests and the demo) and the aws CLI (used to seed it).
if ! command -v moto_server >/dev/null 2>&1; then
  echo "install-deps: installing moto[server] with pip" >&2
  python3 -m pip install --quiet 'moto[server]==5.*' || \
    python3 -m pip install --quiet --break-system-packages 'moto[server]==5.*'
fi
# jsonschema validates the SARIF and OCSF reports against their published schemas in the tests.
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  echo "install-deps: installing jsonschema with pip" >&2
  python3 -m pip install --quiet jsonschema || \
    python3 -m pip install --quiet --break-system-packages jsonschema
fi
if ! command -v aws >/dev/null 2>&1; then
  echo "install-deps: installing awscli with pip" >&2
  python3 -m pip install --quiet awscli || python3 -m pip install --quiet --break-system-packages awscli
fi
