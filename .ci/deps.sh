#!/usr/bin/env bash
# Installs what the machine lacks for one purpose. Run as root it installs Debian packages itself;
# otherwise it says what to install. Idempotent and quiet when all is present.
#   deps.sh build   patchelf and g++, only where libstdc++ predates GLIBCXX_3.4.32 (TorchSharp's
#                   libLibTorchSharp.so is patched at build time, build/torchsharp-glibcxx); without
#                   them the build still succeeds, only training cannot load libtorch: a note, not an error
#   deps.sh test    a real InfluxDB 1.x server and docker-compose, for the tests
# `make run` calls neither: the demo needs only the .NET SDK.
set -euo pipefail

purpose=${1:-build}
missing=()

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is required: https://dot.net" >&2
  exit 1
fi

case "$purpose" in
  build)
    libstdcxx=$(ls /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 2>/dev/null | head -n 1 || true)
    if [ -n "$libstdcxx" ] && ! grep -qa "GLIBCXX_3.4.32" "$libstdcxx"; then
      command -v patchelf >/dev/null 2>&1 || missing+=(patchelf)
      command -v g++ >/dev/null 2>&1 || missing+=(g++)
    fi
    ;;
  test)
    # A real InfluxDB 1.x server for the integration tests (started on 127.0.0.1 by the tests).
    [ -x /usr/bin/influxd ] || [ -x /usr/local/bin/influxd ] || missing+=(influxdb)
    # docker-compose.yml is validated with `docker-compose config` (no Docker engine is needed for that).
    command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
    ;;
  *)
    echo "usage: $0 build|test" >&2
    exit 1
    ;;
esac

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  if [ "$purpose" = build ]; then
    echo "note: ${missing[*]} missing: train, evaluate oath and export will not load libtorch on this libstdc++ until they are installed (run 'make deps' as root) and the build is run again" >&2
    exit 0
  fi
  echo "error: missing packages: ${missing[*]} (run 'make test' as root, or install them)" >&2
  exit 1
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts the packaged InfluxDB service on install; the tests run their own servers on free
# ports. Stop that service only, the way it was started, never other influxd processes (a user's
# own server included).
if [[ " ${missing[*]} " == *" influxdb "* ]]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl stop influxdb 2>/dev/null || true
  elif [ -x /etc/init.d/influxdb ]; then
    # The init script stops the process of its pidfile (/var/run/influxdb/influxd.pid) only.
    /etc/init.d/influxdb stop >/dev/null 2>&1 || true
  fi
fi
