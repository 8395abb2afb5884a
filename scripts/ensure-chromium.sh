#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (tests/browser/), and says which one.
# A fresh CI machine has none; the package comes from Debian's archive (no browser download of our own).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else
    echo "ensure-chromium: $CHROMIUM is missing and we are not root: install the Debian package 'chromium'" >&2; exit 1; fi
  echo "ensure-chromium: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
"$CHROMIUM" --version 2>/dev/null | head -n1
