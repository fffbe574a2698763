#!/bin/sh
# check-metainfo-release.sh VERSION METAINFO: the newest release listed in
# the metainfo must be the version meson builds.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

version=$1
metainfo=$2

listed=$(xmllint --xpath 'string(/component/releases/release[1]/@version)' "$metainfo")
if [ "$listed" != "$version" ]; then
  echo "metainfo lists release '$listed' first, but the project version is '$version'" >&2
  exit 1
fi
echo "ok"
