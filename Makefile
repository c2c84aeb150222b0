SHELL := /bin/bash
.PHONY: demo test install typecheck bench sim clean speech-tools model browser

# npm ci only when the lock file changed since the last install. The first one compiles SQLite
# (better-sqlite3, by node-gyp) when no prebuilt binary matches: minutes on a small machine.
node_modules/.install-stamp: package.json package-lock.json
	@echo "[install] npm ci: downloading about 500 packages (590 MB) and compiling SQLite (better-sqlite3) with node-gyp"
	@echo "[install] when no prebuilt binary fits this machine. The first install takes minutes on a small machine"
	@echo "[install] (26 min measured on a busy 2-core VM); later runs skip it until package-lock.json changes."
	@start=$$(date +%s); set -o pipefail; npm ci --no-audit --no-fund --loglevel=http --foreground-scripts 2>&1 | \
	  awk '/^npm http fetch/ { n++; if (n % 100 == 0) { print "[install] " n " downloads"; fflush() } next } \
	    /prebuild-install|gyp info (ok|spawn args)|CC\(target\)|CXX\(target\)|SOLINK_MODULE/ { print "[install] " $$0; fflush(); next } \
	    /^(npm (warn|error)|added )|ERR!/ { print; fflush() }' && \
	  echo "[install] done in $$(( $$(date +%s) - start )) s"
	@# tap ships with its TypeScript plugin on; package.json turns it off. tap rebuilds its plugin set
	@# when it sees that, but the run that rebuilds it still starts every test file with the old
	@# set's ts-node hook on top of tsx: 1,070 s instead of 670 s for the first run after an install.
	npx tap build
	@touch $@

install: node_modules/.install-stamp

# Node directly, not through npm: Ctrl-C reaches it with the terminal's process group, and make
# returns only once it has stopped and freed its ports.
demo: install
	@echo "[demo] starting ringlead with the built-in Asterisk simulator; Ctrl-C stops it"
	node --no-memory-reducer --max-semi-space-size=64 --import tsx src/main.ts

typecheck: install
	npx tsc -p tsconfig.json --noEmit

# The speech tests speak their own audio fixtures with espeak-ng and sox (Debian packages).
speech-tools:
	@command -v espeak-ng >/dev/null && command -v sox >/dev/null || { \
	  echo "installing espeak-ng and sox for the speech test fixtures"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq espeak-ng sox >/dev/null; }

# make model NAME=base  (downloads a real Whisper model; needs the internet)
model: install
	node --import tsx src/speech-cli.ts download-model $(or $(NAME),base)

# The console's browser tests drive Debian's chromium; install it when missing (as root, or sudo -n).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo -n apt-get update -qq && sudo -n apt-get install -y -qq chromium; fi; \
	fi

test: install typecheck speech-tools browser
	@set -o pipefail; npx tap 2>&1 | tee .tap-output.txt; status=$$?; node scripts/test-summary.mjs .tap-output.txt; exit $$status

bench: install
	npm run bench

sim: install
	npm run sim

clean:
	rm -rf node_modules dist .tap .tap-output.txt data
