#!/usr/bin/env bash
# The command line of spec §4, run as a user would, with no display and no
# D-Bus session.
set -u
exe=$1 top=$2
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$("$exe" --version 2>&1); rc=$?
check "--version exits 0" test $rc -eq 0
check "--version prints the version" grep -qE '^needlemap [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"

out=$("$exe" --help 2>&1); rc=$?
check "--help exits 0" test $rc -eq 0
check "--help lists --plan" grep -q -- '--plan' <<<"$out"

"$exe" --no-such-option >"$tmp/out" 2>"$tmp/err"; rc=$?
check "unknown option is a usage error (exit 2)" test $rc -eq 2
check "usage error names the option" grep -q 'no-such-option' "$tmp/err"
check "usage error is one line" test "$(wc -l <"$tmp/err")" -eq 1
check "usage error prints nothing on stdout" test ! -s "$tmp/out"

NEEDLEMAP_TODAY=2026-11-21 "$exe" --plan "$top/resources/sample.needlemap" >"$tmp/plan1" 2>"$tmp/err"; rc=$?
check "--plan on the sample exits 0" test $rc -eq 0
check "--plan prints a needlemap-plan" grep -q '"format": *"needlemap-plan"' "$tmp/plan1"
check "--plan writes nothing on stderr" test ! -s "$tmp/err"
NEEDLEMAP_TODAY=2026-11-21 "$exe" --plan "$top/resources/sample.needlemap" >"$tmp/plan2" 2>/dev/null
check "--plan is deterministic" cmp -s "$tmp/plan1" "$tmp/plan2"
check "--plan prints no client name" bash -c "! grep -q 'Ana Silva' '$tmp/plan1'"

"$exe" --plan "$tmp/missing.needlemap" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--plan on a missing file exits 1" test $rc -eq 1
check "the error is one line" test "$(wc -l <"$tmp/err")" -eq 1
check "the error names the file" grep -q 'missing.needlemap' "$tmp/err"
check "nothing on stdout on error" test ! -s "$tmp/out"

printf '{"format": "needlemap-consultation", "version": 1, "client": {"fitzpatrick": 9}, "findings": []}' >"$tmp/bad.needlemap"
"$exe" --plan "$tmp/bad.needlemap" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--plan on a bad file exits 1" test $rc -eq 1
check "the error names the key path" grep -q 'client.fitzpatrick' "$tmp/err"
check "the bad-file error is one line" test "$(wc -l <"$tmp/err")" -eq 1

"$exe" --plan >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--plan without a file is a usage error" test $rc -eq 2

# two commands at once: a usage error, neither is run
sample=$top/resources/sample.needlemap
for pair in "--plan $sample --export-png $tmp/two.png" "--export-pdf $tmp/two.pdf --export-ics $tmp/two.ics" \
            "--export-png $tmp/two.png --export-pdf $tmp/two.pdf" "--plan $sample --export-ics $tmp/two.ics"; do
  # shellcheck disable=SC2086
  "$exe" $pair "$sample" >"$tmp/out" 2>"$tmp/err"; rc=$?
  check "two commands ($pair) are a usage error (exit 2)" test $rc -eq 2
  check "in one line, nothing on stdout" test "$(wc -l <"$tmp/err")" -eq 1 -a ! -s "$tmp/out"
  check "and nothing is written" bash -c "! ls '$tmp'/two.* >/dev/null 2>&1"
done

# --find-lot LOT FOLDER… (issue 16): lines by default, JSON with --json
mkdir -p "$tmp/lots/a"
printf '{"format":"needlemap-consultation","version":1,"client":{"fitzpatrick":2,"name":"Ana Silva"},"findings":[],"sessions":[{"date":"2026-12-01","done":true,"depth_mm":{"chin":1.0},"cartridge_lot":"LOT-9"}]}' >"$tmp/lots/a/one.needlemap"
printf '{"format":"needlemap-consultation","cartridge_lot":"LOT-9"' >"$tmp/lots/broken.needlemap"
out=$("$exe" --help 2>&1)
check "--help lists --find-lot" grep -q -- '--find-lot' <<<"$out"
"$exe" --find-lot LOT-9 "$tmp/lots" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--find-lot with a file it cannot read exits 1" test $rc -eq 1
check "--find-lot prints file, date and regions" grep -qx "$tmp/lots/a/one.needlemap	2026-12-01	chin" "$tmp/out"
check "--find-lot names the broken file on stderr, in one line" \
  test "$(grep -c 'broken.needlemap' "$tmp/err")" -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
check "--find-lot prints no client name" bash -c "! grep -q 'Ana Silva' '$tmp/out' '$tmp/err'"
rm "$tmp/lots/broken.needlemap"
"$exe" --find-lot LOT-9 --json "$tmp/lots" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--find-lot --json exits 0" test $rc -eq 0
check "--find-lot --json prints a needlemap-lot-search" grep -q '"format": *"needlemap-lot-search"' "$tmp/out"
"$exe" --find-lot OTHER "$tmp/lots" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--find-lot finding nothing exits 0 and prints nothing" test $rc -eq 0 -a ! -s "$tmp/out" -a ! -s "$tmp/err"
"$exe" --find-lot LOT-9 >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--find-lot without a folder is a usage error" test $rc -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
"$exe" --json "$tmp/lots" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--json without --find-lot is a usage error" test $rc -eq 2
"$exe" --find-lot "LOT 9" "$tmp/lots" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--find-lot with a lot that cannot be is a usage error" test $rc -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
"$exe" --find-lot LOT-9 --plan "$sample" "$tmp/lots" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--find-lot with another command is a usage error" test $rc -eq 2 -a ! -s "$tmp/out"

echo "1..$n"
[ $failed -eq 0 ]
