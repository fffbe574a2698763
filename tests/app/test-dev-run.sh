#!/usr/bin/env bash
# build-aux/dev run starts the app from the build tree: the settings schema
# and the translations it points at must be where the build puts them.
set -u
top=$1 build=$2
n=0 failed=0
check() { n=$((n + 1)); if "${@:2}"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; fi; }

schema=$(sed -n 's|.*GSETTINGS_SCHEMA_DIR="\$top/\$builddir/\([^"]*\)".*|\1|p' "$top/build-aux/dev")
locale=$(sed -n 's|.*NEEDLEMAP_LOCALEDIR="\$top/\$builddir/\([^"]*\)".*|\1|p' "$top/build-aux/dev")
check "dev run sets a schema folder" test -n "$schema"
check "the compiled schema is there" test -f "$build/$schema/gschemas.compiled"
check "dev run sets a catalogue folder" test -n "$locale"
check "the German catalogue is there" test -f "$build/$locale/de/LC_MESSAGES/needlemap.mo"
echo "1..$n"
[ $failed -eq 0 ]
