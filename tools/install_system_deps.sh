#!/usr/bin/env bash
# Debian packages the workstation needs beside its Python wheels: the libraries
# Qt loads at run time (window system, OpenGL, fonts, sound for QtMultimedia),
# Xvfb for screenshots, poppler-utils (pdfsig, pdftotext, pdfdetach) to check signed
# reports and libnss3-tools (certutil) to make pdfsig trust the organisation CA.
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail

packages=(
  libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libx11-xcb1 libpulse0 libpulse-mainloop-glib0
  fonts-dejavu-core xvfb xauth poppler-utils libnss3-tools
)

command -v dpkg-query >/dev/null 2>&1 || { echo "not a Debian-based system: install the Qt 6 runtime libraries yourself" >&2; exit 0; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing system packages (install them as root): sudo apt-get install ${missing[*]}" >&2
fi
