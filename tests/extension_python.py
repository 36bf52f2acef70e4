#!/usr/bin/env python3
"""A fouine index searched from Python through fouine's loadable extension.

    extension_python.py BUILD_DIR SOURCE_DIR

Indexes SOURCE_DIR/corpus with BUILD_DIR/fouine-index, then loads
BUILD_DIR/fouine.so into a Python SQLite connection, as a site would, and
searches with fouine_query(), fouine_rank() and fouine_snippet(): the same
articles, in the same order, as fouine-query gives.  Uses the standard
sqlite3 module when it can load extensions, else apsw (Debian's python3
cannot: python3-apsw can); exits 77 (skipped) when neither can.
"""
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77

SEARCH = """
SELECT a.id, fouine_snippet(a.title, :q, 0), fouine_snippet(a.lead, :q, 80),
       fouine_snippet(a.lead || char(10) || a.body, :q, 200)
  FROM article_fts JOIN article a ON a.rowid = article_fts.rowid
 WHERE article_fts MATCH fouine_query(:q)
 ORDER BY fouine_rank(article_fts, fouine_query_map(:q)), a.date DESC
 LIMIT 5
"""


def connect(path, extension):
    """A connection to path with the extension loaded, or None."""
    import sqlite3

    if hasattr(sqlite3.Connection, "enable_load_extension"):
        db = sqlite3.connect(path)
        db.enable_load_extension(True)
        db.load_extension(extension)
        return lambda sql, args: db.execute(sql, args).fetchall()
    try:
        import apsw
    except ImportError:
        return None
    db = apsw.Connection(path)
    db.enableloadextension(True)
    db.loadextension(extension)
    return lambda sql, args: list(db.cursor().execute(sql, args))


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)


def main():
    build, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="fouine-python-") as tmp:
        index = os.path.join(tmp, "corpus.db")
        subprocess.run(
            [os.path.join(build, "fouine-index"), "-q", "-o", index,
             os.path.join(source, "corpus")],
            check=True)
        run = connect(index, os.path.join(build, "fouine"))
        if run is None:
            print("skipped: this python3 cannot load SQLite extensions"
                  " (install python3-apsw)")
            return SKIP
        for query in ["sécurité des hôpitaux", "securite hopitaux",
                      "présidenti*", "l'etat"]:
            rows = run(SEARCH, {"q": query})
            out = subprocess.run(
                [os.path.join(build, "fouine-query"), "-i", index, "--json",
                 "-n", "5", "--no-correct", query],
                check=False, capture_output=True, text=True)
            want = [h["id"] for h in json.loads(out.stdout)["hits"]]
            check([r[0] for r in rows] == want,
                  "%s: %s from Python, %s from fouine-query"
                  % (query, [r[0] for r in rows], want))
            check(rows, query + ": no result")
            marked = " ".join((r[1] or "") + " " + (r[3] or "") for r in rows)
            check("<mark>" in marked, query + ": nothing marked: " + marked)
        rows = run(SEARCH, {"q": "sécurité des hôpitaux"})
        check(rows[0][0] == "anssi-securite-hopitaux-cyberattaques.txt",
              "sécurité des hôpitaux: first " + rows[0][0])
        check("<mark>sécurité</mark>" in rows[0][2],
              "the lead's snippet: " + rows[0][2])
        # A hostile text is escaped, the marks only are HTML.
        rows = run("SELECT fouine_snippet(:t, 'grève', 0)",
                   {"t": "<script>alert(1)</script> La grève continue."})
        check(rows[0][0] == "&lt;script&gt;alert(1)&lt;/script&gt; La"
              " <mark>grève</mark> continue.", "escaping: " + rows[0][0])
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
