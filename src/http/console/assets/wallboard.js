// The wallboard: starts from the server's snapshot and applies the live feed's events in order.
// Figures are formatted for the page's language and times shown in the shop's zone; the view per
// category keeps only that category's operators, callers and service level. The server grades the
// figures (domain/board-grades.ts); this script only paints the grades it is sent.
(function () {
  'use strict'
  const RL = window.RL
  const t = (k) => RL.t[k] || k
  const cfg = JSON.parse(document.getElementById('board-settings').textContent)
  const lang = cfg.lang
  const category = cfg.category
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))
  const f = RL.format
  const fmtPct = f.percent
  /** A wait ticking on the board reads as m:ss (h:mm:ss past an hour). */
  const fmtMs = (ms) => (ms == null ? '—' : RL.fmt(ms))
  const paint = (id, g) => { const el = document.getElementById(id); el.classList.remove('g-ok', 'g-warn', 'g-alarm'); el.classList.add('g-' + g) }
  const reasonLabel = (code) => code == null ? t('wb.pause.none') : (cfg.reasons[code] || code)
  let line = []
  let grades = null
  /** This view's grades: the whole board's, or the category's (a quiet one's when it has no figures yet). */
  const mine = () => category == null ? grades.all : (grades.byCategory[category] || grades.quiet)
  /** The longest wait's grade now: the last step already begun (the server says when each begins). */
  const stepNow = (steps, now) => steps.reduce((g, s) => (s.fromMs <= now ? s.grade : g), steps[0].grade)
  function paintGrades () {
    paint('kpi-sl', mine().serviceLevel)
    paint('kpi-waiting', mine().waiting)
    paint('kpi-longest', stepNow(mine().longestWait, RL.now()))
  }

  /** The operator's card; hidden in a category's view unless they take that category's calls. */
  function operator (o) {
    const box = document.getElementById('operators')
    let el = box.querySelector('[data-operator="' + CSS.escape(o.operatorId) + '"]')
    if (!el) {
      el = document.createElement('div')
      el.dataset.operator = o.operatorId
      el.innerHTML = '<span class="name"></span><span class="state"></span><span class="since"></span><span class="why"></span>'
      box.appendChild(el)
    }
    el.className = 'op st-' + o.state
    el.dataset.state = o.state
    el.hidden = category != null && !(o.skills || []).includes(category)
    el.querySelector('.name').textContent = o.name
    el.querySelector('.state').textContent = t('state.' + o.state)
    el.querySelector('.since').dataset.since = o.sinceMs
    const why = el.querySelector('.why')
    why.textContent = o.state === 'paused' ? reasonLabel(o.pausedReason) + ' · ' + f.time(o.sinceMs) : ''
    why.hidden = o.state !== 'paused'
  }
  function waiting (list) {
    line = category == null ? list : list.filter((w) => w.categoryId === category)
    document.getElementById('waiting').innerHTML = line.map((w, i) => '<tr><td>' + (i + 1) + '</td><td>' + esc(w.callerPhone || '—') +
      (w.returning ? ' <span class="badge">' + esc(t('wb.returning')) + '</span>' : '') + '</td><td class="since" data-since="' + w.arrivedAt + '"></td></tr>').join('')
    document.getElementById('waiting-count').textContent = line.length
    document.getElementById('waiting-empty').hidden = line.length > 0
    document.querySelector('[data-kpi="waitingNow"]').textContent = line.length
    longest()
  }
  /** The longest current wait ticks with the clock. */
  function longest () {
    const now = RL.now()
    const oldest = line.reduce((m, w) => (m == null || w.arrivedAt < m ? w.arrivedAt : m), null)
    const ms = oldest == null ? null : Math.max(0, now - oldest)
    document.querySelector('[data-kpi="longestWait"]').textContent = fmtMs(ms)
    if (grades) paint('kpi-longest', stepNow(mine().longestWait, now))
  }
  function stats (s) {
    for (const [k, v] of Object.entries(s)) {
      const el = document.querySelector('[data-kpi="' + k + '"]')
      if (el && k !== 'serviceLevel') el.textContent = k === 'avgAnswerMs' ? f.duration(v) : k === 'missedPct' ? f.percent(v) : f.number(v)
    }
    const sl = s.serviceLevel || { pct: null, byCategory: {} }
    const value = category == null ? sl.pct : (sl.byCategory[category] || { pct: null }).pct
    document.querySelector('[data-kpi="serviceLevel"]').textContent = fmtPct(value)
  }
  function alert (a, fresh) {
    const li = document.createElement('li')
    li.className = 'al-' + a.kind + (fresh ? ' fresh' : '')
    const text = a.kind === 'nobody_free' ? t('wb.waiting') + ': ' + a.text : a.text
    li.innerHTML = '<b>' + esc(t('alert.' + a.kind)) + '</b> ' + esc(text) + ' <small>' + esc(f.time(a.atMs)) + '</small>'
    const ul = document.getElementById('alerts')
    ul.insertBefore(li, ul.firstChild)
    while (ul.children.length > 30) ul.removeChild(ul.lastChild)
    document.getElementById('alerts-empty').hidden = true
  }
  function all (s) {
    grades = s.grades
    document.getElementById('operators').innerHTML = ''
    s.operators.forEach(operator)
    waiting(s.waiting)
    stats(s.stats)
    document.getElementById('alerts').innerHTML = ''
    s.alerts.slice().reverse().forEach((a) => alert(a, false))
    document.getElementById('alerts-empty').hidden = s.alerts.length > 0
    paintGrades()
  }
  all(JSON.parse(document.getElementById('snapshot').textContent))
  setInterval(longest, 1000)

  // TV mode: the whole screen for the board, from a button (browsers allow it only on a click).
  document.getElementById('wb-fullscreen').addEventListener('click', () => {
    if (document.fullscreenElement) { document.exitFullscreen(); return }
    document.body.classList.add('tv')
    const el = document.documentElement
    if (el.requestFullscreen) el.requestFullscreen().catch(() => {})
  })
  // Leaving full screen leaves TV mode too, unless the address asks for it (?tv=1).
  document.addEventListener('fullscreenchange', () => { if (!document.fullscreenElement) document.body.classList.toggle('tv', new URLSearchParams(location.search).get('tv') === '1') })

  const source = RL.feed
  if (!source) return
  source.addEventListener('snapshot', (ev) => all(JSON.parse(ev.data)))
  source.addEventListener('operator', (ev) => operator(JSON.parse(ev.data)))
  source.addEventListener('queue', (ev) => waiting(JSON.parse(ev.data)))
  source.addEventListener('stats', (ev) => stats(JSON.parse(ev.data)))
  source.addEventListener('grades', (ev) => { grades = JSON.parse(ev.data); paintGrades() })
  source.addEventListener('alert', (ev) => alert(JSON.parse(ev.data), true))
})()
