// The wallboard: starts from the server's snapshot and applies the live feed's events in order.
(function () {
  'use strict'
  const RL = window.RL
  const t = (k) => RL.t[k] || k
  const source = RL.feed
  if (!source) return
  const snap = JSON.parse(document.getElementById('snapshot').textContent)
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))
  const f = RL.format

  function operator (o) {
    const box = document.getElementById('operators')
    let el = box.querySelector('[data-operator="' + CSS.escape(o.operatorId) + '"]')
    if (!el) {
      el = document.createElement('div')
      el.dataset.operator = o.operatorId
      el.innerHTML = '<span class="name"></span><span class="state"></span><span class="since"></span>'
      box.appendChild(el)
    }
    el.className = 'op st-' + o.state
    el.dataset.state = o.state
    el.querySelector('.name').textContent = o.name
    el.querySelector('.state').textContent = t('state.' + o.state)
    el.querySelector('.since').dataset.since = o.sinceMs
  }
  function waiting (list) {
    document.getElementById('waiting').innerHTML = list.map((w) => '<tr><td>' + w.position + '</td><td>' + esc(w.callerPhone || '—') +
      (w.returning ? ' <span class="badge">' + esc(t('wb.returning')) + '</span>' : '') + '</td><td class="since" data-since="' + w.arrivedAt + '"></td></tr>').join('')
    document.getElementById('waiting-count').textContent = list.length
    document.getElementById('waiting-empty').hidden = list.length > 0
  }
  function stats (s) {
    for (const [k, v] of Object.entries(s)) {
      const el = document.querySelector('[data-kpi="' + k + '"]')
      if (el) el.textContent = k === 'avgAnswerMs' ? f.duration(v) : k === 'missedPct' ? f.percent(v) : f.number(v)
    }
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
    document.getElementById('operators').innerHTML = ''
    s.operators.forEach(operator)
    waiting(s.waiting)
    stats(s.stats)
    document.getElementById('alerts').innerHTML = ''
    s.alerts.slice().reverse().forEach((a) => alert(a, false))
    document.getElementById('alerts-empty').hidden = s.alerts.length > 0
  }
  void snap
  source.addEventListener('snapshot', (ev) => all(JSON.parse(ev.data)))
  source.addEventListener('operator', (ev) => operator(JSON.parse(ev.data)))
  source.addEventListener('queue', (ev) => waiting(JSON.parse(ev.data)))
  source.addEventListener('stats', (ev) => stats(JSON.parse(ev.data)))
  source.addEventListener('alert', (ev) => alert(JSON.parse(ev.data), true))
})()
