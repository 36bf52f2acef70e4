#!/bin/sh
# man_pages.sh SOURCE_DIR BUILD_DIR VERSION HEADER...: the manual pages of
# docs/man/ against what they describe.
#   - each page renders without a warning of man or groff;
#   - each says the version of the project (VERSION) in its title line;
#   - the page of each tool documents, in OPTIONS, every option that the
#     tool's --help lists, and no option that --help does not list;
#   - libfouine(3) shows, in SYNOPSIS, every function that the public
#     HEADERs declare, and names every one of those headers.
# Exits 77 (skipped) when man is not installed, saying so.
set -u
src=$1
build=$2
version=$3
shift 3

if ! command -v man >/dev/null 2>&1; then
    echo "man_pages: man is not installed (Debian package man-db): skipped"
    exit 77
fi

failed=0
fail() {
    echo "man_pages: $*"
    failed=1
}

# The text of a page as a reader sees it, in ASCII, on one line per item.
render() {
    LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=200 man -E ascii -l "$1" 2>/dev/null
}

# The lines of section $2 (OPTIONS, SYNOPSIS...) of the rendered page $1.
section() {
    render "$1" | awk -v s="$2" '/^[A-Z]/ { on = ($0 == s); next } on'
}

# The options (-x, --long) at the start of the lines of standard input
# that begin with one.
options_of() {
    sed -n 's/^ *\(-.*\)$/\1/p' |
        grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z-]*' | tr -d ' ,' | sort -u
}

pages=$(ls "$src"/docs/man/*.[1-8] 2>/dev/null)
[ -n "$pages" ] || fail "no page in $src/docs/man"
for page in $pages; do
    name=$(basename "$page")
    warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
        man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "$name: man warns: $warnings"
    grep -q "^\.TH .* \"fouine $version\" " "$page" ||
        fail "$name: its .TH line does not say \"fouine $version\""
done

for tool in fouine-index fouine-query fouine-serve; do
    page=$src/docs/man/$tool.1
    if [ ! -f "$page" ]; then
        fail "$tool: no page docs/man/$tool.1"
        continue
    fi
    if [ ! -x "$build/$tool" ]; then
        # fouine-serve is built only with libmicrohttpd.
        echo "man_pages: $tool is not built: its options are not checked"
        continue
    fi
    # --help lists options at the start of its lines, the page in the
    # tags of OPTIONS (indented 7 columns).
    helped=$("$build/$tool" --help | grep -E '^ +-' | options_of)
    documented=$(section "$page" OPTIONS | grep -E '^       -' | options_of)
    [ -n "$helped" ] || fail "$tool: --help lists no option"
    for o in $helped; do
        echo "$documented" | grep -qxF -- "$o" ||
            fail "$tool.1: option $o of --help is not in OPTIONS"
    done
    for o in $documented; do
        echo "$helped" | grep -qxF -- "$o" ||
            fail "$tool.1: option $o of OPTIONS is not in --help"
    done
done

lib=$src/docs/man/libfouine.3
if [ -f "$lib" ]; then
    synopsis=$(section "$lib" SYNOPSIS)
    for h in "$@"; do
        header=fouine/$(basename "$h")
        grep -qF "$header" "$lib" || fail "libfouine.3: does not name <$header>"
        # The functions the header declares: its names followed by "(",
        # comments aside.
        for f in $(perl -0777 -pe 's{/\*.*?\*/}{}gs' "$h" |
            grep -oE '\bfouine_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u); do
            echo "$synopsis" | grep -qE "[ *]$f\(" ||
                fail "libfouine.3: $f() of <$header> is not in SYNOPSIS"
        done
    done
else
    fail "no page docs/man/libfouine.3"
fi

[ "$failed" -eq 0 ] && echo "man_pages: $(echo "$pages" | wc -w) pages checked"
exit "$failed"
