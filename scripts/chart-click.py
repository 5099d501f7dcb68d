#!/usr/bin/env python3
"""Clicks a bar of an overview page's chart and a day of its calendar, as a reader would.

    python3 scripts/chart-click.py [--bar N] [--timeout S] OVERVIEW_URL

On a conversation's overview page (c/<dir>/overview.html): a real mouse click on bar N of
the messages-per-period chart (the first bar with a link by default) must land on the page
the bar names, with its day heading (`h2.day#d-<date>`) the :target and in the window; a
click on the last day of the calendar must do the same for that day. The browser is the
one scripts/axe-check.py starts (headless Chromium, no network).

Prints one JSON object: url, the steps with ok and what was seen (`seen`). Exit status 0 when every
step passed, 1 otherwise, 2 when the check cannot run.
"""

import argparse
import importlib.util
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("axe_check", os.path.join(HERE, "axe-check.py"))
axe_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(axe_check)

# Where the click landed: the page, the fragment, the element it names and where it stands.
LANDED = r"""
var id = decodeURIComponent(location.hash.slice(1));
var target = id ? document.getElementById(id) : null;
var box = target ? target.getBoundingClientRect() : null;
return {
  page: location.pathname.split('/').pop(), hash: location.hash, found: !!target,
  tag: target ? target.tagName.toLowerCase() + '.' + target.className : '',
  text: target ? target.textContent.trim() : '', isTarget: target ? target.matches(':target') : false,
  inWindow: box ? box.top >= -2 && box.top < window.innerHeight : false
};
"""


def click_and_land(driver, element, link, timeout):
    """Clicks `element` inside `link` (whose href is read first) and waits for the new page."""
    # An SVG link's `href` property is not a string: the attribute is what it says.
    href = driver.execute_script("return arguments[0].getAttribute('href') || ''", link)
    before = driver.current_url
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).move_to_element(element).click().perform()
    deadline = time.time() + timeout
    while time.time() < deadline and driver.current_url == before:
        time.sleep(0.05)
    while time.time() < deadline and driver.execute_script("return document.readyState") != "complete":
        time.sleep(0.05)
    return href, driver.execute_script(LANDED)


def step(name, href, landed):
    expected_page, _, expected_hash = href.rpartition("#")
    date = expected_hash[2:] if expected_hash.startswith("d-") else ""
    ok = (
        landed["found"] and landed["isTarget"] and landed["inWindow"] and landed["hash"] == "#" + expected_hash
        and landed["page"] == expected_page.split("/")[-1] and landed["tag"].startswith("h2.day")
        and landed["text"] == date
    )
    return {"step": name, "ok": bool(ok), "href": href, "seen": landed}


def main(argv):
    parser = argparse.ArgumentParser(description="a click on an overview chart's bar lands on that day")
    parser.add_argument("--bar", type=int, default=None, help="the bar to click, from 0 (default: the first linked)")
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("url")
    arguments = parser.parse_args(argv)
    try:
        driver = axe_check.start_browser()
    except axe_check.SetupError as error:
        axe_check.setup_error(str(error))
    steps = []
    try:
        from selenium.webdriver.common.by import By

        driver.get(arguments.url)
        bars = driver.find_elements(By.CSS_SELECTOR, "section.activity svg.chart a")
        if not bars:
            steps.append({"step": "bars", "ok": False, "seen": "no linked bar on the page"})
        else:
            index = arguments.bar if arguments.bar is not None else 0
            bar = bars[min(index, len(bars) - 1)]
            # The bar's own rectangle is what a reader clicks.
            rect = bar.find_element(By.CSS_SELECTOR, "rect")
            href, landed = click_and_land(driver, rect, bar, arguments.timeout)
            steps.append(step("bar", href.split("/")[-1], landed))
            driver.get(arguments.url)
            days = driver.find_elements(By.CSS_SELECTOR, "table.calendar td a")
            if days:
                href, landed = click_and_land(driver, days[-1], days[-1], arguments.timeout)
                steps.append(step("calendar day", href.split("/")[-1], landed))
            else:
                steps.append({"step": "calendar day", "ok": False, "seen": "no calendar day with a link"})
    except Exception as error:  # a page that does not load or an element that is not there
        steps.append({"step": "browser", "ok": False, "seen": str(error).strip().splitlines()[0]})
    finally:
        axe_check.stop_browser(driver)
    print(json.dumps({"url": arguments.url, "steps": steps}, ensure_ascii=False))
    return 0 if steps and all(s["ok"] for s in steps) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
