#!/bin/sh
# test-cli-catalog.sh: gluster-peerctl's message catalog is complete.
#   1. every string marked in the sources of po/POTFILES.in is in the
#      template po/gluster-peer.pot (regenerate it with
#      "meson compile gluster-peer-pot" after changing strings);
#   2. po/de.po is valid and translates every message of the template,
#      nothing fuzzy, nothing missing.
# TAP output. Usage: test-cli-catalog.sh SOURCE_DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
src=${1:?usage: $0 SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..3"

# The keywords of meson's i18n "glib" preset.
(cd "$src" && xgettext --from-code=UTF-8 --language=C --add-comments \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    --files-from=po/POTFILES.in --output="$tmp/sources.pot") 2>"$tmp/xgettext.err"
if [ $? -ne 0 ]; then
    echo "not ok 1 - xgettext failed: $(cat "$tmp/xgettext.err")"
elif msgcmp --use-untranslated "$src/po/gluster-peer.pot" "$tmp/sources.pot" 2>"$tmp/cmp1.err"; then
    echo "ok 1 - every marked string is in po/gluster-peer.pot"
else
    echo "not ok 1 - po/gluster-peer.pot is missing strings of the sources:"
    sed 's/^/# /' "$tmp/cmp1.err"
fi

if stats=$(msgfmt --check --statistics -o /dev/null "$src/po/de.po" 2>&1) &&
   ! printf '%s' "$stats" | grep -Eq 'fuzzy|untranslated'; then
    echo "ok 2 - po/de.po is valid, nothing fuzzy or untranslated ($stats)"
else
    echo "not ok 2 - po/de.po: $stats"
fi

if msgcmp "$src/po/de.po" "$src/po/gluster-peer.pot" 2>"$tmp/cmp3.err"; then
    echo "ok 3 - po/de.po translates every message of the template"
else
    echo "not ok 3 - po/de.po lacks translations:"
    sed 's/^/# /' "$tmp/cmp3.err"
fi
