#!/bin/sh
# Rebuild the vendored rich-text editor from the npm registry (run by hand when upgrading;
# the portal itself never needs node). Writes static/vendor/tiptap/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../../static/vendor/tiptap"
work=$(mktemp -d)
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2019 \
  --legal-comments=eof --outfile="$out/tiptap.bundle.min.js"
cp node_modules/prosemirror-view/style/prosemirror.css "$out/"
for p in $(npm ls --all --parseable | grep node_modules | grep -v esbuild); do
  name=${p#*/node_modules/}
  version=$(node -p "require('$p/package.json').version")
  echo "=== $name $version ==="
  cat "$(ls "$p"/LICENSE* "$p"/license* 2>/dev/null | head -1)"
  echo
done > "$out/LICENSES.txt"
rm -rf "$work"
