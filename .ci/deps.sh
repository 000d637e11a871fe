#!/usr/bin/env bash
# Installs what the build and tests need and the machine lacks. Run as root it installs Debian
# packages itself; otherwise it says what to install. Idempotent and quiet when all is present.
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required: https://dot.net" >&2
  exit 1
fi

# Debian packages used by later test suites are added here as the project grows.
need gzip gzip

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "error: missing packages: ${missing[*]} (run 'make test' as root, or install them)" >&2
  exit 1
fi
