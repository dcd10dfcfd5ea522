#!/usr/bin/env bash
# Installs the Debian packages Zoufang needs to build, test and open its window, once.
# Both README commands call this, so a fresh Debian machine needs nothing done by hand.
set -euo pipefail

packages=(
  build-essential pkg-config
  # run-time libraries of the window (X11/Wayland, software OpenGL)
  libx11-6 libx11-xcb1 libxrandr2 libxcursor1 libxi6 libxkbcommon0 libxkbcommon-x11-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libgl1 libglx-mesa0 libgl1-mesa-dri libegl1
  # native file dialogs fall back to zenity when no desktop portal runs
  zenity
  # the tests read the database with the distribution's SQLite (tests/sqlite_compat.rs)
  sqlite3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "zoufang setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
