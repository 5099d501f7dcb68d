#!/usr/bin/env python3
"""Runs axe-core on pages of a rendered site in headless Chromium.

    python3 scripts/axe-check.py [--print] [--dark] [--timeout S] [--axe-script FILE] URL...

Each file:// URL is opened through selenium and chromedriver (Debian's chromium-driver),
with no network: every host resolves to nothing and the proxy is refused. The script waits
until the page's scripts settled (on the search page, until search.js set
`document.body.dataset.searchDone`), then runs axe-core (the axe.min.js that
axe-selenium-python ships, or --axe-script) with the wcag2a, wcag2aa, wcag21aa and
best-practice rules. --print emulates print media first, --dark emulates
`prefers-color-scheme: dark`. A few structural checks of its own follow (ids
`chatbundle-…`): `lang` on the page, one h1, headings in order, a skip link as the first
focusable element that leads to an element of the page, one main landmark, and every nav
named when a page has several. The page's console errors are collected too: a refused
resource (the Content-Security-Policy) counts as a critical violation.

One JSON object per URL goes to stdout: url, mode, counts of violations by impact, and every
serious or critical violation with its id, help and the first nodes' targets and markup
(and, on the search page, searchDone: how many results it showed).
Exit status: 0 when no page has a serious or critical violation, 1 when one has, 2 when the
check cannot run (selenium, chromedriver or Chromium missing, a page that does not load).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from urllib.parse import unquote, urlsplit

TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]
FAILING = ("serious", "critical")
IMPACTS = ("minor", "moderate", "serious", "critical")
NODES_SHOWN = 5
HTML_SHOWN = 300


class SetupError(Exception):
    """The check cannot run here; the message says what to install."""


def setup_error(message):
    print("axe-check: " + message, file=sys.stderr)
    sys.exit(2)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SetupError("Chromium is not installed: install the Debian package chromium (make test-deps)")


def find_chromedriver():
    path = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.access("/usr/bin/chromedriver", os.X_OK) else None)
    if not path:
        raise SetupError("chromedriver is not installed: install the Debian package chromium-driver (make test-deps)")
    return path


# Where scripts/ensure-packages.sh test puts axe-core 4 (from the axe-selenium-python 3 wheel).
AXE_CACHE = os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
    "chatbundle", "axe-core-4.10.2", "axe.min.js")


def axe_script(path=None):
    """The text of axe.min.js: --axe-script, $AXE_SCRIPT, the cache make test-deps fills, or
    the one an installed axe-selenium-python ships (axe-core 3 with axe-selenium-python 2)."""
    path = path or os.environ.get("AXE_SCRIPT") or (AXE_CACHE if os.path.isfile(AXE_CACHE) else None)
    if not path:
        try:
            import axe_selenium_python
        except ImportError:
            raise SetupError(
                "the Python module axe_selenium_python is missing: python3 -m pip install axe-selenium-python (make test-deps)")
        path = os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as error:
        raise SetupError("cannot read axe-core from %s: %s" % (path, error))


def start_browser():
    """Headless Chromium under chromedriver, with no network and the console log kept."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise SetupError("the Python module selenium is missing: python3 -m pip install selenium (make test-deps)")
    chromium = find_chromium()
    driver_path = find_chromedriver()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="axe-check-")
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--window-size=1280,900",
        "--user-data-dir=" + profile, "--allow-file-access-from-files",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as error:  # selenium's errors name the cause (version mismatch, crash)
        shutil.rmtree(profile, ignore_errors=True)
        raise SetupError("cannot start Chromium through %s: %s" % (driver_path, str(error).strip().splitlines()[0]))
    driver.set_script_timeout(60)
    driver.chatbundle_profile = profile
    return driver


def stop_browser(driver):
    try:
        driver.quit()
    finally:
        shutil.rmtree(getattr(driver, "chatbundle_profile", ""), ignore_errors=True)


def emulate(driver, printed, dark):
    features = [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print" if printed else "", "features": features})


def mode_name(printed, dark):
    return "+".join(([] if not printed else ["print"]) + (["dark"] if dark else [])) or "screen"


def open_page(driver, url, timeout):
    """Loads `url` and waits until its scripts are done: the search page until search.js
    marked the body, any page until it is complete and two frames were drawn."""
    if url.startswith("file://"):
        path = unquote(urlsplit(url).path)
        if not os.path.isfile(path):
            raise SetupError("%s: no such file (%s)" % (url, path))
    driver.get(url)
    deadline = time.time() + timeout
    while driver.execute_script("return document.readyState") != "complete":
        if time.time() > deadline:
            raise SetupError("%s did not finish loading in %d s" % (url, timeout))
        time.sleep(0.05)
    if "search.html" in url and "q=" in url:
        while driver.execute_script("return document.body.dataset.searchDone === undefined"):
            if time.time() > deadline:
                raise SetupError("%s: search did not finish in %d s (no data-search-done)" % (url, timeout))
            time.sleep(0.05)
    driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () { done(true); }); });")


# Structure the pages must have, whatever axe's version checks: returns axe-shaped violations.
STRUCTURE = r"""
var printed = arguments[0], out = [];
function add(id, help, nodes) { out.push({id: id, impact: 'serious', help: help, nodes: nodes || []}); }
function node(el) { return {target: [el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')], html: el.outerHTML.slice(0, 300)}; }
if (!(document.documentElement.getAttribute('lang') || '').trim()) { add('chatbundle-lang', 'The html element has a lang attribute'); }
var h1 = document.querySelectorAll('h1');
if (h1.length !== 1) { add('chatbundle-one-h1', 'A page has exactly one h1 (it has ' + h1.length + ')', Array.prototype.map.call(h1, node)); }
var level = 0;
Array.prototype.forEach.call(document.querySelectorAll('h1, h2, h3, h4, h5, h6'), function (h) {
  var n = parseInt(h.tagName.slice(1), 10);
  if (level === 0 && n !== 1) { add('chatbundle-heading-order', 'The first heading is an h1', [node(h)]); }
  else if (n > level + 1) { add('chatbundle-heading-order', 'Heading levels go down one at a time (h' + level + ' then h' + n + ')', [node(h)]); }
  level = n;
});
var mains = document.querySelectorAll('main, [role=main]');
if (mains.length !== 1) { add('chatbundle-one-main', 'A page has one main landmark (it has ' + mains.length + ')'); }
var navs = document.querySelectorAll('nav, [role=navigation]');
if (navs.length > 1) {
  var names = {};
  Array.prototype.forEach.call(navs, function (nav) {
    var name = (nav.getAttribute('aria-label') || '').trim();
    var by = nav.getAttribute('aria-labelledby');
    if (!name && by && document.getElementById(by)) { name = document.getElementById(by).textContent.trim(); }
    if (!name) { add('chatbundle-nav-name', 'Each of several nav landmarks has a name (aria-label)', [node(nav)]); }
    else if (names[name]) { add('chatbundle-nav-name', 'Several nav landmarks have different names ("' + name + '" twice)', [node(nav)]); }
    names[name] = true;
  });
}
if (!printed) {
  var focusable = Array.prototype.filter.call(
    document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'),
    function (el) { return !el.disabled && el.getAttribute('tabindex') !== '-1' && el.getClientRects().length > 0; });
  var first = focusable[0];
  var href = first && first.tagName === 'A' ? first.getAttribute('href') || '' : '';
  var target = href.charAt(0) === '#' ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  if (!target) { add('chatbundle-skip-link', 'The first focusable element is a skip link to an element of the page', first ? [node(first)] : []); }
}
return out;
"""


def run_axe(driver, script):
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(script)
    options = json.dumps({"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, " + options + ").then(function (r) { done({violations: r.violations, incomplete: r.incomplete.length}); },"
        " function (e) { done({error: String(e)}); });")
    result["axe"] = driver.execute_script("return axe.version")
    if "error" in result:
        raise SetupError("axe-core failed: " + result["error"])
    return result


def console_problems(driver):
    """Console errors of the page: a refused resource is a broken page, not a warning."""
    try:
        entries = driver.get_log("browser")
    except Exception:
        return []
    return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"]


def summarise(url, mode, result, structure, console):
    violations = list(result["violations"]) + structure
    for message in console:
        if "Refused to" in message or "Content Security Policy" in message or "Uncaught" in message:
            violations.append({"id": "chatbundle-console", "impact": "critical", "help": "The page ran without errors",
                               "nodes": [{"target": ["console"], "html": message[:HTML_SHOWN]}]})
    counts = {impact: 0 for impact in IMPACTS}
    failing = []
    for violation in violations:
        impact = violation.get("impact") or "minor"
        counts[impact] = counts.get(impact, 0) + 1
        if impact in FAILING:
            failing.append({
                "id": violation["id"], "impact": impact, "help": violation.get("help", ""),
                "nodes": [{"target": n.get("target", []), "html": (n.get("html") or "")[:HTML_SHOWN]}
                          for n in violation.get("nodes", [])[:NODES_SHOWN]],
                "nodeCount": len(violation.get("nodes", [])),
            })
    return {"url": url, "mode": mode, "axe": result.get("axe", ""), "counts": counts, "incomplete": result.get("incomplete", 0),
            "violations": failing, "minorIds": sorted({v["id"] for v in violations if (v.get("impact") or "minor") not in FAILING}),
            "console": console}


def check(driver, script, url, printed, dark, prepare=None):
    """Opens `url` in the given mode (and, with `prepare`, does something on the page
    first), runs axe and the structural checks, and returns the JSON object for it."""
    emulate(driver, printed, dark)
    console_problems(driver)  # what earlier pages logged is theirs
    open_page(driver, url, check.timeout)
    mode = mode_name(printed, dark)
    if prepare:
        mode += "+" + prepare(driver)
    result = run_axe(driver, script)
    structure = driver.execute_script(STRUCTURE, printed)
    report = summarise(url, mode, result, structure, console_problems(driver))
    # How many results the search page showed (its data-search-done), for a caller to check.
    done = driver.execute_script("return document.body.dataset.searchDone")
    if done is not None:
        report["searchDone"] = int(done) if str(done).isdigit() else done
    return report


check.timeout = 20


def main(argv):
    parser = argparse.ArgumentParser(description="axe-core on pages of a rendered chatbundle site")
    parser.add_argument("--print", dest="printed", action="store_true", help="emulate print media")
    parser.add_argument("--dark", action="store_true", help="emulate prefers-color-scheme: dark")
    parser.add_argument("--timeout", type=float, default=20, help="seconds a page may take to settle")
    parser.add_argument("--axe-script", help="an axe.min.js other than axe-selenium-python's")
    parser.add_argument(
        "--check-setup", action="store_true",
        help="only say whether the check can run here (exit 0) or what is missing (exit 2)")
    parser.add_argument("urls", nargs="*", metavar="URL")
    arguments = parser.parse_args(argv)
    check.timeout = arguments.timeout
    if arguments.check_setup:
        # What a run needs, found the way a run finds it, without starting the browser.
        try:
            axe_script(arguments.axe_script)
            find_chromium()
            find_chromedriver()
            try:
                import selenium  # noqa: F401
            except ImportError:
                raise SetupError("the Python module selenium is missing: python3 -m pip install selenium (make test-deps)")
        except SetupError as error:
            setup_error(str(error))
        return 0
    if not arguments.urls:
        parser.error("give at least one URL")
    try:
        script = axe_script(arguments.axe_script)
        driver = start_browser()
    except SetupError as error:
        setup_error(str(error))
    failed = False
    try:
        for url in arguments.urls:
            report = check(driver, script, url, arguments.printed, arguments.dark)
            print(json.dumps(report, ensure_ascii=False), flush=True)
            failed = failed or bool(report["violations"])
    except SetupError as error:
        setup_error(str(error))
    finally:
        stop_browser(driver)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
