#!/usr/bin/env bash
# Screenshots of the window on a fresh demo database under Xvfb, as a new user sees it:
#   scripts/screenshots.sh BINARY OUTDIR [SUFFIX]
# For each language (zh, en) and window size (1280x800, 1024x700) it shows the visit list, the
# problem list with a problem open, the Summary, and the search popup for 墓; files are named
# VIEW-LANG-WIDTH[SUFFIX].png and reduced to an 8-bit palette. Needs xvfb, xdotool,
# imagemagick (import) and pngquant. Positions are those of the navigation on the left.
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
suffix=${3:-}
mkdir -p "$out"
# A display number nobody else is using (another program's Xvfb must not get our clicks).
n=157
while [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
display=:$n

shot() { # NAME
    sleep "${PAUSE:-2}"
    DISPLAY=$display import -window root "$out/$1$suffix.png"
    pngquant --force --skip-if-larger --output "$out/$1$suffix.png" 256 "$out/$1$suffix.png" || true
}

click() { # X Y
    DISPLAY=$display xdotool mousemove "$1" "$2" click 1
}

for size in 1280x800 1024x700; do
    width=${size%x*}
    height=${size#*x}
    for lang in zh en; do
        home=$(mktemp -d)
        Xvfb $display -screen 0 "${size}x24" -nolisten tcp &
        xvfb=$!
        sleep 1
        HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config \
            DISPLAY=$display "$bin" --demo --lang "$lang" &
        app=$!
        sleep "${START:-12}"
        window=$(DISPLAY=$display xdotool search --pid "$app" | tail -1)
        DISPLAY=$display xdotool windowmove "$window" 0 0 windowsize "$window" "$width" "$height"
        shot "visits-$lang-$width"
        # Navigation buttons: 30 points high from y≈40 (Visits, Problems, Topics, Subjects,
        # Summary, Conflicts, Trash).
        click 60 80
        shot "problems-empty-$lang-$width"
        # The first problem of the list.
        click 420 150
        shot "problems-$lang-$width"
        click 60 170
        PAUSE=4 shot "summary-$lang-$width"
        # Down to the chart.
        DISPLAY=$display xdotool mousemove 400 500 click --repeat 8 5
        shot "summary-chart-$lang-$width"
        # The search box in the top bar (without a window manager the window needs the keyboard
        # focus given), then a one-character word with many hits.
        DISPLAY=$display xdotool windowfocus "$window"
        click 330 12
        DISPLAY=$display xdotool type --delay 150 "墓"
        shot "search-$lang-$width"
        kill "$app" || true
        wait "$app" 2>/dev/null || true
        kill "$xvfb" || true
        wait "$xvfb" 2>/dev/null || true
        rm -rf "$home"
    done
done
