// The call page: a time in the conversation or the QA card plays the recording from that moment and
// marks the segment said then; a finding points at its segment.
(function () {
  'use strict'
  const player = document.getElementById('call-player')

  function mark (segmentIndex) {
    for (const el of document.querySelectorAll('.conversation .seg.current')) el.classList.remove('current')
    const seg = segmentIndex === undefined ? null : document.getElementById('seg-' + segmentIndex)
    if (!seg) return
    seg.classList.add('current')
    seg.scrollIntoView({ block: 'nearest' })
  }

  document.addEventListener('click', (ev) => {
    const seek = ev.target.closest('[data-seek-ms]')
    if (!seek) return
    ev.preventDefault()
    const seg = seek.closest('.seg')
    mark(seg ? seg.dataset.segment : seek.dataset.segment)
    if (!player) return
    player.currentTime = Number(seek.dataset.seekMs) / 1000
    // Playing may be refused (no user gesture counted, or the file is gone): the position still moved.
    const playing = player.play()
    if (playing && playing.catch) playing.catch(() => {})
  })

  // Pointing at a finding lights its segment up.
  for (const finding of document.querySelectorAll('.finding[data-segment]')) {
    const seg = document.getElementById('seg-' + finding.dataset.segment)
    if (!seg) continue
    finding.addEventListener('mouseenter', () => seg.classList.add('pointed'))
    finding.addEventListener('mouseleave', () => seg.classList.remove('pointed'))
  }
})()
