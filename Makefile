SHELL := /bin/bash
.PHONY: demo test install typecheck bench sim clean speech-tools model browser

# npm ci only when the lock file changed since the last install.
node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp

demo: install
	npm start

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
