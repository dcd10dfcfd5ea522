#!/usr/bin/env bash
# make-font-subset.sh - builds assets/fonts/NotoSansSC-Zoufang-Subset.otf, the CJK font bundled with Zoufang.
#
# Why it exists: Zoufang's UI is Chinese-first, but egui ships no CJK glyphs and the app must not depend
# on whatever fonts a machine happens to have. The full Noto Sans CJK collection is ~19 MB, so we bundle
# a subset of its Simplified Chinese face: ASCII + Latin-1, general punctuation, CJK symbols and
# punctuation, fullwidth forms, all of GB 2312 and the 8,105 characters of the 2013 Table of General
# Standard Chinese Characters (assets/fonts/tongyong-guifan-8105.txt). See assets/fonts/README.md.
#
# It installs what it needs (Debian's fonts-noto-cjk, fontTools from PyPI at a pinned version) and is
# deterministic: rerunning it on the same fonts-noto-cjk gives a byte-identical font.
#
# Usage: bash scripts/make-font-subset.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
FAMILY="Noto Sans CJK SC"               # the face we want inside the collection (index 2 in Debian's file)
EXPECTED_DEB_VERSION="1:20220127+repack1-1"
FONTTOOLS_VERSION=4.60.1                # pinned: another fontTools may write different (if equivalent) bytes
TOOLS="${ZOUFANG_FONTTOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zoufang/fonttools-$FONTTOOLS_VERSION}"
LIST="$ROOT/assets/fonts/tongyong-guifan-8105.txt"
OUT="$ROOT/assets/fonts/NotoSansSC-Zoufang-Subset.otf"

say() { echo "make-font-subset: $*" >&2; }

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    "${sudo_cmd[@]}" apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
}

# 1. The source font, from Debian.
if [ ! -f "$SRC" ]; then
  say "installing fonts-noto-cjk"
  apt_install fonts-noto-cjk
fi
deb_version="$(dpkg-query -W -f='${Version}' fonts-noto-cjk 2>/dev/null || echo unknown)"
if [ "$deb_version" != "$EXPECTED_DEB_VERSION" ]; then
  say "warning: fonts-noto-cjk is $deb_version, the committed font was made from $EXPECTED_DEB_VERSION;"
  say "         the output will differ from the committed file"
fi

# 2. Python and fontTools (pinned, installed into a private directory so no system Python is touched).
command -v python3 >/dev/null || { say "installing python3"; apt_install python3; }
if ! PYTHONPATH="$TOOLS" python3 -c "import sys, fontTools; sys.exit(fontTools.version != '$FONTTOOLS_VERSION')" 2>/dev/null; then
  python3 -m pip --version >/dev/null 2>&1 || { say "installing python3-pip"; apt_install python3-pip; }
  say "installing fonttools==$FONTTOOLS_VERSION into $TOOLS"
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS"
  python3 -m pip install --quiet --no-input --disable-pip-version-check --root-user-action=ignore \
    --target "$TOOLS" "fonttools==$FONTTOOLS_VERSION" >&2
fi
export PYTHONPATH="$TOOLS"
export SOURCE_DATE_EPOCH=0   # belt and braces: fontTools only stamps the time when asked to, and we do not ask

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 3. Find the SC face by reading each face's name table, rather than trusting an index.
face="$(python3 - "$SRC" "$FAMILY" <<'PY'
import sys
from fontTools.ttLib import TTCollection
src, family = sys.argv[1], sys.argv[2]
found = []
for i, font in enumerate(TTCollection(src, lazy=True).fonts):
    name = font["name"]
    if name.getDebugName(1) == family and name.getDebugName(2) == "Regular":
        found.append(i)
if len(found) != 1:
    sys.exit(f"make-font-subset: expected one face named {family!r} Regular in {src}, found {found}")
print(found[0])
PY
)"
say "source: $SRC face $face ($FAMILY), fonts-noto-cjk $deb_version"
[ "$face" = 2 ] || say "note: $FAMILY is face $face here, not 2 as in Debian 12"

# 4. The code points to keep.
python3 - "$LIST" "$work/unicodes.txt" <<'PY'
import sys
list_path, out_path = sys.argv[1], sys.argv[2]
cps = set()
def span(a, b):
    cps.update(range(a, b + 1))
span(0x20, 0x7E)        # ASCII printable
span(0xA0, 0xFF)        # Latin-1 printable
span(0x2000, 0x206F)    # General Punctuation
span(0x3000, 0x303F)    # CJK Symbols and Punctuation
span(0xFF00, 0xFFEF)    # Halfwidth and Fullwidth Forms
for hi in range(0xA1, 0xFF):          # every valid 2-byte GB 2312 code
    for lo in range(0xA1, 0xFF):
        try:
            cps.update(map(ord, bytes([hi, lo]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
chars = [l.strip() for l in open(list_path, encoding="utf-8")]
chars = [c for c in chars if c and not c.startswith("#")]
if len(chars) != 8105 or len(set(chars)) != 8105 or any(len(c) != 1 for c in chars):
    sys.exit(f"make-font-subset: {list_path} should hold 8105 distinct single characters")
cps.update(map(ord, chars))
# Asked for by name, plus pinyin letters and a few signs a Chinese UI uses (kept when the font has them).
cps.update(map(ord, "殡葬镕堃珺·、。，！？：；“”‘’（）【】《》…—～"))
cps.update(map(ord, "āáǎàēéěèêīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ€™℃№"))
with open(out_path, "w", encoding="ascii") as f:
    f.writelines(f"U+{cp:04X}\n" for cp in sorted(cps))
print(f"make-font-subset: {len(cps)} code points requested", file=sys.stderr)
PY

# 5. Subset. Hinting is dropped (egui rasterises unhinted), layout features are cut to 'kern' (egui does
#    not shape text; 'locl'/'ccmp'/'vert' would pull in ~7,000 extra glyphs), vertical-writing tables go.
#    Name records 0-14 stay, so the copyright, trademark and licence notices travel inside the file.
python3 -m fontTools.subset "$SRC" \
  --font-number="$face" \
  --unicodes-file="$work/unicodes.txt" \
  --output-file="$work/out.otf" \
  --no-hinting \
  --layout-features=kern \
  --drop-tables+=vhea,vmtx,VORG \
  --name-IDs='*' \
  --notdef-outline \
  --no-recalc-timestamp
mkdir -p "$(dirname "$OUT")"
mv "$work/out.otf" "$OUT"

# 6. Report, and check the coverage.
python3 - "$OUT" <<'PY'
import os, sys, hashlib
from fontTools.ttLib import TTFont
path = sys.argv[1]
font = TTFont(path)
data = open(path, "rb").read()
print(f"make-font-subset: wrote {os.path.relpath(path)}: {len(data)} bytes, "
      f"{font['maxp'].numGlyphs} glyphs, {len(font.getBestCmap())} characters, "
      f"sha256 {hashlib.sha256(data).hexdigest()}", file=sys.stderr)
PY
python3 "$ROOT/scripts/check-font-coverage.py" "$OUT"
