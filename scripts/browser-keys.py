#!/usr/bin/env python3
"""Drives a conversation page's image overlay with the mouse and the keyboard.

    python3 scripts/browser-keys.py [--dark] [--axe-script FILE] URL

On a page with at least two images in its messages: a click on the first image opens the
overlay (a modal dialog) on image 1 of N with its caption, a link to the file and named
buttons; ArrowRight shows image 2, ArrowLeft image 1 again; axe-core runs with the overlay
open (as scripts/axe-check.py runs it); Esc closes it and focus is back on the first image's
link; Enter on a focused image link opens it too, and the close button closes it.

Prints one JSON object: url, mode, the steps with ok and what was seen, and axe's counts and
serious or critical violations with the overlay open. Exit status 0 when every step passed
and axe found nothing serious, 1 otherwise, 2 when the check cannot run (see axe-check.py).
"""

import argparse
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("axe_check", os.path.join(HERE, "axe-check.py"))
axe_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(axe_check)

STATE = r"""
var dialog = document.querySelector('dialog.image-overlay');
var links = Array.prototype.map.call(document.querySelectorAll('section.messages figure > a > img'), function (i) { return i.parentNode; });
var active = document.activeElement;
function name(el) { return el ? (el.getAttribute('aria-label') || el.textContent || '').trim() : ''; }
if (!dialog) { return {exists: false, links: links.length, activeIsLink: links.indexOf(active), active: active ? active.outerHTML.slice(0, 120) : ''}; }
var image = dialog.querySelector('img'), file = dialog.querySelector('a.file');
return {
  exists: true, open: dialog.open, modal: dialog.matches(':modal'), links: links.length,
  count: (dialog.querySelector('.count') || {}).textContent || '',
  src: image ? image.getAttribute('src') : '', alt: image ? image.alt : '',
  caption: (dialog.querySelector('figcaption') || {}).textContent || '',
  file: file ? file.getAttribute('href') : '', fileName: name(file),
  buttons: Array.prototype.map.call(dialog.querySelectorAll('button'), function (b) { return {cls: b.className, name: name(b), hidden: b.hidden}; }),
  label: dialog.getAttribute('aria-label') || '',
  activeInDialog: dialog.contains(active), activeIsLink: links.indexOf(active),
  hrefs: links.map(function (l) { return l.getAttribute('href'); }),
  captions: links.map(function (l) { var c = l.parentNode.querySelector('figcaption'); return c ? c.textContent : ''; }),
  imageLoaded: image ? image.complete && image.naturalWidth > 0 : false
};
"""


def main(argv):
    parser = argparse.ArgumentParser(description="the image overlay of a chatbundle conversation page, by mouse and keys")
    parser.add_argument("--dark", action="store_true", help="emulate prefers-color-scheme: dark")
    parser.add_argument("--axe-script", help="an axe.min.js other than axe-selenium-python's")
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("url")
    arguments = parser.parse_args(argv)
    try:
        script = axe_check.axe_script(arguments.axe_script)
        driver = axe_check.start_browser()
    except axe_check.SetupError as error:
        axe_check.setup_error(str(error))
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    steps = []
    report = {"url": arguments.url, "mode": axe_check.mode_name(False, arguments.dark) + "+overlay", "steps": steps}

    def state():
        return driver.execute_script(STATE)

    def step(name, ok, seen):
        steps.append({"step": name, "ok": bool(ok), "seen": seen})
        return ok

    def wait_for(condition):
        try:
            WebDriverWait(driver, 5).until(lambda d: condition(state()))
        except Exception:
            pass
        return state()

    def press(key):
        ActionChains(driver).send_keys(key).perform()

    def showing(s, n):
        """The overlay is open on image n (1-based) of the page."""
        if not s.get("open") or s["links"] < n:
            return False
        href = s["hrefs"][n - 1]
        return (s["count"] == "%d / %d" % (n, s["links"]) and s["src"] == href and s["file"] == href
                and s["caption"] == s["captions"][n - 1])

    try:
        axe_check.emulate(driver, False, arguments.dark)
        axe_check.open_page(driver, arguments.url, arguments.timeout)
        first = state()
        if not step("the page has at least two images in its messages", first["links"] >= 2, first):
            raise StopIteration
        images = driver.find_elements(By.CSS_SELECTOR, "section.messages figure > a > img")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", images[0])
        images[0].click()
        s = wait_for(lambda s: showing(s, 1))
        step("a click on the first image opens the overlay on image 1", showing(s, 1) and s["modal"], s)
        names = [b["name"] for b in s.get("buttons", [])]
        step("the overlay's buttons, link and dialog have names",
             len(names) == 3 and all(names) and s.get("fileName") and s.get("label"), s)
        step("focus is in the overlay", s.get("activeInDialog"), s)
        step("the original image loads", wait_for(lambda s: s.get("imageLoaded")).get("imageLoaded"), s)
        press(Keys.ARROW_RIGHT)
        s = wait_for(lambda s: showing(s, 2))
        step("ArrowRight shows image 2", showing(s, 2), s)
        press(Keys.ARROW_LEFT)
        s = wait_for(lambda s: showing(s, 1))
        step("ArrowLeft shows image 1 again", showing(s, 1), s)
        press(Keys.ARROW_RIGHT)
        s = wait_for(lambda s: showing(s, 2))
        result = axe_check.run_axe(driver, script)
        axe = axe_check.summarise(arguments.url, report["mode"], result, [], axe_check.console_problems(driver))
        for key in ("counts", "violations", "minorIds", "console"):
            report[key] = axe[key]
        step("axe finds nothing serious or critical with the overlay open", not axe["violations"], axe["counts"])
        press(Keys.ESCAPE)
        s = wait_for(lambda s: not s.get("open") and s.get("activeIsLink") == 0)
        step("Esc closes the overlay", s.get("exists") and not s.get("open"), s)
        step("focus is back on the first image's link", s.get("activeIsLink") == 0, s)
        # The keyboard alone: Tab reaches the link, Enter opens, the close button closes.
        driver.execute_script("arguments[0].parentNode.focus()", images[1])
        press(Keys.ENTER)
        s = wait_for(lambda s: showing(s, 2))
        step("Enter on the second image's link opens the overlay on image 2", showing(s, 2), s)
        driver.find_element(By.CSS_SELECTOR, "dialog.image-overlay button.close").click()
        s = wait_for(lambda s: not s.get("open") and s.get("activeIsLink") == 1)
        step("the close button closes it and focus is back on that link", not s.get("open") and s.get("activeIsLink") == 1, s)
    except StopIteration:
        pass
    except axe_check.SetupError as error:
        axe_check.setup_error(str(error))
    finally:
        axe_check.stop_browser(driver)
    report["ok"] = bool(steps) and all(s["ok"] for s in steps)
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
