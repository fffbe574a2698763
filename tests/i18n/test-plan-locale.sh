#!/usr/bin/env bash
# test-plan-locale.sh: `needlemap --plan` gives the same bytes in every locale
#
#   test-plan-locale.sh NEEDLEMAP SOURCE_DIR LOCALEDIR
#
# LOCALEDIR holds the build's catalogues (po/<lang>/LC_MESSAGES/needlemap.mo),
# so that a translated command line is really in effect: --help comes out in
# the language while the plan stays English with '.' decimals (spec §3:
# "Output is deterministic").
#
# Copyright 2026 The Needlemap authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

exe=${1:?usage: test-plan-locale.sh NEEDLEMAP SOURCE_DIR LOCALEDIR}
top=${2:?}
localedir=${3:?}
sample=$top/resources/sample.needlemap
expected=$top/tests/planner/sample.plan.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export NEEDLEMAP_TODAY=2026-11-20 NEEDLEMAP_LOCALEDIR=$localedir
export XDG_CONFIG_HOME=$tmp/config   # no clinic protocol from the user's home
unset LANGUAGE LANG LC_ALL

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for line in "$@"; do echo "# $line"; done; }

have_locale() {
  local want
  want=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed 's/utf-8/utf8/')
  # a here-string, not a pipe into grep -q (pipefail and SIGPIPE)
  grep -qx "$want" <<<"$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]')"
}

LC_ALL=C.UTF-8 "$exe" --plan "$sample" >"$tmp/C.json" 2>"$tmp/C.err"
if cmp -s "$tmp/C.json" "$expected"; then
  ok "the plan in the C locale is tests/planner/sample.plan.json"
else
  not_ok "the plan in the C locale is tests/planner/sample.plan.json" "$(diff "$expected" "$tmp/C.json" | head -5)"
fi

# locale, LANGUAGE, a word of that language's --help
for spec in "de_DE.UTF-8 de Behandlungsplan" "fr_FR.UTF-8 fr traitement" \
            "es_ES.UTF-8 es tratamiento" "pt_BR.UTF-8 pt_BR tratamento" "en_US.UTF-8 en_US treatment"; do
  read -r loc lang word <<<"$spec"
  if ! have_locale "$loc"; then
    skip "the plan under $loc is byte-identical" "locale $loc is not installed (build-aux/dev deps generates it)"
    continue
  fi

  # The catalogue is in effect: --help speaks the language.
  help=$(LC_ALL=$loc LANGUAGE=$lang "$exe" --help 2>&1)
  if grep -q "$word" <<<"$help"; then
    ok "--help under $loc is translated ($word)"
  else
    not_ok "--help under $loc is translated ($word)" "$(head -5 <<<"$help")"
  fi

  LC_ALL=$loc LANGUAGE=$lang "$exe" --plan "$sample" >"$tmp/$lang.json" 2>"$tmp/$lang.err"
  if cmp -s "$tmp/$lang.json" "$tmp/C.json"; then
    ok "the plan under $loc is byte-identical to the C locale's"
  else
    not_ok "the plan under $loc is byte-identical to the C locale's" "$(diff "$tmp/C.json" "$tmp/$lang.json" | head -8)"
  fi
done

# The same with only LANG set, as a desktop session does.
if have_locale de_DE.UTF-8; then
  LANG=de_DE.UTF-8 "$exe" --plan "$sample" >"$tmp/lang.json" 2>/dev/null
  if cmp -s "$tmp/lang.json" "$tmp/C.json"; then
    ok "the plan under LANG=de_DE.UTF-8 is byte-identical"
  else
    not_ok "the plan under LANG=de_DE.UTF-8 is byte-identical" "$(diff "$tmp/C.json" "$tmp/lang.json" | head -8)"
  fi
fi

echo "1..$n"
exit $failed
