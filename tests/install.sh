#!/bin/sh
# install.sh SOURCE_DIR BUILD_DIR PREFIX LIBDIR INCLUDEDIR MANDIR UNITDIR
#            VERSION CFLAGS HEADER...
# What a user of an installed fouine gets: the build tree is installed in
# a staging directory (DESTDIR, as a package build does), then
#   - the files are there, and only those: the tools, libfouine.so.* with
#     its symbolic links and SONAME, libfouine.a, the extension, exactly the
#     public HEADERs (not the internal ones), fouine.pc, the CMake package,
#     the manual pages and the systemd unit (naming PREFIX's fouine-serve);
#   - each installed header compiles on its own with -Werror -pedantic;
#   - examples/search.c builds against the staged tree, through pkg-config
#     (examples/Makefile, shared and static) and through find_package(fouine)
#     (examples/CMakeLists.txt), and each program prints the words of a
#     French sentence as the analyzer reads them, from the staged library;
#   - debian/changelog is of VERSION.
# The directories are CMake's (relative to PREFIX, or absolute); CFLAGS are
# the build's sanitizer flags, which a program linking it needs too.
set -u
src=$1
build=$2
prefix=$3
libdir=$4
includedir=$5
mandir=$6
unitdir=$7
version=$8
cflags=$9
shift 9

failed=0
fail() {
    echo "install: $*"
    failed=1
}

# An install directory of CMake's under the staging directory.
staged() {
    case $1 in
    /*) echo "$stage$1" ;;
    *) echo "$stage$prefix/$1" ;;
    esac
}

stage=$build/install-check
work=$build/install-check.work
rm -rf "$stage" "$work"
mkdir -p "$work"
if ! DESTDIR=$stage cmake --install "$build" >"$work/install.log" 2>&1; then
    cat "$work/install.log"
    fail "cmake --install failed"
    exit 1
fi
bin=$(staged bin)
lib=$(staged "$libdir")
inc=$(staged "$includedir")
man=$(staged "$mandir")
units=$(staged "$unitdir")

# The files.
tools="fouine-index fouine-query"
[ -x "$build/fouine-serve" ] && tools="$tools fouine-serve"
for t in $tools; do
    [ -x "$bin/$t" ] || fail "no $bin/$t"
    [ -f "$man/man1/$t.1" ] || fail "no manual page $man/man1/$t.1"
done
[ -f "$man/man3/libfouine.3" ] || fail "no manual page libfouine.3"
real=$lib/libfouine.so.$version
[ -f "$real" ] && [ ! -L "$real" ] || fail "no $real"
[ "$(readlink "$lib/libfouine.so.0")" = "libfouine.so.$version" ] ||
    fail "libfouine.so.0 is not a link to libfouine.so.$version"
[ "$(readlink "$lib/libfouine.so")" = "libfouine.so.0" ] ||
    fail "libfouine.so is not a link to libfouine.so.0"
readelf -d "$real" | grep -q 'SONAME.*\[libfouine\.so\.0\]' ||
    fail "the SONAME of libfouine.so.$version is not libfouine.so.0"
# The shared library exports the functions of the public headers, and only
# those (lib/libfouine.map).
declared=$(for h in "$@"; do
    sed -n 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *]\(fouine_[a-z0-9_]*\)(.*/\1/p' "$h"
done | sort -u)
exported=$(nm -D --defined-only "$real" 2>/dev/null |
    awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)
[ -n "$declared" ] && [ "$declared" = "$exported" ] ||
    fail "libfouine.so exports '$(echo $exported)', the headers declare '$(echo $declared)'"
for f in libfouine.a fouine/fouine.so pkgconfig/fouine.pc \
    cmake/fouine/fouineConfig.cmake cmake/fouine/fouineConfigVersion.cmake \
    cmake/fouine/fouineTargets.cmake; do
    [ -f "$lib/$f" ] || fail "no $lib/$f"
done
for h in store.h indexer.h query.h alloc_fault.h; do
    [ ! -e "$inc/fouine/$h" ] || fail "the internal header fouine/$h is installed"
done
want=$(for h in "$@"; do basename "$h"; done | sort)
have=$(ls "$inc/fouine" 2>/dev/null | sort)
[ "$have" = "$want" ] ||
    fail "include/fouine holds '$(echo $have)', not the public headers '$(echo $want)'"
if [ -x "$build/fouine-serve" ]; then
    unit=$units/fouine-serve.service
    grep -qx "ExecStart=$prefix/bin/fouine-serve .*" "$unit" ||
        fail "$unit does not run $prefix/bin/fouine-serve"
fi

# pkg-config over the staged tree: the .pc names PREFIX, the sysroot moves
# its directories into the staging directory.
PKG_CONFIG_PATH=$lib/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
got=$(pkg-config --modversion fouine)
[ "$got" = "$version" ] || fail "pkg-config --modversion fouine: '$got'"
pkg-config --cflags fouine | grep -qF -- "-I$inc" ||
    fail "pkg-config --cflags fouine: $(pkg-config --cflags fouine)"
for h in $have; do
    # (version.h holds only macros: the variable keeps the unit not empty)
    printf '#include <fouine/%s>\nint header_check;\n' "$h" >"$work/header.c"
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
        $(pkg-config --cflags fouine) "$work/header.c" ||
        fail "<fouine/$h> does not compile on its own"
done

# The example prints the version, then the words of its sentence as
# examples/search.expected has them.
# check_run NAME PROGRAM [ENV...]: PROGRAM prints them.
check_run() {
    name=$1
    program=$2
    shift 2
    if ! env "$@" "$program" >"$work/$name.out" 2>&1; then
        cat "$work/$name.out"
        fail "$name: the example failed"
        return
    fi
    [ "$(head -n 1 "$work/$name.out")" = "libfouine $version" ] ||
        fail "$name: the example's first line is not 'libfouine $version'"
    tail -n +2 "$work/$name.out" | diff -u "$src/examples/search.expected" - ||
        fail "$name: the example printed other words"
}

strict="-O0 -g -Wall -Wextra -Wpedantic -Werror $cflags"
if make -s -C "$src/examples" SEARCH="$work/search" CFLAGS="$strict" \
    >"$work/make.log" 2>&1; then
    check_run pkg-config "$work/search" LD_LIBRARY_PATH="$lib"
    LD_LIBRARY_PATH=$lib ldd "$work/search" |
        grep -qF "libfouine.so.0 => $lib/libfouine.so.0" ||
        fail "pkg-config: the example does not run the staged libfouine.so.0"
else
    cat "$work/make.log"
    fail "pkg-config: examples/Makefile failed"
fi

# Static: libfouine.a and the libraries of Libs.private and
# Requires.private, which must be all it needs.
# shellcheck disable=SC2046
if cc -std=c11 $strict $(pkg-config --cflags fouine) -o "$work/search-static" \
    "$src/examples/search.c" \
    $(pkg-config --static --libs fouine | sed 's/-lfouine\b/-l:libfouine.a/'); then
    check_run static "$work/search-static"
    ! ldd "$work/search-static" | grep -q libfouine ||
        fail "static: the example links libfouine.so"
else
    fail "static: the example does not link with pkg-config --static --libs"
fi
unset PKG_CONFIG_SYSROOT_DIR

# find_package(fouine) over the staged tree.
if cmake -S "$src/examples" -B "$work/cmake" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_PREFIX_PATH="$stage$prefix" -DCMAKE_C_FLAGS="$strict" \
    >"$work/cmake.log" 2>&1 &&
    cmake --build "$work/cmake" >>"$work/cmake.log" 2>&1; then
    grep -qx "fouine_DIR:PATH=$lib/cmake/fouine" "$work/cmake/CMakeCache.txt" ||
        fail "cmake: find_package(fouine) did not find the staged package"
    check_run cmake "$work/cmake/search"
else
    cat "$work/cmake.log"
    fail "cmake: examples/CMakeLists.txt failed"
fi

# The Debian packages are of the same version.
head -n 1 "$src/debian/changelog" | grep -qF "fouine ($version)" ||
    fail "debian/changelog's first entry is not of version $version"

if [ "$failed" -eq 0 ]; then
    echo "install: the staged tree and the example built from it (pkg-config, static, CMake) are right"
    rm -rf "$stage" "$work"
fi
exit "$failed"
