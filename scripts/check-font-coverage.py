#!/usr/bin/env python3
"""Checks that Zoufang's bundled CJK font covers the characters it must.

Reads the font's cmap with fontTools and counts how many of these it maps:
  - the 8,105 characters of the Table of General Standard Chinese Characters
    (assets/fonts/tongyong-guifan-8105.txt),
  - every character of GB 2312 (all valid 2-byte codes, decoded with Python's gb2312 codec),
  - printable ASCII and the punctuation/characters the UI names explicitly.
Exits 1 if any is missing, 2 if it cannot run.

Usage: python3 scripts/check-font-coverage.py [FONT]
       (default FONT: assets/fonts/NotoSansSC-Zoufang-Subset.otf)
fontTools comes from PyPI (pip install fonttools); scripts/make-font-subset.sh installs it too.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FONT = ROOT / "assets/fonts/NotoSansSC-Zoufang-Subset.otf"
LIST_8105 = ROOT / "assets/fonts/tongyong-guifan-8105.txt"
FONTTOOLS_VERSION = "4.60.1"  # the version make-font-subset.sh installs into its private directory
EXPLICIT = "殡葬镕堃珺·、。，！？：；“”‘’（）【】《》…—～"

try:
    from fontTools.ttLib import TTFont
except ImportError:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tools = os.environ.get("ZOUFANG_FONTTOOLS_DIR") or str(cache / f"zoufang/fonttools-{FONTTOOLS_VERSION}")
    sys.path.insert(0, tools)
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        print("check-font-coverage: fontTools is missing: pip install fonttools "
              "(or run bash scripts/make-font-subset.sh, which installs it)", file=sys.stderr)
        sys.exit(2)


def load_8105():
    chars = [line.strip() for line in LIST_8105.open(encoding="utf-8")]
    return [c for c in chars if c and not c.startswith("#")]


def gb2312_chars():
    chars = []
    for hi in range(0xA1, 0xFF):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def main():
    font_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FONT
    if not font_path.is_file():
        print(f"check-font-coverage: no font at {font_path}", file=sys.stderr)
        return 2
    cmap = TTFont(font_path, lazy=True).getBestCmap()

    tongyong = load_8105()
    if len(tongyong) != 8105 or len(set(tongyong)) != 8105:
        print(f"check-font-coverage: {LIST_8105} holds {len(tongyong)} entries "
              f"({len(set(tongyong))} distinct), expected 8105", file=sys.stderr)
        return 2
    gb = gb2312_chars()
    gb_hanzi = [c for c in gb if "\u4e00" <= c <= "\u9fff"]
    sets = [
        ("通用规范汉字表 (8105)", tongyong),
        ("GB 2312, all characters", gb),
        ("GB 2312, hanzi", gb_hanzi),
        ("ASCII printable", [chr(c) for c in range(0x20, 0x7F)]),
        ("named punctuation/characters", list(dict.fromkeys(EXPLICIT))),
    ]

    print(f"font: {os.path.relpath(font_path)} ({font_path.stat().st_size} bytes, "
          f"{len(cmap)} characters in cmap)")
    failed = False
    for label, chars in sets:
        missing = [c for c in chars if ord(c) not in cmap]
        print(f"{label}: {len(chars) - len(missing)}/{len(chars)} covered")
        if missing:
            failed = True
            shown = " ".join(f"{c}(U+{ord(c):04X})" for c in missing[:40])
            more = f" ... and {len(missing) - 40} more" if len(missing) > 40 else ""
            print(f"  missing: {shown}{more}")
    print("coverage: FAILED" if failed else "coverage: OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
