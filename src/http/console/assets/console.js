// Every console page: CSRF on API writes, API forms and buttons, click-to-call, lead countdowns,
// sortable tables, the live feed (one EventSource per page) and the customer card pop-up.
(function () {
  'use strict'
  // The page's settings come as JSON data, not an inline script (the CSP allows none).
  const RL = window.RL = JSON.parse(document.getElementById('rl-config').textContent)
  const t = (k) => RL.t[k] || k
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || ''
  const skew = RL.serverNowMs - Date.now() // the server's clock decides "for how long"
  RL.now = () => Date.now() + skew

  function toast (text, isError) {
    const el = document.getElementById('toast')
    el.textContent = text
    el.className = 'show' + (isError ? ' err' : '')
    clearTimeout(toast.timer)
    toast.timer = setTimeout(() => { el.className = '' }, 4000)
  }
  RL.toast = toast

  async function api (method, url, body) {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: Object.assign({ 'x-csrf-token': csrf }, body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    let data = null
    try { data = text ? JSON.parse(text) : null } catch (e) { data = { message: text } }
    if (!res.ok) throw new Error((data && data.message) || ('HTTP ' + res.status))
    return data
  }
  RL.api = api

  // <form class="api-form" data-api="/api/…" data-method="POST">: fields → JSON body, reload on success.
  // Field hints (data-kind): "bool" a checkbox sent as true/false; "nullable" empty sent as null;
  // "number"; "param" fills {name} in data-api and is not sent; "json" a textarea whose object is the
  // body. Inputs named skill:<categoryId> gather into "skills"; data-skills-api sends them separately
  // (PUT) after the main write. An API refusal shows in the form's .form-error as well as the toast.
  function formBody (form) {
    const body = {}
    let url = form.dataset.api
    for (const el of form.elements) {
      if (!el.name || el.disabled) continue
      const kind = el.dataset.kind
      const v = el.value
      if (el.type === 'checkbox') { if (kind === 'bool') body[el.name] = el.checked; else if (el.checked) body[el.name] = v; continue }
      if (kind === 'param') { url = url.replace('{' + el.name + '}', encodeURIComponent(v.trim())); continue }
      if (kind === 'json') {
        let parsed
        try { parsed = JSON.parse(v) } catch (e) { throw new Error('JSON: ' + e.message) }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('JSON: ' + t('common.jsonObject'))
        Object.assign(body, parsed)
        continue
      }
      if (el.name.startsWith('skill:')) { body.skills = body.skills || {}; if (v !== '') body.skills[el.name.slice(6)] = Number(v); continue }
      if (v === '') { if (kind === 'nullable') body[el.name] = null; continue }
      body[el.name] = kind === 'number' ? Number(v) : v
    }
    return { url, body }
  }

  document.addEventListener('submit', async (ev) => {
    const form = ev.target.closest('form.api-form')
    if (!form) return
    ev.preventDefault()
    const shown = form.querySelector('.form-error')
    if (shown) { shown.hidden = true; shown.textContent = '' }
    try {
      const { url, body } = formBody(form)
      const skills = body.skills
      if (form.dataset.skillsApi) delete body.skills
      if (!form.dataset.skillsApi || Object.keys(body).length > 0) await api(form.dataset.method || 'POST', url, body)
      if (form.dataset.skillsApi) await api('PUT', form.dataset.skillsApi, { skills: skills || {} })
      toast(t('common.saved'))
      setTimeout(() => location.reload(), 300)
    } catch (err) {
      if (shown) { shown.textContent = err.message; shown.hidden = false } else toast(err.message, true)
    }
  })

  document.addEventListener('click', async (ev) => {
    const button = ev.target.closest('button.api-button')
    if (button) {
      ev.preventDefault()
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return
      try {
        await api(button.dataset.method || 'POST', button.dataset.api, button.dataset.body ? JSON.parse(button.dataset.body) : undefined)
        toast(t('common.saved'))
        setTimeout(() => location.reload(), 300)
      } catch (err) { toast(err.message, true) }
      return
    }
    const dial = ev.target.closest('button.dial')
    if (dial) {
      ev.preventDefault()
      dial.disabled = true
      try {
        const r = await api('POST', '/api/calls/outbound', { phone: dial.dataset.phone })
        dial.dataset.callId = r.callId
        toast(t('dial.started'))
      } catch (err) { toast(t('dial.failed') + ': ' + err.message, true) } finally { setTimeout(() => { dial.disabled = false }, 3000) }
    }
  })

  // Countdowns to lead deadlines.
  function fmt (ms) {
    const s = Math.floor(Math.abs(ms) / 1000)
    const h = Math.floor(s / 3600); const m = Math.floor((s % 3600) / 60); const sec = s % 60
    return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(sec).padStart(2, '0')
  }
  RL.fmt = fmt
  function tick () {
    const now = RL.now()
    for (const el of document.querySelectorAll('.countdown[data-deadline]')) {
      const left = Number(el.dataset.deadline) - now
      el.textContent = left >= 0 ? fmt(left) + ' ' + t('leads.left') : '−' + fmt(left) + ' ' + t('leads.late')
      el.classList.toggle('late', left < 0)
      el.classList.toggle('soon', left >= 0 && left < 10 * 60_000)
    }
    for (const el of document.querySelectorAll('.since[data-since]')) el.textContent = fmt(now - Number(el.dataset.since))
  }
  tick()
  setInterval(tick, 1000)

  // Click a header to sort a .sortable table by that column (numbers by data-v).
  document.addEventListener('click', (ev) => {
    const th = ev.target.closest('table.sortable thead th')
    if (!th) return
    const table = th.closest('table'); const idx = [...th.parentNode.children].indexOf(th)
    const asc = !th.classList.contains('asc')
    for (const other of th.parentNode.children) other.classList.remove('asc', 'desc')
    th.classList.add(asc ? 'asc' : 'desc')
    const body = table.tBodies[0]
    const key = (tr) => { const td = tr.children[idx]; const v = td?.dataset.v; return v !== undefined && v !== '' && !isNaN(Number(v)) ? Number(v) : (td?.textContent || '').trim().toLowerCase() }
    const rows = [...body.rows].sort((a, b) => { const x = key(a); const y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * (asc ? 1 : -1) })
    for (const r of rows) body.appendChild(r)
  })

  // The live feed: the wallboard listens to everything; other pages only pop the customer card.
  const wantsFeed = document.body.classList.contains('wallboard') || RL.operatorId
  if (!wantsFeed || !document.querySelector('header.top')) return
  const source = new EventSource('/console/live')
  RL.feed = source
  const live = document.getElementById('live')
  source.onopen = () => { if (live) { live.classList.add('on'); live.textContent = live.dataset.on } }
  source.onerror = () => { if (live) { live.classList.remove('on'); live.textContent = live.dataset.off } }
  source.addEventListener('offered', async (ev) => {
    const d = JSON.parse(ev.data)
    const pop = document.getElementById('pop')
    let card = null
    if (d.customerId) { try { card = await api('GET', '/api/customers/' + encodeURIComponent(d.customerId)) } catch (e) { card = null } }
    const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))
    pop.innerHTML = '<button class="close" type="button" aria-label="close">×</button><h3>☎ ' + esc(t(d.direction === 'outbound' ? 'pop.outbound' : 'pop.title')) + '</h3>' +
      (card
        ? '<p><b>' + esc(card.name || (card.phones[0] && card.phones[0].phone) || '') + '</b><br><span class="muted">' + esc((card.phones || []).map((p) => p.phone).join(', ')) + '</span></p>' +
          '<p class="muted">' + esc(t('wb.deals')) + ': ' + card.deals + (card.usualOperator ? ' · ' + esc(card.usualOperator.name) : '') + '</p>' +
          '<p><a class="btn primary" id="pop-card" href="/customers/' + encodeURIComponent(card.customerId) + '">' + esc(t('pop.open')) + '</a></p>'
        : '<p>' + esc(t('pop.unknown')) + '</p>')
    pop.hidden = false
    pop.dataset.callId = d.callId
    pop.querySelector('.close').onclick = () => { pop.hidden = true }
  })
})()

// Plain forms that remove or revoke something ask first (the server checks the CSRF token and role).
document.addEventListener('submit', (ev) => {
  const form = ev.target
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) ev.preventDefault()
})
