#!/usr/bin/env bash
# test-catalogues.sh: the message catalogues and the list of translatable files
#
#   test-catalogues.sh SOURCE_DIR
#
# Copyright 2026 The Needlemap authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

top=${1:?usage: test-catalogues.sh SOURCE_DIR}
cd "$top" || exit 1

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for line in "$@"; do echo "# $line"; done; }

# Every language of po/LINGUAS has its catalogue, and the four the clinics
# asked for are there.
mapfile -t langs < <(grep -v '^#' po/LINGUAS | tr ' ' '\n' | sed '/^$/d')
for want in de fr es pt_BR; do
  # (not "printf | grep -q": with pipefail, grep leaving at the first line
  # can fail the pipe with printf's SIGPIPE)
  if grep -qx "$want" <<<"$(printf '%s\n' "${langs[@]}")"; then
    ok "po/LINGUAS lists $want"
  else
    not_ok "po/LINGUAS lists $want"
  fi
done

declare -A plural=(
  [de]='nplurals=2; plural=(n != 1);'
  [es]='nplurals=2; plural=(n != 1);'
  [fr]='nplurals=2; plural=(n > 1);'
  [pt_BR]='nplurals=2; plural=(n > 1);'
)

for lang in "${langs[@]}"; do
  po=po/$lang.po
  if [[ ! -f $po ]]; then
    not_ok "$po exists"
    continue
  fi

  # Syntax, header, format strings (c-format) and plural forms.
  if out=$(msgfmt --check --check-format --check-header --check-domain -o /dev/null "$po" 2>&1); then
    ok "$po passes msgfmt --check --check-format"
  else
    mapfile -t lines <<<"$out"
    not_ok "$po passes msgfmt --check --check-format" "${lines[@]:0:20}"
  fi

  header=$(grep -m1 '^"Plural-Forms:' "$po" | sed 's/^"Plural-Forms: *//; s/\\n"$//')
  if [[ -n ${plural[$lang]:-} && $header != "${plural[$lang]}" ]]; then
    not_ok "$po has the Plural-Forms of $lang" "found: $header" "expected: ${plural[$lang]}"
  else
    ok "$po has the Plural-Forms of $lang"
  fi

  # Coverage: translated / all messages of the template, at least 98 %.
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
  translated=$(sed -n 's/^\([0-9]*\) translated message.*/\1/p' <<<"$stats")
  fuzzy=$(sed -n 's/.* \([0-9]*\) fuzzy translation.*/\1/p' <<<"$stats")
  untranslated=$(sed -n 's/.* \([0-9]*\) untranslated message.*/\1/p' <<<"$stats")
  translated=${translated:-0} fuzzy=${fuzzy:-0} untranslated=${untranslated:-0}
  total=$((translated + fuzzy + untranslated))
  if [[ $total -gt 0 && $((translated * 1000 / total)) -ge 980 ]]; then
    ok "$po is at least 98 % translated ($translated of $total)"
  else
    not_ok "$po is at least 98 % translated ($translated of $total)" "$stats"
  fi

  # Every message of the template is in the catalogue (not a stale one).
  if out=$(msgcmp --use-untranslated "$po" po/needlemap.pot 2>&1); then
    ok "$po has every message of po/needlemap.pot"
  else
    mapfile -t lines <<<"$out"
    not_ok "$po has every message of po/needlemap.pot" "${lines[@]:0:10}"
  fi

  # Mnemonics: a translated label keeps its underline when the source has one.
  if out=$(msgattrib --translated --no-fuzzy "$po" 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
bad = []
for m in re.finditer(r"^msgid ((?:\".*\"\n)+)msgstr ((?:\".*\"\n)+)", text, re.M):
    mid = "".join(re.findall(r"\"(.*)\"", m.group(1)))
    mstr = "".join(re.findall(r"\"(.*)\"", m.group(2)))
    if re.search(r"(^|[ (])_[A-Za-z]|^[A-Za-z]+_[a-z]", mid) and "max_mm" not in mid and "step_mm" not in mid \
       and "NEEDLEMAP_" not in mid and mstr and "_" not in mstr:
        bad.append(mid + " -> " + mstr)
print("\n".join(bad))
sys.exit(1 if bad else 0)
'); then
    ok "$po keeps the mnemonics"
  else
    mapfile -t lines <<<"$out"
    not_ok "$po keeps the mnemonics" "${lines[@]:0:10}"
  fi

  # The sources' keys (the clinical reference's, as the protocol cites
  # them: "AMI, AGB, MAD") are never translated.
  if out=$(python3 - "$po" resources/protocol.json <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
keys = set()
def walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "sources":
                keys.update(v)
            else:
                walk(v)
walk(json.load(open(sys.argv[2], encoding="utf-8")))
bad = []
checked = 0
for m in re.finditer(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', text, re.M):
    mid = "".join(re.findall(r'"(.*)"', m.group(1)))
    mstr = "".join(re.findall(r'"(.*)"', m.group(2)))
    for key in set(re.findall(r"\b[A-Z][A-Z0-9]+\b", mid)) & keys:
        checked += 1
        if not re.search(r"\b" + key + r"\b", mstr):
            bad.append(f"{key} in {mid[:60]}")
print("\n".join(bad))
sys.exit(1 if bad or checked == 0 else 0)
PY
); then
    ok "$po keeps the sources' keys"
  else
    mapfile -t lines <<<"$out"
    not_ok "$po keeps the sources' keys" "${lines[@]:0:10}"
  fi
done

# po/POTFILES.in lists every file with translatable text, and only files
# that exist.
missing_files=()
while read -r f; do
  [[ -z $f || $f == \#* ]] && continue
  [[ -f $f ]] || missing_files+=("$f")
done < po/POTFILES.in
if [[ ${#missing_files[@]} -eq 0 ]]; then
  ok "every file in po/POTFILES.in exists"
else
  not_ok "every file in po/POTFILES.in exists" "${missing_files[@]}"
fi

unlisted=()
while read -r f; do
  grep -qxF "$f" po/POTFILES.in || unlisted+=("$f")
done < <(grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|plan_tr|plan_trn) ?\(|translatable="yes"' \
           --include='*.c' --include='*.ui' app ui | sort)
if [[ ${#unlisted[@]} -eq 0 ]]; then
  ok "po/POTFILES.in lists every .c and .ui file with translatable text"
else
  not_ok "po/POTFILES.in lists every .c and .ui file with translatable text" "${unlisted[@]}"
fi

for f in resources/data/*.desktop.in resources/data/*.metainfo.xml.in resources/data/*.gschema.xml resources/data/*.mime.xml.in; do
  if grep -qxF "$f" po/POTFILES.in; then
    ok "po/POTFILES.in lists $f"
  else
    not_ok "po/POTFILES.in lists $f"
  fi
done

if grep -q 'gettext-domain="needlemap"' resources/data/*.gschema.xml; then
  ok "the settings schema names its gettext domain"
else
  not_ok "the settings schema names its gettext domain"
fi

# The protocol's texts that reach the plan (schedule labels, the notes of
# regions that are never needled) are in the template.
if out=$(python3 - resources/protocol.json po/needlemap.pot <<'PY'
import json, re, sys
protocol = json.load(open(sys.argv[1], encoding="utf-8"))
pot = open(sys.argv[2], encoding="utf-8").read()
msgids = set()
for m in re.finditer(r'^msgid ((?:".*"\n)+)', pot, re.M):
    msgids.add("".join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"'))
texts = [s["label"] for s in protocol["schedules"].values() if "label" in s]
texts += [r["note"] for r in protocol["regions"].values() if r.get("treat") is False and "note" in r]
missing = [t for t in texts if t not in msgids]
print("\n".join(missing))
sys.exit(1 if missing or not texts else 0)
PY
); then
  ok "the protocol's display texts are in po/needlemap.pot"
else
  mapfile -t lines <<<"$out"
  not_ok "the protocol's display texts are in po/needlemap.pot" "${lines[@]}"
fi

echo "1..$n"
exit $failed
