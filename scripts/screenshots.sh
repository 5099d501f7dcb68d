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
# The group's overview and media pages (its directory is the group page's), at both widths.
folder="$site/$(dirname "$group")"
shoot overview-desktop "file://$folder/overview.html" 1280 2000
shoot overview-phone "file://$folder/overview.html" 390 2400
shoot gallery-desktop "file://$folder/gallery.html" 1280 1100
shoot gallery-phone "file://$folder/gallery.html" 390 1600
shoot bundle-overview-desktop "file://$site/overview.html" 1280 1600
# A year of a generated school group, so that the charts have a year to show.
python3 scripts/gen-easemob-corpus.py --messages 20000 --conversations 6 --days 365 --media-share 0.05 \
  --seed 3 --out "$out/year" >/dev/null
"$bin" pack --quiet --source easemob "$out/year/export" --media "$out/year/media" -o "$out/year.tar.gz"
"$bin" render "$out/year.tar.gz" -o "$out/year-site" --lang en >/dev/null
year="$(cd "$out/year-site" && pwd)"
busiest=$(ls -S "$year"/c/*/overview.html | head -1)
shoot year-overview-desktop "file://$busiest" 1280 2600
shoot year-overview-phone "file://$busiest" 390 3200
