SHELL := /bin/bash
.PHONY: demo test install typecheck bench sim clean

# npm ci only when the lock file changed since the last install.
node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp

demo: install
	npm start

typecheck: install
	npx tsc -p tsconfig.json --noEmit

test: install typecheck
	@set -o pipefail; npx tap 2>&1 | tee .tap-output.txt; status=$$?; node scripts/test-summary.mjs .tap-output.txt; exit $$status

bench: install
	npm run bench

sim: install
	npm run sim

clean:
	rm -rf node_modules dist .tap .tap-output.txt data
