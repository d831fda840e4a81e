#!/usr/bin/env bash
# Make sure a Docker engine is running: install Debian's docker.io and
# debootstrap if missing, and start dockerd if nothing answers.  Needs root
# (or sudo) only when something must be installed or started.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  echo "ensure_docker: installing docker.io and debootstrap (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io debootstrap >/dev/null
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi
echo "ensure_docker: starting dockerd"
$SUDO sh -c 'nohup dockerd >/var/log/evalkit-dockerd.log 2>&1 &'
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 1
done
echo "ensure_docker: dockerd did not come up; see /var/log/evalkit-dockerd.log" >&2
exit 1
