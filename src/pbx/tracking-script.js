/* ringlead number swap: <script src="https://ringlead.example/tracking.js" data-source="google-ads" async></script>
   Every element with data-ringlead-number gets the visitor's tracking number (links get tel:). The
   page's own number stays when ringlead cannot be reached. utm_source in the URL picks the pool. */
(function () {
  var script = document.currentScript
  if (!script) return
  var base = script.src.replace(/\/tracking\.js(\?.*)?$/, '')
  var query = new URLSearchParams(location.search)
  var source = query.get('utm_source') || script.getAttribute('data-source')
  if (!source) return
  var key = 'ringlead-visitor'
  var visitor = null
  try { visitor = localStorage.getItem(key) } catch (e) { /* storage blocked: a visitor id per page view */ }
  if (!visitor) {
    visitor = 'v' + Date.now().toString(36) + Math.random().toString(36).slice(2, 12)
    try { localStorage.setItem(key, visitor) } catch (e) { /* as above */ }
  }
  var params = new URLSearchParams({ source: source, visitor: visitor })
  ;['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'].forEach(function (k) {
    var v = query.get(k)
    if (v) params.set(k, v.slice(0, 200))
  })
  fetch(base + '/api/tracking/number?' + params.toString())
    .then(function (res) { return res.ok ? res.json() : null })
    .then(function (got) {
      if (!got || !got.number) return
      var nodes = document.querySelectorAll('[data-ringlead-number]')
      for (var i = 0; i < nodes.length; i++) {
        var el = nodes[i]
        var format = el.getAttribute('data-ringlead-number')
        el.textContent = format ? formatNumber(got.number, format) : got.number
        if (el.tagName === 'A') el.setAttribute('href', 'tel:' + got.number)
      }
    })
    .catch(function () { /* the page keeps its own number */ })

  /* "+7 (###) ###-##-##": each # takes the next digit from the right end of the number. */
  function formatNumber (number, format) {
    var digits = number.replace(/\D/g, '')
    var slots = (format.match(/#/g) || []).length
    var take = digits.slice(Math.max(0, digits.length - slots))
    var i = 0
    return format.replace(/#/g, function () { return take.charAt(i++) })
  }
})()
