// The layer rules of STYLE.md ("Layout: who may import what"), checked on every import of src/ by
// test/architecture/dependency-rules.test.ts (part of `make test`). test/ and bench/ may import
// anything; they are not cruised. A rule's `comment` says why it exists.

/**
 * Files that still break a rule, each named, until the change that fixes them lands. An entry here
 * is a known debt, not a permission: remove it with the fix.
 */
const pending = {
  // The console feed and the wallboard take their view from the operator board and the queue (being
  // moved onto bus events).
  notifyToCalls: ['^src/notify/console-feed\\.ts$', '^src/notify/wallboard\\.ts$'],
  // The SLA ladder places calls itself (being moved behind the call layer's outbound leg) and picks
  // owners from the operator board; the disposition prompt plays its menu over ARI itself.
  leadsToCallLayer: ['^src/leads/escalation-runner\\.ts$', '^src/leads/owner-picker\\.ts$', '^src/leads/disposition-prompt\\.ts$'],
  // Routes and console pages that still read users, sessions, calls, customers, leads and queue
  // figures from src/db (and app.ts/services.ts, which hand the routes the database for them).
  httpToDb: [
    '^src/http/(app|services|session)\\.ts$',
    '^src/http/console/(account-pages|kit|plugin)\\.ts$',
    '^src/http/routes/(calls|customers|leads|queue|users)\\.ts$', '^src/http/schemas/calls\\.ts$'
  ]
}

/** Libraries that decide nothing about the outside world: the only ones domain/ may use. */
const pureLibraries = ['luxon', 'libphonenumber-js', '@orama/stemmers', '@zxcvbn-ts/core', '@zxcvbn-ts/language-common']
const pureLibraryPath = `(^|/)node_modules/(${pureLibraries.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})/`

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment: 'domain/ holds pure decisions: no fs, net, db, logger or other layer; only domain/ and pure libraries',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: [`^src/domain/`, pureLibraryPath] }
    },
    {
      name: 'http-does-not-import-db',
      comment: 'routes call services (leads, calls, catalog, speech…); services own transactions, repositories only read and write',
      severity: 'error',
      from: { path: '^src/http/', pathNot: pending.httpToDb },
      to: { path: '^src/db/' }
    },
    {
      name: 'asterisk-adapters-do-not-import-calls-leads-db',
      comment: 'adapters translate between the wire and our terms and never decide: they know nothing above them',
      severity: 'error',
      from: { path: '^src/asterisk/' },
      to: { path: '^src/(calls|leads|db|http|jobs|notify|reports|speech|catalog|pbx)/' }
    },
    {
      name: 'db-imports-only-domain',
      comment: 'repositories read and write rows; the types they speak come from domain/ (errors, ids and the clock are shared by all), nothing from the layers above',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/(db|domain)/', '^src/(errors|ids|clock)\\.ts$'] }
    },
    {
      name: 'notify-does-not-import-calls',
      comment: 'notify sends and never chooses whom; it hears of calls through bus events, not from the call layer',
      severity: 'error',
      from: { path: '^src/notify/', pathNot: pending.notifyToCalls },
      to: { path: '^src/calls/' }
    },
    {
      name: 'leads-do-not-import-the-call-layer',
      comment: 'the lead lifecycle imports domain, db and notify; placing calls is the call layer\'s job',
      severity: 'error',
      from: { path: '^src/leads/', pathNot: pending.leadsToCallLayer },
      to: { path: '^src/(asterisk|calls|http|jobs)/' }
    },
    {
      name: 'jobs-import-only-services',
      comment: 'a job passes now() into a service, nothing more: no rows, no wire, no routes',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(db|asterisk|http|notify|domain|sim)/' }
    },
    {
      name: 'calls-do-not-import-http-or-jobs',
      comment: 'the call layer imports domain, asterisk interfaces, db and notify; HTTP and jobs sit above it',
      severity: 'error',
      from: { path: '^src/calls/' },
      to: { path: '^src/(http|jobs)/' }
    },
    {
      name: 'speech-does-not-import-calls-leads-http',
      comment: 'speech is audio in, text out (with config and db); calls and leads hear of transcripts through the bus',
      severity: 'error',
      from: { path: '^src/speech/' },
      to: { path: '^src/(calls|leads|http|jobs|asterisk)/' }
    },
    {
      name: 'only-the-wiring-imports-the-simulator',
      comment: 'the Asterisk simulator stands beside the daemon; only daemon.ts wires it in',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sim/', '^src/daemon\\.ts$'] },
      to: { path: '^src/sim/' }
    },
    {
      name: 'src-does-not-import-tests-or-benches',
      comment: 'test/ and bench/ may import anything; nothing shipped imports them',
      severity: 'error',
      from: { path: '^(src|agi)/' },
      to: { path: '^(test|bench)/' }
    },
    {
      name: 'no-cycles',
      comment: 'a cycle makes two modules one: neither can be read, tested or moved alone',
      severity: 'error',
      from: { path: '^(src|agi)/' },
      to: { circular: true }
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code (entry points and declaration files excepted)',
      severity: 'error',
      from: {
        orphan: true,
        // Entry points, worker threads started by file name, scripts served to browsers, and the
        // ARI model checker the simulator's conformance tests use.
        pathNot: ['\\.d\\.ts$', '^src/(main|cli|speech-cli)\\.ts$', '^src/sim/cli\\.ts$', '^src/speech/transcribe-worker\\.ts$', '^src/pbx/tracking-script\\.js$', '^src/http/console/assets/', '^src/sim/swagger-validator\\.ts$']
      },
      to: {}
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'] }
  }
}
