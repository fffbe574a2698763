#!/usr/bin/env bash
# test-render-strings.sh: what the drawings' code leaves translators free to
# fix (issue 14, item 13): no label, colon or unit put together outside a
# translatable format
#
#   test-render-strings.sh SOURCE_DIR
#
# Copyright 2026 The Needlemap authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

top=${1:?usage: test-render-strings.sh SOURCE_DIR}
cd "$top" || exit 1

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for line in "$@"; do echo "# $line"; done; }

files=(app/render/nm-render-pdf.c app/render/nm-render-schedule.c app/render/nm-render-education.c
       app/render/nm-render-map.c)
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
# the keywords of glib's gettext preset
xgettext --from-code=UTF-8 --language=C --add-comments=Translators --no-wrap --force-po \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dpgettext2:2c,3 \
  -o "$pot" "${files[@]}" 2>/dev/null

# A finding and its severity: one format, with a context and a comment, and
# severities of their own that translators can put in a form needing no
# agreement ("Ridules (Modéré)" could not be fixed).
if grep -q '^msgctxt "finding and its severity"' <<<"$(grep -B1 -A0 '^msgid "%s (%s)"' "$pot")" \
   && grep -q '^msgctxt "severity after a finding"' "$pot"; then
  ok "finding and severity are joined by a translatable format, with severities of their own"
else
  not_ok "finding and severity are joined by a translatable format, with severities of their own"
fi

# No format that puts a colon after a placeholder outside _(): French
# wants a space before it ("Paupière gauche : …").
bare=$(grep -nE '(printf|printf_escaped|append_printf) \([a-z_]*,? ?"[^"]*%s[^"]*:' "${files[@]}" \
       | grep -vE '"[a-z]+:%|%016|mask:|map:' || true)
if [[ -z $bare ]]; then
  ok "no label with a hard-coded colon"
else
  not_ok "no label with a hard-coded colon" "$bare"
fi

# Units keep to their numbers: a no-break space (U+00A0 or U+202F) before
# mm, cm and % in every message
broken=$(grep -E '^msgid ".*([0-9]|%s|%\.?[0-9]*[fg]) (mm|cm|%%)' "$pot" || true)
if [[ -z $broken ]]; then
  ok "a no-break space before every unit"
else
  not_ok "a no-break space before every unit" "$broken"
fi

echo "1..$n"
exit $failed
