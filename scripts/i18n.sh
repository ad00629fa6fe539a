#!/usr/bin/env bash
# Message catalogues for hrbpo (core and the built-in plugins share one).
#   scripts/i18n.sh          extract from hrbpo/**, update hi/ur/nb .po, compile .mo
#   scripts/i18n.sh compile  only compile the .po files into .mo
# After an update, translate every empty msgstr (tests/core/test_i18n.py
# fails while one is empty), then run `scripts/i18n.sh compile` and commit
# both the .po and the .mo files.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=hrbpo/core/translations
LOCALES="hi ur nb"

if [ "${1:-all}" != compile ]; then
  pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k _n:1,2 -k lazy_ngettext:1,2 \
    --no-location --sort-output --no-wrap --project hrbpo -o "$DIR/messages.pot" .
  for locale in $LOCALES; do
    if [ -f "$DIR/$locale/LC_MESSAGES/messages.po" ]; then
      pybabel -q update -i "$DIR/messages.pot" -d "$DIR" -l "$locale" --no-fuzzy-matching --ignore-obsolete --no-wrap
    else
      pybabel -q init -i "$DIR/messages.pot" -d "$DIR" -l "$locale" --no-wrap
    fi
  done
fi
pybabel compile -d "$DIR" --statistics
