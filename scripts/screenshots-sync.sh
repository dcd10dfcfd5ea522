#!/usr/bin/env bash
# Screenshots of File → 同步文件夹… under Xvfb at 1280×800: two colleagues' demo databases sync
# into a fresh folder, then the window on a third syncs with it.
#   scripts/screenshots-sync.sh BINARY OUTDIR [LANG]
# Writes sync-dialog-LANG.png (the dialog, folder typed) and sync-LANG.png (the status line
# after the sync). Needs xvfb, xdotool, imagemagick (import) and pngquant. Positions are those
# of the File menu at the top left and of the dialog, centred.
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
lang=${3:-zh}
mkdir -p "$out"
work=$(mktemp -d)
mkdir "$work/team"
for who in 王敏 赵兰; do
    "$bin" --db "$work/$who.sqlite" author "$who" >/dev/null
    "$bin" --db "$work/$who.sqlite" demo --visits 12 --seed "${#who}$RANDOM" >/dev/null
    "$bin" --db "$work/$who.sqlite" sync "$work/team" >/dev/null
done
"$bin" --db "$work/lead.sqlite" author 李强 >/dev/null
"$bin" --db "$work/lead.sqlite" demo --visits 30 >/dev/null

n=157
while [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
display=:$n
shot() { # NAME
    sleep "${PAUSE:-2}"
    DISPLAY=$display import -window root "$out/$1.png"
    pngquant --force --skip-if-larger --output "$out/$1.png" 256 "$out/$1.png" || true
}
click() { # X Y
    DISPLAY=$display xdotool mousemove "$1" "$2" click 1
}
Xvfb $display -screen 0 1280x800x24 -nolisten tcp &
xvfb=$!
sleep 1
HOME=$work XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config \
    DISPLAY=$display "$bin" --db "$work/lead.sqlite" --lang "$lang" &
app=$!
sleep "${START:-12}"
window=$(DISPLAY=$display xdotool search --pid "$app" | tail -1)
DISPLAY=$display xdotool windowmove "$window" 0 0 windowsize "$window" 1280 800
sleep 1
DISPLAY=$display xdotool windowfocus "$window"
# File, then its sixth item (同步文件夹… / Sync folder…).
click 22 12
sleep 1
click 55 141
sleep 1
# The folder field of the centred dialog.
click 600 397
DISPLAY=$display xdotool type --delay 50 "$work/team"
shot "sync-dialog-$lang"
# 开始同步 / Sync now, at the dialog's bottom left.
click 420 470
PAUSE=4 shot "sync-$lang"
kill "$app" "$xvfb"
rm -rf "$work"
