#!/usr/bin/env bash
# make screenshots: renders the example and photographs the index page and a conversation
# page at desktop width and at 390 px (a phone), with headless Chromium, into out/screenshots.
set -euo pipefail
bin="$1"
out=out/screenshots
want=()
command -v chromium >/dev/null || want+=(chromium)
fc-list 2>/dev/null | grep -qi "cjk" || want+=(fonts-noto-cjk)
if ((${#want[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${want[@]}" >/dev/null
fi
rm -rf "$out" && mkdir -p "$out"
"$bin" pack --quiet --source easemob examples/easemob/export --media examples/easemob/media \
  --people examples/easemob/people.csv -o "$out/example.tar.gz"
"$bin" render "$out/example.tar.gz" -o "$out/site" >/dev/null
site="$(cd "$out/site" && pwd)"
group=$(grep -o 'href="c/[^"]*"' "$site/index.html" | sed -n 2p | cut -d'"' -f2)
shoot() { # NAME URL WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking \
    --window-size="$3,$4" --screenshot="$out/$1.png" "$2" >/dev/null 2>&1
  echo "$out/$1.png"
}
shoot index-desktop "file://$site/index.html" 1280 900
shoot index-phone "file://$site/index.html" 390 844
shoot conversation-desktop "file://$site/$group" 1280 1600
shoot conversation-phone "file://$site/$group" 390 1600
shoot search-desktop "file://$site/search.html?q=%E6%98%A5%E6%B8%B8" 1280 900
