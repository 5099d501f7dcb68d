#!/usr/bin/env bash
# Installs the Debian packages a make target needs, only when something is missing,
# so that `make demo` and `make test` work on a fresh machine with just the Swift toolchain.
set -euo pipefail

want=()
case "${1:-build}" in
  build)
    pkg-config --exists libarchive 2>/dev/null || want+=(libarchive-dev)
    pkg-config --exists zlib 2>/dev/null || want+=(zlib1g-dev)
    pkg-config --exists sqlite3 2>/dev/null || want+=(libsqlite3-dev)
    command -v pkg-config >/dev/null || want+=(pkg-config)
    ;;
  test)
    command -v tar >/dev/null || want+=(tar)
    # The tar differential test reads bundles with bsdtar beside GNU tar and Python.
    command -v bsdtar >/dev/null || want+=(libarchive-tools)
    command -v gzip >/dev/null || want+=(gzip)
    python3 -c 'import jsonschema' 2>/dev/null || want+=(python3-jsonschema)
    command -v chromium >/dev/null || want+=(chromium)
    # The accessibility tests drive Chromium through selenium and chromedriver.
    command -v chromedriver >/dev/null || want+=(chromium-driver)
    command -v pdftotext >/dev/null || want+=(poppler-utils)
    # The printed certificate and transcripts are Chinese: a CJK font, so the PDF holds the text.
    { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || want+=(fonts-noto-cjk)
    # export pdf: emoji in messages print as emoji, not as empty boxes.
    { command -v fc-list >/dev/null && fc-list | grep -qi "color emoji"; } || want+=(fonts-noto-color-emoji)
    command -v python3 >/dev/null || want+=(python3)
    # export csv: a test opens the CSV in LibreOffice and reads the xlsx back with unzip.
    command -v soffice >/dev/null || command -v libreoffice >/dev/null || want+=(libreoffice-calc-nogui)
    command -v unzip >/dev/null || want+=(unzip)
    # RFC 3161 timestamps: openssl makes the test CA and TSA certificates and answers as the TSA.
    command -v openssl >/dev/null || want+=(openssl)
    # export sql: a test loads the script into a PostgreSQL server it starts on 127.0.0.1.
    # export sqlite and export sql --dialect sqlite: the tests query the files with sqlite3.
    command -v sqlite3 >/dev/null || want+=(sqlite3)
    { command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || want+=(postgresql)
    ;;
  bench)
    command -v pigz >/dev/null || want+=(pigz)
    [ -x /usr/bin/time ] || want+=(time)
    ;;
esac

install_debian() {
  echo "installing missing packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  [ -n "${updated:-}" ] || { $sudo apt-get update -qq; updated=1; }
  $sudo apt-get install -y -qq "$@" >/dev/null
}
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
[ ${#want[@]} -eq 0 ] || install_debian "${want[@]}"
[ "${1:-}" = test ] || exit 0

# A python3 from elsewhere (pyenv) does not see Debian's module; fall back to pip.
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  python3 -m pip install --quiet jsonschema
fi

# export rsmf: jsonschema checks RSMF's date-time formats only with rfc3339-validator.
if ! python3 -c 'import rfc3339_validator' 2>/dev/null; then
  python3 -m pip install --quiet rfc3339-validator || echo "rfc3339-validator not installed: RSMF date-time formats go unchecked by jsonschema"
fi

# The accessibility tests (AccessibilityTests) drive Chromium through selenium: pip for a
# python3 of its own (pyenv), Debian's package for Debian's python3, which refuses pip.
if ! python3 -c 'import selenium' 2>/dev/null; then
  python3 -m pip install --quiet selenium 2>/dev/null || install_debian python3-selenium \
    || echo "selenium not installed: the accessibility tests will fail"
fi
# They run axe-core 4 (axe.min.js), which PyPI carries inside axe-selenium-python 3. That
# package wants Python 3.12, so its wheel is only downloaded and the script taken out of it,
# whatever the python3 here: scripts/axe-check.py finds it in the cache.
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/chatbundle/axe-core-4.10.2"
if [ ! -s "$axe_dir/axe.min.js" ]; then
  python3 -m pip --version >/dev/null 2>&1 || install_debian python3-pip
  wheel="$(mktemp -d)"
  if python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 -d "$wheel" \
    axe-selenium-python==3.0.0; then
    mkdir -p "$axe_dir"
    python3 - "$wheel" "$axe_dir/axe.min.js" <<'PY'
import glob, os, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
script = wheel.read("axe_selenium_python/node_modules/axe-core/axe.min.js")
with open(sys.argv[2] + ".part", "wb") as out:
    out.write(script)
os.replace(sys.argv[2] + ".part", sys.argv[2])
PY
  else
    echo "axe-core not downloaded: the accessibility tests will fail"
  fi
  rm -rf "$wheel"
fi
