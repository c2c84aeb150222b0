// The wallboard's and pauses' settings: defaults, and thresholds that contradict each other refused by name.
import t from 'tap'
import { loadConfig, type ConfigError } from '../src/config.js'
import { pauseReasonsOf } from '../src/config-wallboard.js'

t.test('defaults: a 20-second service level and four pause reasons on *41', async (t) => {
  const c = loadConfig({})
  t.match(c.wallboard, { serviceLevelSeconds: 20, serviceLevelWarnPct: 80, serviceLevelAlarmPct: 60 })
  t.same(pauseReasonsOf(c.pause.reasons), ['lunch', 'training', 'break', 'meeting'])
  t.equal(c.pause.reasonCodePrefix, '*41')
})

t.test('bad values are refused, naming the variable', async (t) => {
  t.throws(() => loadConfig({ RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS: '0' }), /RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS/)
  t.throws(() => loadConfig({ RINGLEAD_PAUSE_REASONS: 'Lunch Break' }), /RINGLEAD_PAUSE_REASONS/)
  t.throws(() => loadConfig({ RINGLEAD_PAUSE_REASONS: 'a,b,c,d,e,f,g,h,i,j' }), /RINGLEAD_PAUSE_REASONS/, 'ten reasons: one digit cannot name the tenth')
  t.throws(() => loadConfig({ RINGLEAD_WALLBOARD_SERVICE_LEVEL_WARN_PCT: '50', RINGLEAD_WALLBOARD_SERVICE_LEVEL_ALARM_PCT: '70' }), /SERVICE_LEVEL_ALARM_PCT \(70\) must not be above/)
  t.throws(() => loadConfig({ RINGLEAD_WALLBOARD_LONGEST_WAIT_WARN_SECONDS: '90', RINGLEAD_WALLBOARD_LONGEST_WAIT_ALARM_SECONDS: '30' }), /LONGEST_WAIT_ALARM_SECONDS \(30\) must not be below/)
  t.throws(() => loadConfig({ RINGLEAD_WALLBOARD_WAITING_WARN: '5', RINGLEAD_WALLBOARD_WAITING_ALARM: '2' }), /WAITING_ALARM \(2\) must not be below/)
})

t.test('a whole-number setting given text names the variable and shows the text', async (t) => {
  const problems = (env: Record<string, string>): string[] => {
    try { loadConfig(env) } catch (err) { return (err as ConfigError).problems }
    return []
  }
  t.same(problems({ RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS: 'soon' }), ['RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS=soon: expected a whole number'])
  t.same(problems({ RINGLEAD_WALLBOARD_WAITING_WARN: '2.5' }), ['RINGLEAD_WALLBOARD_WAITING_WARN=2.5: expected a whole number'])
  t.same(problems({ RINGLEAD_WALLBOARD_SERVICE_LEVEL_WARN_PCT: 'high' }), ['RINGLEAD_WALLBOARD_SERVICE_LEVEL_WARN_PCT=high: expected a number'])
  t.same(problems({ RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS: '' }), ['RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS=: expected a whole number'], 'set but empty')
  t.match(problems({ RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS: '0' }).join('\n'), /RINGLEAD_WALLBOARD_SERVICE_LEVEL_SECONDS \(wallboard.serviceLevelSeconds\): Expected integer to be greater or equal to 1, got 0/, 'a number out of range still says its range')
})
