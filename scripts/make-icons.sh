#!/usr/bin/env bash
# Renders the application icon (assets/icons/zoufang.svg) to the PNG sizes the hicolor theme
# and the window use. The PNGs are committed; run this after changing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../assets/icons"
for size in 48 128 256; do
  rsvg-convert --width "$size" --height "$size" zoufang.svg --output "zoufang-${size}.png"
done
ls -l zoufang-*.png
