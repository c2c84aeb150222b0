// The layer rules of STYLE.md ("Layout: who may import what"), checked on every import of src/ by
// test/architecture/dependency-rules.test.ts (part of `make test`). test/ and bench/ may import
// anything; they are not cruised. A rule's `comment` says why it exists.

/**
 * Files that still break a rule, each named, until the change that fixes them lands. An entry here
 * is a known debt, not a permission: remove it with the fix.
 */
const pending = {
  leadsToCallLayer: []
}

/**
 * The HTTP composition root: app.ts receives the database from the daemon and the tests and binds
 * the services to it (accounts, catalog, tracking, calls, reports…). It is the one src/http module
 * that may name db/; routes and plugins only ever see the bound services.
 */
const httpCompositionRoot = '^src/http/app\\.ts$'

/** Libraries that decide nothing about the outside world: the only ones domain/ may use. */
const pureLibraries = ['luxon', 'libphonenumber-js', '@orama/stemmers', '@zxcvbn-ts/core', '@zxcvbn-ts/language-common']
const pureLibraryPath = `(^|/)node_modules/(${pureLibraries.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})/`

/** A rule: imports `from` → `to` are errors; `comment` says why the rule exists. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to })

module.exports = {
  forbidden: [
    forbid('domain-imports-only-domain',
      'domain/ holds pure decisions: no fs, net, db, logger or other layer; only domain/ and pure libraries',
      { path: '^src/domain/' },
      { pathNot: [`^src/domain/`, pureLibraryPath] }),
    forbid('http-does-not-import-db',
      'routes call services (leads, calls, catalog, speech…); services own transactions, repositories only read and write; only the composition root (app.ts) binds services to the database',
      { path: '^src/http/', pathNot: httpCompositionRoot },
      { path: '^src/db/' }),
    forbid('asterisk-adapters-do-not-import-calls-leads-db',
      'adapters translate between the wire and our terms and never decide: they know nothing above them',
      { path: '^src/asterisk/' },
      { path: '^src/(calls|leads|db|http|jobs|notify|reports|speech|catalog|pbx)/' }),
    forbid('db-imports-only-domain',
      'repositories read and write rows; the types they speak come from domain/ (errors, ids and the clock are shared by all), nothing from the layers above',
      { path: '^src/db/' },
      { path: '^src/', pathNot: ['^src/(db|domain)/', '^src/(errors|ids|clock)\\.ts$'] }),
    forbid('notify-does-not-import-calls',
      'notify sends and never chooses whom; it hears of calls through bus events, not from the call layer',
      { path: '^src/notify/' },
      { path: '^src/calls/' }),
    forbid('leads-do-not-import-the-call-layer',
      'the lead lifecycle imports domain, db and notify; placing calls is the call layer\'s job',
      { path: '^src/leads/', pathNot: pending.leadsToCallLayer },
      { path: '^src/(asterisk|calls|http|jobs)/' }),
    forbid('jobs-import-only-services',
      'a job passes now() into a service, nothing more: no rows, no wire, no routes',
      { path: '^src/jobs/' },
      { path: '^src/(db|asterisk|http|notify|domain|sim)/' }),
    forbid('calls-do-not-import-http-or-jobs',
      'the call layer imports domain, asterisk interfaces, db and notify; HTTP and jobs sit above it',
      { path: '^src/calls/' },
      { path: '^src/(http|jobs)/' }),
    forbid('speech-does-not-import-calls-leads-http',
      'speech is audio in, text out (with config and db); calls and leads hear of transcripts through the bus',
      { path: '^src/speech/' },
      { path: '^src/(calls|leads|http|jobs|asterisk)/' }),
    forbid('only-the-wiring-imports-the-simulator',
      'the Asterisk simulator stands beside the daemon; only the wiring (daemon.ts, asterisk-endpoints.ts) starts it',
      { path: '^src/', pathNot: ['^src/sim/', '^src/daemon\\.ts$', '^src/asterisk-endpoints\\.ts$'] },
      { path: '^src/sim/' }),
    forbid('src-does-not-import-tests-or-benches',
      'test/ and bench/ may import anything; nothing shipped imports them',
      { path: '^(src|agi)/' },
      { path: '^(test|bench)/' }),
    forbid('no-cycles',
      'a cycle makes two modules one: neither can be read, tested or moved alone',
      { path: '^(src|agi)/' },
      { circular: true }),
    forbid('no-orphans',
      'a module nothing imports is dead code (entry points and declaration files excepted)',
      {
        orphan: true,
        // Entry points, worker threads started by file name, scripts served to browsers, and the
        // ARI model checker the simulator's conformance tests use.
        pathNot: ['\\.d\\.ts$', '^src/(main|cli|speech-cli)\\.ts$', '^src/sim/cli\\.ts$', '^src/speech/transcribe-worker\\.ts$', '^src/pbx/tracking-script\\.js$', '^src/http/console/assets/', '^src/sim/swagger-validator\\.ts$']
      },
      {})
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'] }
  }
}
