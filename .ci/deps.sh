#!/usr/bin/env bash
# Installs what the build and tests need and the machine lacks. Run as root it installs Debian
# packages itself; otherwise it says what to install. Idempotent and quiet when all is present.
set -euo pipefail

missing=()

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required: https://dot.net" >&2
  exit 1
fi

# TorchSharp 0.107 needs GLIBCXX_3.4.32; where libstdc++ is older (Debian 12) the build patches
# its copy of libLibTorchSharp.so with patchelf and a g++-built shim (build/torchsharp-glibcxx).
libstdcxx=$(ls /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 2>/dev/null | head -n 1 || true)
if [ -n "$libstdcxx" ] && ! grep -qa "GLIBCXX_3.4.32" "$libstdcxx"; then
  command -v patchelf >/dev/null 2>&1 || missing+=(patchelf)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
fi

# A real InfluxDB 1.x server for the integration tests (started on 127.0.0.1 by the tests).
[ -x /usr/bin/influxd ] || [ -x /usr/local/bin/influxd ] || missing+=(influxdb)

# docker-compose.yml is validated with `docker-compose config` (no Docker engine is needed for that).
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts the packaged service; the tests run their own servers on free ports.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop influxdb 2>/dev/null || true; fi
  pkill -x influxd 2>/dev/null || true
else
  echo "error: missing packages: ${missing[*]} (run 'make test' as root, or install them)" >&2
  exit 1
fi
