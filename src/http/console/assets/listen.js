// Listening in (supervisors and admins): a "Listen" button on each talking operator of the
// wallboard and on a live call's page. A click rings the user's own phone (POST
// /api/calls/{callId}/listen, with the CSRF header through RL.api); the phone's keys switch modes.
(function () {
  'use strict'
  const RL = window.RL
  const t = (k) => RL.t[k] || k

  async function listen (callId) {
    await RL.api('POST', '/api/calls/' + encodeURIComponent(callId) + '/listen', { mode: 'listen' })
    RL.toast(t('listen.ringing'))
  }

  /** The call a talking operator is on: their newest call still talking. */
  async function callOf (operatorId) {
    const page = await RL.api('GET', '/api/calls?status=talking&limit=1&operatorId=' + encodeURIComponent(operatorId))
    const call = page && page.calls && page.calls[0]
    return call ? call.callId : null
  }

  function button () {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = 'listen-btn small'
    b.textContent = t('listen.button')
    b.title = t('listen.title')
    return b
  }

  // Wallboard: the operator boxes are redrawn by the live feed, so buttons follow their state.
  const ops = document.getElementById('operators')
  function mark () {
    for (const el of ops.querySelectorAll('[data-operator]')) {
      let b = el.querySelector('.listen-btn')
      if (!b) { b = button(); el.appendChild(b) }
      b.hidden = el.dataset.state !== 'talking'
    }
  }
  if (ops) {
    mark()
    new MutationObserver(mark).observe(ops, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] })
  }

  document.addEventListener('click', async (ev) => {
    const b = ev.target.closest('.listen-btn')
    if (!b) return
    b.disabled = true
    try {
      const callId = b.dataset.call || await callOf(b.closest('[data-operator]').dataset.operator)
      if (callId === null) RL.toast(t('listen.noCall'), true)
      else await listen(callId)
    } catch (err) {
      RL.toast(err.message, true)
    } finally {
      b.disabled = false
    }
  })
})()
