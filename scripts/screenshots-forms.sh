#!/usr/bin/env bash
# Screenshots of forms in the window under Xvfb, as a new user sees them:
#   scripts/screenshots-forms.sh BINARY OUTDIR
# Makes a small demo database with the command line (30 visits, the safety checklist filled on
# one with two failing items, 20 satisfaction questionnaires), then for each language (zh, en)
# and window size (1280x800, 1024x700) shows the Forms view with a form's responses, its
# results, and a checklist response open in the editor; files are named
# forms-VIEW-LANG-WIDTH.png and reduced to an 8-bit palette. Needs xvfb, xdotool, imagemagick
# (import) and pngquant. Positions are those of the layout at these sizes.
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
mkdir -p "$out"
n=157
while [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
display=:$n
work=$(mktemp -d)
db=$work/base.sqlite

z() { "$bin" --db "$db" "$@"; }
z demo --visits 30 >/dev/null
z author 王敏 >/dev/null
z form import --builtin care_home_safety >/dev/null
z form import --builtin visit_satisfaction >/dev/null
mapfile -t visits < <(z list visits --json | python3 -c \
    "import json, sys; [print(v['id']) for v in json.load(sys.stdin)]")
cat >"$work/care.json" <<'JSON'
{"inst_name": "城南敬老院", "inst_kind": "nursing_home", "residents": "86", "caregivers": "9",
 "ratio_ok": "no", "extinguishers_ok": "no", "exits_clear": "yes", "drill_done": "yes",
 "drill_date": "2026-10-15", "wiring_ok": "yes", "gas_ok": "yes", "samples_kept": "yes",
 "has_lift": "yes", "lift_inspected": "yes", "files_complete": "yes", "plan_in_place": "yes",
 "other_hazards": "storage", "hazard_details": "二楼走廊杂物堆放", "remarks": "院长陪同检查"}
JSON
z response add --form care_home_safety --visit "${visits[0]}" --answers "$work/care.json" >/dev/null
scores=(5 4 4 3 5 2 4 1 5 4 3 4 5 2 4 3 5 4 1 4)
for i in $(seq 0 19); do
    overall=${scores[$i]}
    extra=()
    if [ "$overall" -le 2 ]; then extra=(--answer "dissatisfied_reason=办事要跑多次"); fi
    z response add --form visit_satisfaction --visit "${visits[$((i + 1))]}" \
        --answer "attitude=${scores[$(((i + 3) % 20))]}" \
        --answer "efficiency=${scores[$(((i + 7) % 20))]}" \
        --answer "policy_known=$([ $((i % 3)) = 0 ] && echo well || echo some)" \
        --answer "overall=$overall" --answer "recommend=$((overall * 2))" "${extra[@]}" >/dev/null
done

shot() { # NAME
    sleep "${PAUSE:-2}"
    DISPLAY=$display import -window root "$out/$1.png"
    pngquant --force --skip-if-larger --output "$out/$1.png" 256 "$out/$1.png" || true
}

click() { # X Y, then a pause so the next click meets the new layout
    DISPLAY=$display xdotool mousemove "$1" "$2" click 1
    sleep 1
}

for size in 1280x800 1024x700; do
    width=${size%x*}
    height=${size#*x}
    for lang in zh en; do
        home=$(mktemp -d)
        cp "$db" "$home/db.sqlite"
        Xvfb $display -screen 0 "${size}x24" -nolisten tcp &
        xvfb=$!
        sleep 1
        HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config \
            DISPLAY=$display "$bin" --db "$home/db.sqlite" --lang "$lang" &
        app=$!
        sleep "${START:-10}"
        window=$(DISPLAY=$display xdotool search --pid "$app" | tail -1)
        DISPLAY=$display xdotool windowmove "$window" 0 0 windowsize "$window" "$width" "$height"
        # Navigation: 33 points a button from y≈50; Forms is the sixth.
        click 60 215
        # The second form of the list (the questionnaire), its responses.
        click 200 151
        shot "forms-responses-$lang-$width"
        # Its results (the tab beside Responses).
        if [ "$lang" = zh ]; then click 196 184; else click 222 184; fi
        shot "forms-results-$lang-$width"
        # The checklist, its responses, the first one open in the editor.
        click 200 125
        if [ "$lang" = zh ]; then click 156 184; else click 172 184; fi
        click 260 296
        shot "forms-fill-$lang-$width"
        kill "$app" || true
        wait "$app" 2>/dev/null || true
        kill "$xvfb" || true
        wait "$xvfb" 2>/dev/null || true
        rm -rf "$home"
    done
done
rm -rf "$work"
