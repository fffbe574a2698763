#!/usr/bin/env bash
# needlemap --export-png (spec §4), run as a user would, with no display and
# no D-Bus session.
set -u
exe=$1 top=$2
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sample=$top/resources/sample.needlemap

# PNG width and height from the IHDR chunk (bytes 16–23, big-endian)
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }
is_png() { [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

"$exe" --export-png "$tmp/default.png" "$sample" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "export with defaults exits 0" test $rc -eq 0
check "it writes a PNG" is_png "$tmp/default.png"
check "the default size is 960x1200 for a face" test "$(png_size "$tmp/default.png")" = 960x1200
check "nothing on stdout or stderr" test ! -s "$tmp/out" -a ! -s "$tmp/err"
check "the file is private (0600)" test "$(stat -c %a "$tmp/default.png")" = 600

"$exe" --export-png "$tmp/sized.png" "$sample" --view body-front --size 640x480 2>"$tmp/err"; rc=$?
check "--view and --size export exits 0" test $rc -eq 0
check "--size is honoured" test "$(png_size "$tmp/sized.png")" = 640x480
"$exe" --export-png "$tmp/scalp.png" --view scalp "$sample" 2>/dev/null
check "another view gives another picture" bash -c "! cmp -s '$tmp/default.png' '$tmp/scalp.png'"
"$exe" --export-png "$tmp/again.png" "$sample" 2>/dev/null
check "export is deterministic" cmp -s "$tmp/default.png" "$tmp/again.png"
"$exe" --export-png "$tmp/front.png" --view face-front "$sample" 2>/dev/null
check "the default view of the sample is face-front" cmp -s "$tmp/default.png" "$tmp/front.png"

# Errors: one line, the right exit code, no output file
"$exe" --export-png "$tmp/missing.png" "$tmp/missing.needlemap" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a missing file exits 1" test $rc -eq 1
check "the error is one line naming the file" bash -c "[ \$(wc -l <'$tmp/err') -eq 1 ] && grep -q 'missing.needlemap' '$tmp/err'"
check "no output on error" test ! -e "$tmp/missing.png"

printf '{"format": "needlemap-consultation", "version": 1, "client": {"fitzpatrick": 9}, "findings": []}' >"$tmp/bad.needlemap"
"$exe" --export-png "$tmp/bad.png" "$tmp/bad.needlemap" 2>"$tmp/err"; rc=$?
check "a bad file exits 1" test $rc -eq 1
check "the error names the key path" grep -q 'client.fitzpatrick' "$tmp/err"
check "a bad file leaves no output" test ! -e "$tmp/bad.png"

cp "$tmp/sized.png" "$tmp/keep.png"
"$exe" --export-png "$tmp/keep.png" "$tmp/bad.needlemap" 2>/dev/null; rc=$?
check "an existing OUT is untouched when the file is bad" bash -c "[ $rc -eq 1 ] && cmp -s '$tmp/sized.png' '$tmp/keep.png'"
"$exe" --export-png "$tmp/keep.png" "$sample" --view elbow 2>"$tmp/err"; rc=$?
check "an unknown view is a usage error (exit 2)" test $rc -eq 2
check "the error names the view" grep -q 'elbow' "$tmp/err"
check "an existing OUT is untouched on an unknown view" cmp -s "$tmp/sized.png" "$tmp/keep.png"
"$exe" --export-png "$tmp/keep.png" "$sample" --size 12x 2>/dev/null; rc=$?
check "an existing OUT is untouched on a usage error" bash -c "[ $rc -eq 2 ] && cmp -s '$tmp/sized.png' '$tmp/keep.png'"

cp "$sample" "$tmp/self.needlemap"
ln -s self.needlemap "$tmp/link.needlemap"
for out in "$tmp/self.needlemap" "$tmp/link.needlemap"; do
  "$exe" --export-png "$out" "$tmp/self.needlemap" 2>"$tmp/err"; rc=$?
  check "OUT being FILE itself ($out) exits 1" test $rc -eq 1
  check "and the error names OUT on one line" bash -c "[ \$(wc -l <'$tmp/err') -eq 1 ] && grep -q '^needlemap: $out: ' '$tmp/err'"
done
check "the consultation is never replaced by the picture" cmp -s "$sample" "$tmp/self.needlemap"

"$exe" --export-png "$tmp/no-such-dir/out.png" "$sample" 2>"$tmp/err"; rc=$?
check "an unwritable OUT exits 1" test $rc -eq 1
check "the error names OUT on one line" bash -c "[ \$(wc -l <'$tmp/err') -eq 1 ] && grep -q 'no-such-dir' '$tmp/err'"
check "no directory is created" test ! -e "$tmp/no-such-dir"
mkdir "$tmp/ro" && chmod 500 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  "$exe" --export-png "$tmp/ro/out.png" "$sample" 2>/dev/null; rc=$?
  check "a read-only directory exits 1" test $rc -eq 1
fi

for size in 0x100 100x0 abc 100 x100 100x 9000x100 100x9000 -5x10 "10 x10" 1e3x10 100x100x1; do
  "$exe" --export-png "$tmp/s.png" "$sample" --size "$size" >/dev/null 2>"$tmp/err"; rc=$?
  check "--size '$size' is a usage error (exit 2)" test $rc -eq 2
done
check "no output after usage errors" test ! -e "$tmp/s.png"
"$exe" --export-png "$tmp/big.png" "$sample" --size 8192x16 2>/dev/null; rc=$?
check "the largest side (8192) is accepted" bash -c "[ $rc -eq 0 ] && [ \$(od -An -tu1 -j16 -N4 '$tmp/big.png' | awk '{print \$3*256+\$4}') -eq 8192 ]"

"$exe" --export-png "$tmp/x.png" >/dev/null 2>"$tmp/err"; rc=$?
check "--export-png without FILE is a usage error" test $rc -eq 2
"$exe" --export-png "$tmp/x.png" "$sample" "$sample" >/dev/null 2>&1; rc=$?
check "--export-png with two files is a usage error" test $rc -eq 2
"$exe" --view scalp "$sample" >/dev/null 2>&1; rc=$?
check "--view without --export-png is a usage error" test $rc -eq 2
check "no output after usage errors" test ! -e "$tmp/x.png"

out=$("$exe" --help 2>&1)
check "--help lists --export-png" grep -q -- '--export-png' <<<"$out"

echo "1..$n"
[ $failed -eq 0 ]
