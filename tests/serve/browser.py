#!/usr/bin/env python3
"""The search page of fouine-serve in a real browser.

Drives headless Chromium through the Chrome DevTools Protocol over a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4, so no
websocket library is needed), types into the page with real key events and
checks what it renders: suggestions, results with highlighting, paging by
keyboard, the facets (a category chosen with the keyboard, a year), the
correction said above the results, a category the index lacks (with
the closest one), an article and its related articles
("Articles liés"), that a <script> held by
an article never runs, errors said in French, a page past the last, dates
shown as published (the browser runs in Paris's time zone, the article
was dated in Nouméa's) and the query shown as typed.  Saves a screenshot.

    browser.py CHROMIUM BASE_URL SCREENSHOT.png

Prints one line a check; exits 0 when all pass, 1 otherwise.
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30.0  # seconds for anything to appear (the server runs under ASan)
# Chromium's first start on a fresh machine builds its font cache and
# profile, and the other test suites load both cores meanwhile: the first
# answer gets longer, and a start that still gives nothing is tried again.
START_TIMEOUT = 120.0
START_TRIES = 2


class Browser:
    """A headless Chromium and one page of it."""

    def __init__(self, chromium):
        for attempt in range(1, START_TRIES + 1):
            try:
                self._start(chromium)
                return
            except (TimeoutError, RuntimeError) as e:
                print(f"Chromium start {attempt}/{START_TRIES} failed: {e}"
                      f"; its stderr ends with:\n{self.log_tail()}",
                      flush=True)
                self.close()
                if attempt == START_TRIES:
                    raise

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def _start(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="fouine-chromium-")
        self.log_path = self.profile + ".log"
        log = open(self.log_path, "wb")
        cmd_r, cmd_w = os.pipe()  # we write, Chromium reads on fd 3
        evt_r, evt_w = os.pipe()  # Chromium writes on fd 4, we read
        # Out of the way of 3 and 4 before the child moves them there.
        high_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(evt_w, fcntl.F_DUPFD_CLOEXEC, 10)

        def to_3_and_4():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--mute-audio",
             "--lang=fr-FR", "--disable-dev-shm-usage",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
             "--window-size=1100,1000", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            close_fds=False, preexec_fn=to_3_and_4,
            env=dict(os.environ, TZ="Europe/Paris"))
        log.close()
        for fd in (cmd_r, evt_w, high_r, high_w):
            os.close(fd)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inp = evt_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"},
                           START_TIMEOUT)
        attached = self.call("Target.attachToTarget",
                             {"targetId": target["targetId"],
                              "flatten": True})
        self.session = attached["sessionId"]
        self.errors = []  # exceptions and console errors of the page
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Log.enable")

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self.inp, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, timeout=TIMEOUT):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
            event = reply.get("method")
            params = reply.get("params", {})
            if event == "Runtime.exceptionThrown":
                self.errors.append(params["exceptionDetails"].get("text"))
            elif event == "Log.entryAdded" and \
                    params["entry"].get("level") == "error":
                self.errors.append(params["entry"].get("text"))
            elif event == "Runtime.consoleAPICalled" and \
                    params.get("type") == "error":
                self.errors.append(str(params.get("args")))

    def eval(self, expr):
        res = self.call("Runtime.evaluate", {"expression": expr,
                                             "returnByValue": True,
                                             "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expr}: {res['exceptionDetails']}")
        return res["result"].get("value")

    # What Chromium answers an evaluation made while the page is being
    # replaced (a click that loads another page): not yet, not a failure.
    NAVIGATING = ("Inspected target navigated or closed",
                  "Execution context was destroyed",
                  "Cannot find context with specified id")

    def wait(self, expr, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                value = self.eval(expr)
            except RuntimeError as e:
                if not any(m in str(e) for m in self.NAVIGATING):
                    raise
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError("waited in vain for " + what)

    def goto(self, url):
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete' && "
                  "!!document.getElementById('q')", "the page to load")

    def key(self, key, code, vk, text=None):
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key,
                "code": code, "windowsVirtualKeyCode": vk,
                "nativeVirtualKeyCode": vk}
        if text:
            down["text"] = text
            down["unmodifiedText"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent",
                  {"type": "keyUp", "key": key, "code": code,
                   "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk})

    def type(self, text):
        for ch in text:
            self.call("Input.dispatchKeyEvent",
                      {"type": "keyDown", "key": ch, "text": ch,
                       "unmodifiedText": ch})
            self.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": ch})
            time.sleep(0.03)

    def screenshot(self, path):
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.call("Browser.close", None, 10.0)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.out, self.inp):
            try:
                fd.close() if hasattr(fd, "close") else os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)
        try:
            os.remove(self.log_path)
        except OSError:
            pass


def said_above(b, what):
    """The text of the banner above the results, once it is shown."""
    return b.wait("(() => { const c = document.getElementById('correction');"
                  " return c.hidden ? null : c.textContent; })()", what)


def enter(b):
    b.key("Enter", "Enter", 13, "\r")


# Words of the API's English messages that the page must never show.
ENGLISH = ("expected", "must be", "error", "parameter", "not found",
           "no such", "invalid", "cannot")


def status_text(b, what, test="true"):
    """The text of the status line once it is not empty and passes test
    (a JavaScript expression on `t`)."""
    return b.wait("(() => { const e = document.getElementById('etat');"
                  " const t = e && e.textContent; return t && "
                  "t !== 'Recherche…' && t !== 'Chargement…' && (" + test +
                  ") ? t : null; })()", what)


def page_checks(b, base, check):
    """What the page says in French, a page past the last, dates as
    published and the query as typed."""
    # A day the calendar does not have, in the URL: said in French.
    b.goto(base + "/?q=gr%C3%A8ve&since=2019-02-30")
    msg = status_text(b, "the error of a bad date")
    check("date de début « 2019-02-30 »" in msg and
          not any(w in msg.lower() for w in ENGLISH),
          f"a bad date is said in French: {msg}")
    check(b.eval("document.querySelectorAll('#resultats li').length") == 0,
          "no results shown with the error")
    # An unknown article, a page number beyond what the API takes.
    b.goto(base + "/?article=inconnu%2Fdisparu.txt")
    msg = status_text(b, "the error of an unknown article")
    check("introuvable" in msg and
          not any(w in msg.lower() for w in ENGLISH),
          f"an unknown article is said in French: {msg}")
    # Chromium logs the two answers 400 and 404 asked for: only those.
    refused = [e for e in b.errors if "responded with a status of 40" in e]
    check(len(refused) == 2, f"the two refused requests logged ({refused})")
    b.errors = [e for e in b.errors if e not in refused]

    # A page past the last: the last page, with its results.
    b.goto(base + "/?q=plus&per_page=3&page=400")
    msg = status_text(b, "the last page", "/page (\\d+) sur \\1\\b/.test(t)")
    n = b.eval("document.querySelectorAll('#resultats li').length")
    last = msg.split("page ")[-1].split(" sur ")[0]
    check(n > 0 and f"page={last}" in b.eval("location.search"),
          f"page 400 shows the last page, {last}, with {n} results: {msg} "
          f"({b.eval('location.search')})")
    check(b.eval("document.getElementById('suivante').disabled"),
          "no next page after the last")
    b.goto(base + "/?q=plus&per_page=3&page=5000")
    msg = status_text(b, "the last page again",
                      "/page (\\d+) sur \\1\\b/.test(t)")
    check(not any(w in msg.lower() for w in ENGLISH),
          f"page 5000 (beyond the API's 1000) gives the last page: {msg}")

    # The date and time as the article was published in Nouméa, not as
    # they are in Paris (14:30, the day before... or the same day).
    b.goto(base + "/?q=nuit+%C3%A9lectorale+noum%C3%A9a")
    when = b.wait("(() => { const t = document.querySelector('#resultats "
                  "time'); return t ? t.textContent : null; })()",
                  "the date of the Nouméa article")
    check(when == "15 juin 2021 à 23:30",
          f"the date as published, 23:30 in Nouméa (got {when})")
    snippet = b.eval("document.querySelector('#resultats .extrait')"
                     ".textContent")
    check("…" not in snippet and snippet.startswith("Les bureaux de vote"),
          f"a short lead that fits is not cut (got {snippet})")
    b.eval("document.querySelector('#resultats h2 a').click()")
    # (The link loads the page anew: wait for the article's element.)
    when = b.wait("(() => { const a = document.getElementById('article');"
                  " const t = a && a.querySelector('time'); return !t || "
                  "a.hidden ? null : t.textContent; })()",
                  "the article's date")
    check(when == "15 juin 2021 à 23:30",
          f"the article's date as published (got {when})")

    # A wire story run by two sites: one hit, the other version listed
    # under "2 versions", linked to its article.
    b.goto(base + "/?q=flamants+roses+camargue")
    n = b.wait("(() => { const l = document.querySelectorAll("
               "'#resultats > li'); return l.length ? l.length : null; })()",
               "the results of the wire story")
    check(n == 1, f"the two versions are one hit (got {n})")
    summary = b.eval("(() => { const s = document.querySelector("
                     "'#resultats details.versions summary'); "
                     "return s ? s.textContent : null; })()")
    check(summary == "2 versions", f"'2 versions' under the hit ({summary})")
    b.eval("document.querySelector('#resultats details.versions summary')"
           ".click()")
    shown = b.wait("(() => { const d = document.querySelector("
                   "'#resultats details.versions'); return d && d.open ? "
                   "[...d.querySelectorAll('li a')].map(a => "
                   "a.textContent + ' ' + a.getAttribute('href')) : null; "
                   "})()", "the versions listed")
    title = b.eval("document.querySelector('#resultats h2').textContent")
    other = ("site-flamants-record" if "Nouveau" not in title
             else "afp-flamants-record")
    check(shown == [other + " ?article=" + other],
          f"the other version listed and linked ({shown}, hit {title})")

    # The query as typed, never as fouine reads it ("C" for C++).
    b.goto(base + "/")
    b.eval("document.getElementById('q').focus()")
    b.type("C++")
    enter(b)
    msg = status_text(b, "the results of C++", "/résultat/.test(t)")
    check("« C++ »" in msg and '"C"' not in msg and "=C" not in msg,
          f"the query shown as typed: {msg}")
    check(b.eval("document.getElementById('q').value") == "C++" and
          b.eval("document.title").startswith("C++ "),
          "the search box and the title keep C++")
    b.goto(base + "/?q=la")
    msg = status_text(b, "the results of la", "/résultat/.test(t)")
    check("« la »" in msg and '"la"' not in msg and "=la" not in msg,
          f"a stop word shown as typed: {msg}")


def main():
    chromium, base, shot = sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3]
    failures = []

    def check(ok, what):
        print(("ok - " if ok else "FAIL - ") + what, flush=True)
        if not ok:
            failures.append(what)

    try:
        b = Browser(chromium)
    except (TimeoutError, RuntimeError) as e:
        check(False, f"Chromium did not start: {e}")
        return 1
    try:
        # Typing with suggestions, chosen with the arrow keys.
        b.goto(base + "/?per_page=3")
        if not b.eval("document.activeElement && "
                      "document.activeElement.id === 'q'"):
            b.key("/", "Slash", 191, "/")
        check(b.eval("document.activeElement.id") == "q",
              "the search box has the focus")
        b.type("vigilance ro")
        items = b.wait("(() => { const l = document.getElementById("
                       "'suggestions'); return !l.hidden && l.children.length"
                       " ? [...l.querySelectorAll('li')].map(li => "
                       "li.dataset.text) : null; })()", "suggestions")
        check("vigilance rouge" in items,
              "suggestion 'vigilance rouge' while typing 'vigilance ro' "
              f"(got {items})")
        target = items.index("vigilance rouge") if "vigilance rouge" in \
            items else 0
        for _ in range(target + 1):
            b.key("ArrowDown", "ArrowDown", 40)
        active = b.eval("(document.getElementById(document.getElementById("
                        "'q').getAttribute('aria-activedescendant')) || {})"
                        ".textContent")
        check(active is not None and active.startswith("vigilance rouge"),
              f"arrow keys select the suggestion (active: {active})")
        enter(b)
        b.wait("document.querySelectorAll('#resultats li').length > 0",
               "results of the chosen suggestion")
        check("q=vigilance+rouge" in b.eval("location.search"),
              "the search is in the URL: " + b.eval("location.search"))
        marks = b.eval("[...document.querySelectorAll('#resultats mark')]"
                       ".map(m => m.textContent.toLowerCase())")
        check(any("vigilance" in m or "rouge" in m for m in marks),
              f"matched words are highlighted with <mark> (got {marks})")

        # A query typed and sent with Enter, then paging by keyboard.
        b.eval("document.getElementById('q').select()")
        b.type("plus")
        enter(b)
        b.wait("/page 1 sur/.test(document.getElementById('etat')"
               ".textContent)", "page 1 of the results")
        first = b.eval("[...document.querySelectorAll('#resultats h2')]"
                       ".map(h => h.textContent)")
        check(len(first) == 3, f"3 results on a page of 3 (got {len(first)})")
        for _ in range(40):
            if b.eval("document.activeElement.id") == "suivante":
                break
            b.key("Tab", "Tab", 9)
        check(b.eval("document.activeElement.id") == "suivante",
              "the next-page button is reached with Tab")
        enter(b)
        b.wait("/page 2 sur/.test(document.getElementById('etat')"
               ".textContent)", "page 2 of the results")
        second = b.wait("(() => { const h = [...document.querySelectorAll("
                        "'#resultats h2')].map(h => h.textContent); "
                        "return h.length ? h : null; })()", "page 2 hits")
        check(not set(first) & set(second),
              "page 2 shows other articles than page 1")
        check("page=2" in b.eval("location.search"),
              "page 2 is in the URL: " + b.eval("location.search"))

        # The facets of the query, reached with Tab: a category chosen with
        # Enter narrows the results to it, a year to its dates, and the
        # other categories and years are still offered.
        b.goto(base + "/?q=plus")
        cats = b.wait("(() => { const l = [...document.querySelectorAll("
                      "'#facette-rubriques button')]; return l.length > 1 "
                      "&& !document.getElementById('facettes').hidden ? "
                      "l.map(x => x.dataset.value) : null; })()",
                      "the category facet")
        check(len(cats) > 1, f"categories offered: {cats}")
        first = cats[0]
        for _ in range(60):
            if b.eval("document.activeElement.dataset.value || ''") == first:
                break
            b.key("Tab", "Tab", 9)
        check(b.eval("document.activeElement.dataset.value || ''") == first,
              f"the category '{first}' is reached with Tab")
        enter(b)
        shown = b.wait("(() => { const b = document.querySelector("
                       "'#facette-rubriques button[aria-pressed=true]'); "
                       "const r = [...document.querySelectorAll('#resultats "
                       ".rubrique')].map(x => x.textContent); return b && "
                       "r.length ? r : null; })()", "the narrowed results")
        check(set(shown) == {first},
              f"results of '{first}' only (got {shown})")
        check("category=" in b.eval("location.search"),
              "the category is in the URL: " + b.eval("location.search"))
        others = b.eval("document.querySelectorAll('#facette-rubriques "
                        "button').length")
        check(others > 1, f"the other categories still offered ({others})")
        b.goto(base + "/?q=plus")
        years = b.wait("(() => { const l = [...document.querySelectorAll("
                       "'#facette-annees button')]; return l.length > 1 ? "
                       "l.map(x => x.dataset.value) : null; })()",
                       "the year facet")
        year = years[-1]
        b.eval("document.querySelector('#facette-annees button[data-value=\""
               + year + "\"]').click()")
        dates = b.wait("(() => { const b = document.querySelector("
                       "'#facette-annees button[aria-pressed=true]'); "
                       "const r = [...document.querySelectorAll('#resultats "
                       "time')].map(t => t.dateTime); return b && r.length ? "
                       "r : null; })()", "the results of the year")
        check("since=" + year + "-01-01&until=" + year + "-12-31" in
              b.eval("location.search"),
              "the year's dates are in the URL: " + b.eval("location.search"))
        check(all(d.startswith(year) for d in dates),
              f"results of {year} only (got {dates})")
        months = b.wait("(() => { const l = [...document.querySelectorAll("
                        "'#facette-mois button')]; return l.length ? l.map("
                        "x => x.dataset.value) : null; })()",
                        "the months of the year")
        check(all(m.startswith(year + "-") for m in months),
              f"the months of {year} offered: {months}")
        check(b.eval("document.querySelectorAll('#facette-annees button')"
                     ".length") == len(years),
              "the other years still offered")

        # An article holding <script> and an onerror handler.
        b.goto(base + "/?q=pirate+injecter+mairie")
        b.wait("document.querySelectorAll('#resultats li').length > 0",
               "results for the hostile article")
        titles = b.eval("[...document.querySelectorAll('#resultats h2')]"
                        ".map(h => h.textContent)")
        check(any("<script>window.pirate=1</script>" in t for t in titles),
              "the <script> of a title is shown as text")
        check(b.eval("document.querySelectorAll('#resultats script, "
                     "#resultats img').length") == 0,
              "no element comes from an article's text")
        time.sleep(0.3)
        check(b.eval("typeof window.pirate") == "undefined",
              "no script of an article ran")

        # A word in no article: searched corrected, and the page says so,
        # with a link to search exactly what was typed.
        b.goto(base + "/?q=vigilence")
        fix = said_above(b, "the correction said")
        check("« vigilance » au lieu de « vigilence »" in fix,
              f"correction said: {fix}")
        n = b.eval("document.querySelectorAll('#resultats li').length")
        check(n > 0, f"results of the corrected search ({n})")
        check(b.eval("!!(document.getElementById('correction')"
                     ".compareDocumentPosition(document.getElementById("
                     "'resultats')) & Node.DOCUMENT_POSITION_FOLLOWING)"),
              "the correction is said above the results")
        b.eval("document.querySelector('#correction a').click()")
        url = b.wait("location.search.indexOf('correct=false') >= 0 ? "
                     "location.search : null", "the exact search's URL")
        fix = b.wait("(() => { const c = document.getElementById("
                     "'correction'); const s = document.getElementById("
                     "'etat'); return c.hidden || !s || "
                     "s.textContent.indexOf('Aucun') < 0 ? null : "
                     "s.textContent + ' / ' + c.textContent; })()",
                     "the exact search")
        check("Aucun résultat" in fix and "vigilance" in fix,
              f"searched as typed, the correction proposed: {fix} ({url})")

        # A category the index does not have (a shared link with a typo):
        # the page says so, and its link searches the closest one.
        b.goto(base + "/?q=cyberattaques&category=S%C3%A9curtie")
        said = said_above(b, "the unknown category said")
        check("Aucune rubrique « Sécurtie »" in said,
              f"unknown category said: {said}")
        b.eval("document.querySelector('#correction a').click()")
        b.wait("document.querySelectorAll('#resultats li').length > 0",
               "results in the closest category")
        check("category=S%C3%A9curit%C3%A9" in b.eval("location.search"),
              "the link searches Sécurité: " + b.eval("location.search"))

        # An article, opened from the URL of its search result.
        b.goto(base + "/?article=tech%2F2018%2Fanssi-cyberattaques-"
               "hopitaux.txt")
        title = b.wait("(() => { const a = document.getElementById('article')"
                       "; return a.hidden ? null : a.querySelector('h2')"
                       ".textContent; })()", "the article")
        check("ANSSI" in title, f"article shown: {title}")

        # Its related articles under it: the article on the same topic
        # first, never itself nor its copy of the same title.
        lies = b.wait("(() => { const l = document.querySelectorAll("
                      "'#article #lies li a'); return l.length ? [...l]"
                      ".map(a => [a.textContent, a.getAttribute('href')])"
                      " : null; })()", "the related articles")
        check(b.eval("document.querySelector('#lies h3').textContent")
              == "Articles liés", "the related articles are titled")
        check(1 <= len(lies) <= 5, f"1 to 5 related articles ({len(lies)})")
        check(lies[0][0].startswith("Rançongiciel"),
              f"the article on the same topic first: {lies[0][0]}")
        check(not any("anssi" in h for _, h in lies),
              f"neither the article nor its copy is related: {lies}")

        # The related articles of the article holding <script>: their
        # titles as text, no script of an article run.
        b.goto(base + "/?article=" + "pirate-page-accueil.txt")
        b.wait("document.querySelectorAll('#article #lies li').length > 0",
               "the related articles of the hostile article")
        check("<script>" in b.eval("document.querySelector('#article h2')"
                                   ".textContent"),
              "the hostile title is shown as text")
        check(b.eval("document.querySelectorAll('#article script, "
                     "#article img').length") == 0,
              "no element comes from an article's text")
        check(b.eval("typeof window.pirate") == "undefined",
              "no script of an article ran")

        page_checks(b, base, check)

        # The picture: results with highlighting, suggestions open.
        b.goto(base + "/?q=s%C3%A9curit%C3%A9+des+h%C3%B4pitaux")
        b.wait("document.querySelectorAll('#resultats mark').length > 0",
               "highlighted results")
        b.eval("document.getElementById('q').focus(); "
               "document.getElementById('q').select()")
        b.type("hôp")
        b.wait("!document.getElementById('suggestions').hidden",
               "suggestions for the screenshot")
        b.screenshot(shot)
        check(os.path.getsize(shot) > 10000, "screenshot saved: " + shot)
        check(not b.errors, "no script error, no refused resource "
              f"(got {b.errors})")
    except (TimeoutError, RuntimeError) as e:
        check(False, str(e))
        print("Chromium's stderr ends with:\n" + b.log_tail(), flush=True)
        try:
            b.screenshot(shot)
        except (TimeoutError, RuntimeError, OSError):
            pass
    finally:
        b.close()
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
