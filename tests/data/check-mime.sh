#!/bin/sh
# check-mime.sh MIME_XML: install the MIME package into a scratch database
# and check that *.needlemap files resolve to application/x-needlemap, a
# kind of JSON.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

xml=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if command -v xmllint >/dev/null 2>&1; then
  xmllint --noout "$xml"
fi

mkdir -p "$tmp/mime/packages"
cp "$xml" "$tmp/mime/packages/"
update-mime-database "$tmp/mime"

grep -q '^[0-9]*:application/x-needlemap:\*\.needlemap$' "$tmp/mime/globs2" ||
  { echo "globs2 does not map *.needlemap to application/x-needlemap" >&2; exit 1; }
grep -q '^application/x-needlemap application/json$' "$tmp/mime/subclasses" ||
  { echo "application/x-needlemap is not a subclass of application/json" >&2; exit 1; }
grep -q 'needlemap-consultation' "$tmp/mime/magic" ||
  { echo "no content magic for needlemap consultations" >&2; exit 1; }
echo "ok"
