#!/usr/bin/env bash
# Build the peer, Scoop (harvard-lil/scoop at fddaaf6, v0.6.59), from its source
# in a directory outside the repository, for bench/bench_peer.py.  Scoop is never
# committed here.  Usage: bench/scoop_build.sh SOURCE_GIT_DIR [TARGET_DIR]
#   SOURCE_GIT_DIR  a git directory holding harvard-lil/scoop (a clone or mirror)
#   TARGET_DIR      where to build (default: $SCOOP_HOME or /tmp/evidence-bench-scoop)
# Prints the directory that bench_peer.py takes as --scoop (or SCOOP_HOME).
set -euo pipefail
COMMIT=fddaaf6
SRC=${1:?usage: scoop_build.sh SOURCE_GIT_DIR [TARGET_DIR]}
DEST=${2:-${SCOOP_HOME:-/tmp/evidence-bench-scoop}}
CHROMIUM=${EVIDENCE_CHROMIUM:-/usr/lib/chromium/chromium}
HEADLESS=${CHROMIUM_HEADLESS_SHELL:-/usr/lib/chromium/chromium-headless-shell}

case "$(realpath -m "$DEST")" in
  "$(realpath "$(dirname "$0")/..")"*) echo "refusing to build Scoop inside the repository" >&2; exit 2;;
esac
if [ ! -d "$DEST/.git" ]; then
  git clone -q "$SRC" "$DEST"
fi
git -C "$DEST" checkout -q "$COMMIT"
cd "$DEST"
# Its postinstall downloads yt-dlp and crip, which cannot work offline; the
# registry dependencies install normally, without Playwright's browser download.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >/dev/null
# Scoop refuses to start without these two helpers even with video and
# certificate capture off: stubs that exit 1 stand in for them.
mkdir -p executables
for tool in yt-dlp crip; do
  printf '#!/bin/sh\necho "%s: stub for the offline benchmark" >&2\nexit 1\n' "$tool" > "executables/$tool"
  chmod +x "executables/$tool"
done
# Scoop has no option for the browser executable: give playwright-core a tree of
# symlinks, named by the revision in its browsers.json, to Debian's Chromium.
REV=$(node -e 'const b=require("./node_modules/playwright-core/browsers.json").browsers;
  console.log(b.find(x=>x.name==="chromium").revision)')
HREV=$(node -e 'const b=require("./node_modules/playwright-core/browsers.json").browsers;
  const h=b.find(x=>x.name==="chromium-headless-shell"); console.log(h ? h.revision : "")')
BROWSERS="$DEST/browsers"
mkdir -p "$BROWSERS/chromium-$REV/chrome-linux" "$BROWSERS/chromium_headless_shell-${HREV:-$REV}/chrome-linux"
ln -sfn "$CHROMIUM" "$BROWSERS/chromium-$REV/chrome-linux/chrome"
ln -sfn "$HEADLESS" "$BROWSERS/chromium_headless_shell-${HREV:-$REV}/chrome-linux/headless_shell"
touch "$BROWSERS/chromium-$REV/INSTALLATION_COMPLETE" "$BROWSERS/chromium_headless_shell-${HREV:-$REV}/INSTALLATION_COMPLETE"
node bin/cli.js --version >/dev/null
echo "$DEST"
