#!/usr/bin/env bash
# Retakes the README's screenshots (docs/screenshots/*.png) in a real terminal: xterm, 100x30,
# DejaVu Sans Mono with WenQuanYi Zen Hei for Chinese, on a virtual X display (Xvfb), once on a
# white background and once on a black one. The app runs with its default [ui] theme = "auto",
# so each picture also shows that it asked xterm for its background and chose the theme itself.
#
#   bash scripts/screenshots.sh            # writes docs/screenshots/{light,dark}-*.png
#
# Everything happens in a scratch directory (database, config and data directories): the real
# data directory and its backups are never touched. Demo data is entered with the command line,
# as an office would script it. Debian/Ubuntu packages are installed with apt-get if missing.
# Not run in CI: it needs an X server and takes about a minute.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="docs/screenshots"
COLS=100
ROWS=30

need=()
for pair in Xvfb:xvfb xterm:xterm xdotool:xdotool convert:imagemagick xwd:x11-apps; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
for pair in /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:fonts-dejavu-core \
    /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc:fonts-wqy-zenhei; do
    [ -e "${pair%%:*}" ] || need+=("${pair#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
    echo "==> installing ${need[*]} with apt-get"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${need[@]}"
fi

echo "==> cargo build --release"
cargo build --release
BIN="${CARGO_TARGET_DIR:-target}/release/zhiban"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

SCRATCH="$(mktemp -d -t zhiban-shots-XXXXXX)"
XVFB_PID=""
XTERM_PID=""
cleanup() {
    [ -n "$XTERM_PID" ] && kill "$XTERM_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# A free display number.
DISPLAY_NO=90
while [ -e "/tmp/.X${DISPLAY_NO}-lock" ]; do DISPLAY_NO=$((DISPLAY_NO + 1)); done
Xvfb ":${DISPLAY_NO}" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
export DISPLAY=":${DISPLAY_NO}"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done 2>/dev/null || sleep 1

at() { date -d "$1" '+%Y-%m-%d %H:%M'; }

# One fresh scratch home with the demo data: an office's afternoon.
seed() {
    local home="$1"
    rm -rf "$home"
    mkdir -p "$home/config" "$home/data" "$home/home"
    z() { env -i HOME="$home/home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
        LANG=C.UTF-8 PATH=/usr/bin:/bin "$BIN" --db "$home/zhiban.db" "$@"; }
    # The first leader sets their own PIN while enrolment is open; the leader enrols 张三.
    printf '135790\n135790\n' | z pin set 王五 >/dev/null 2>&1
    printf '135790\n246813\n246813\n' | z pin set 张三 --by 王五 >/dev/null
    z log add --kind 来电 --unit 县气象局 --caller 刘工 --phone 0871-12345601 \
        --content "今晚到明天有大到暴雨，局地大暴雨，请做好防范" --category 防汛抗旱 --time "$(at '-5 hours')" >/dev/null
    z log add --kind 去电 --unit 各乡镇值班室 --caller 值班员 --phone 0871-12345602 \
        --content "转发暴雨预警，要求加强值守" --category 防汛抗旱 --read-back yes --time "$(at '-270 minutes')" >/dev/null
    z log add --kind 传真 --unit 省政府办公厅 --content "关于做好节日期间值班工作的通知" --time "$(at '-4 hours')" >/dev/null
    z log add --kind 来电 --unit 县水利局 --caller 王科长 --phone 13987650001 \
        --content "明日上午召开防汛会商会，请带班领导参加" --triage 请示 --time "$(at '-3 hours')" >/dev/null
    z log add --kind 来电 --unit 东风镇值班室 --caller 赵主任 --phone 13987650002 \
        --content "镇区停电已恢复，无人员受伤" --time "$(at '-2 hours')" >/dev/null
    z log add --kind 来电 --unit 城关镇 --caller 李站长 --phone 13912345678 \
        --content "河堤出现管涌，请求派员支援" --triage 急办 --category 防汛抗旱 --time "$(at '-40 minutes')" >/dev/null
    z log add --kind 来电 --unit 市应急管理局 --caller 孙科长 --phone 0871-12345603 \
        --content "请于 17:00 前报送防汛值班表" --time "$(at '-20 minutes')" >/dev/null
    z visit add --name 张建华 --id-type 身份证 --id-number 530102198003151233 --phone 13987654321 \
        --purpose "咨询低保政策" --host 信访科 --time "$(at '-5 hours')" >/dev/null
    z visit add --name 陈丽 --id-type 身份证 --id-number 530121199207082624 --phone 13987654322 \
        --purpose "送防汛物资清单" --host 应急管理科 --employer 县供销社 --time "$(at '-50 minutes')" >/dev/null
    z visit add --name 杨国强 --id-type 身份证 --id-number 532627197501013011 --phone 13987654323 \
        --purpose "反映村道积水" --host 办公室 --people 3 --time "$(at '-15 minutes')" >/dev/null
}

# The urgent event comes in while the app is running (its banner appears on every screen).
event() {
    local home="$1"
    env -i HOME="$home/home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
        LANG=C.UTF-8 PATH=/usr/bin:/bin "$BIN" --db "$home/zhiban.db" event add --level 较大 \
        --category 事故灾难 --place "G56 杭瑞高速 K1234 处" \
        --summary "两辆货车追尾，1 人受伤被困，交警和消防已到场" >/dev/null
}

keys() { xdotool key --delay 60 "$@"; sleep 0.6; }
type_text() { xdotool type --delay 40 "$1"; sleep 0.4; }

shot() {
    local name="$1"
    sleep 1.2
    xwd -silent -id "$WID" | convert xwd:- -strip PNG8:"$OUT/$name.png"
    echo "    $OUT/$name.png"
}

mkdir -p "$OUT"
for theme in light dark; do
    if [ "$theme" = light ]; then colours=(-bg white -fg black); else colours=(-bg black -fg white); fi
    home="$SCRATCH/$theme"
    seed "$home"
    echo "==> $theme: xterm ${colours[*]}"
    xterm -geometry "${COLS}x${ROWS}" -u8 -fa "DejaVu Sans Mono" -fd "WenQuanYi Zen Hei" -fs 11 \
        "${colours[@]}" -bw 0 +sb -T "zhiban-$theme" \
        -e env -i HOME="$home/home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color "$BIN" --db "$home/zhiban.db" &
    XTERM_PID=$!
    # Mapped and shown (there is no window manager): keys go to the window under the pointer.
    WID="$(timeout 20 xdotool search --sync --onlyvisible --name "^zhiban-$theme\$" | head -1)"
    [ -n "$WID" ] || { echo "xterm did not open" >&2; exit 1; }
    xdotool mousemove --window "$WID" 20 20
    xdotool windowfocus "$WID" 2>/dev/null || true
    sleep 1.5
    # Sign in as 张三 (first in the list) with his PIN.
    keys Return
    type_text 246813
    keys Return
    sleep 1
    shot "$theme-log"
    # A new entry half typed: the form, its focused field, a required mark.
    keys n
    type_text "县水利局"
    keys Tab
    type_text "李站长"
    keys Tab
    type_text "0871-12345678"
    keys Tab
    type_text "水库水位接近汛限，请求指示"
    shot "$theme-form"
    keys Escape
    keys y
    # The urgent event arrives; the banner shows on every screen within two seconds.
    event "$home"
    sleep 2.5
    keys 3
    shot "$theme-urgent"
    keys 2
    shot "$theme-visits"
    keys 4
    keys n
    shot "$theme-handover"
    kill "$XTERM_PID" 2>/dev/null || true
    wait "$XTERM_PID" 2>/dev/null || true
    XTERM_PID=""
done
ls -l "$OUT"
