// One call's page (facts, recordings, the conversation with its QA card) and the QA rules page with
// each rule's precision. The conversation is read from GET /api/calls/:callId/transcript; the words,
// numbers and times are put in the page's language here, so the template only lays them out.
import type { FastifyInstance } from 'fastify'
import { formatsFor } from './formats.js'
import { translator, type Lang } from './i18n.js'
import type { ConsoleKit } from './kit.js'

interface Segment { speaker: 'caller' | 'operator'; startMs: number; endMs: number; text: string }
interface Verdict { verdict: string; note: string | null; markedBy: string; markedAt: number }
interface Finding { ruleId: string; kind: string; severity: string; title: string; message: string; segmentIndex: number | null; atMs: number | null; verdict?: Verdict | null }
interface SpeechView {
  state: string; reason: string | null
  transcript: { language: string; model: string; createdAt: number; segments: Segment[] } | null
  qa: { score: number; alerts: number; findings: Finding[] } | null
}

export async function callPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const zone = app.services.config.leads.timeZone
  const { render, page, api } = kit

  app.get('/calls/:callId', page('operator'), async (req, reply) => {
    const callId = encodeURIComponent((req.params as { callId: string }).callId)
    const story = await api(req, `/api/calls/${callId}`)
    if (story.status !== 200) return render(req, reply, 'error.njk', { message: story.body?.message }, story.status)
    const [speech, golden] = await Promise.all([api(req, `/api/calls/${callId}/transcript`), api(req, '/api/golden')])
    const lead = story.body.call.leadId === null ? null : await api(req, `/api/leads/${encodeURIComponent(story.body.call.leadId)}`)
    const lang = kit.langOf(req)
    return render(req, reply, 'call.njk', {
      story: story.body,
      conversation: speech.status === 200 ? conversation(speech.body as SpeechView, story.body, lang, zone) : null,
      golden: (golden.body?.calls ?? []).find((g: { callId: string }) => g.callId === story.body.call.callId) ?? null,
      lead: lead?.status === 200 ? lead.body.lead : null
    })
  })

  app.get('/reports/qa-rules', page('supervisor'), async (req, reply) => {
    const [precision, categories] = await Promise.all([api(req, '/api/qa/rule-precision'), api(req, '/api/categories')])
    const fmt = formatsFor(kit.langOf(req), zone)
    const names = Object.fromEntries(((categories.body?.categories ?? []) as Array<{ categoryId: string; name: string }>).map((c) => [c.categoryId, c.name]))
    const ruleSets = ((precision.body?.ruleSets ?? []) as Array<{ ruleSetId: string; name: string; categoryId: string | null; fallback: boolean; rules: Array<{ ruleId: string; title: string; kind: string; fired: number; markedWrong: number; precision: number | null }> }>)
      .map((set) => ({
        ...set,
        categoryName: set.categoryId === null ? null : names[set.categoryId] ?? set.categoryId,
        rules: set.rules.map((r) => ({ ...r, firedText: fmt.number(r.fired), markedWrongText: fmt.number(r.markedWrong), precisionText: r.precision === null ? null : fmt.percent(r.precision, 1) }))
      }))
    return render(req, reply, 'report-qa-rules.njk', { ruleSets, failed: precision.status !== 200 ? precision.body?.message ?? String(precision.status) : null })
  })
}

/** The conversation and QA card as the page shows them. */
function conversation (view: SpeechView, story: { answeredBy: { name: string } | null; customer: { name: string | null } | null; conversationUrl?: string | null }, lang: Lang, zone: string) {
  const t = translator(lang)
  const fmt = formatsFor(lang, zone)
  const when = (ms: number): string => fmt.dateTime(ms, 'medium')
  const findings = (view.qa?.findings ?? []).map((f, index) => ({
    index, title: f.title, message: f.message, kind: f.kind, severity: t(`cp.severity.${f.severity}`),
    atMs: f.atMs, clock: f.atMs === null ? null : fmt.clock(f.atMs), segmentIndex: f.segmentIndex,
    wrong: f.verdict == null ? null : { note: f.verdict.note, text: t('cp.markedWrong', { who: f.verdict.markedBy, at: when(f.verdict.markedAt) }) }
  }))
  const flagged = new Set(findings.filter((f) => f.wrong === null && f.segmentIndex !== null).map((f) => f.segmentIndex))
  const segments = (view.transcript?.segments ?? []).map((s, index) => ({
    index, atMs: s.startMs, clock: fmt.clock(s.startMs), text: s.text, speaker: s.speaker,
    who: s.speaker === 'operator'
      ? { role: t('cp.operator'), name: story.answeredBy?.name ?? null }
      : { role: t('cp.customer'), name: story.customer?.name ?? null },
    flagged: flagged.has(index),
    findings: findings.filter((f) => f.segmentIndex === index).map((f) => f.index)
  }))
  return {
    state: view.state,
    stateText: t(`cp.state.${view.state}`),
    reason: view.reason,
    about: view.transcript === null ? null : t('cp.transcribedWith', { model: view.transcript.model, language: view.transcript.language, at: when(view.transcript.createdAt) }),
    // The mixed recording, or the two parties in stereo, made on first play (GET /api/calls/:callId).
    player: story.conversationUrl ?? null,
    segments,
    qa: view.qa === null ? null : { score: fmt.score(view.qa.score), alerts: view.qa.alerts, findings }
  }
}
