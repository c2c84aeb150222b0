// Funnel chart: calls → leads → deals per source or category (Chart.js, served by the daemon).
window.addEventListener('load', () => {
  'use strict'
  const data = JSON.parse(document.getElementById('funnel-data').textContent)
  const canvas = document.getElementById('funnel-chart')
  if (!canvas || !window.Chart) return
  const rows = data.rows
  // eslint-disable-next-line no-new
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.key),
      datasets: [
        { label: data.labels.calls, data: rows.map((r) => r.calls), backgroundColor: '#93c5fd' },
        { label: data.labels.leads, data: rows.map((r) => r.leads), backgroundColor: '#3b82f6' },
        { label: data.labels.deals, data: rows.map((r) => r.deals), backgroundColor: '#059669' }
      ]
    },
    options: { responsive: true, animation: false, plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } }
  })
})
