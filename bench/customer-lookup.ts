// The customer lookup every call set-up runs (CallsRepo.ensureCustomer on a known number): one
// indexed query that follows a merged number and counts earlier calls and deals, for a typical
// customer and for one with 3,000 calls over two merged numbers, among 100,000 calls.
import { CallsRepo } from '../src/db/calls-repo.js'
import { CustomerService } from '../src/customers/customer-service.js'
import { openDb } from '../src/db/open.js'
import { calls, customers } from '../src/db/schema.js'
import { percentiles, printFigures } from './stats.js'

export function benchCustomerLookup (customerCount = 20_000, callCount = 100_000, iterations = 5_000): Record<string, string> {
  const db = openDb(':memory:')
  const repo = new CallsRepo(db)
  const phoneOf = (i: number): string => `+7903${String(1_000_000 + i)}`
  db.$client.transaction(() => {
    for (let i = 0; i < customerCount; i++) db.insert(customers).values({ customerId: `cus_${i}`, phone: phoneOf(i), createdAt: 0 }).run()
    for (let i = 0; i < callCount; i++) {
      // cus_0 and cus_1 are one busy person: 2,000 and 1,000 calls; the rest share what is left.
      const customerId = i < 2000 ? 'cus_0' : i < 3000 ? 'cus_1' : `cus_${2 + (i % (customerCount - 2))}`
      db.insert(calls).values({ callId: `call_${i}`, direction: 'inbound', status: 'answered', channelId: `ch_${i}`, callerRaw: '', customerId, did: '1', startedAt: i }).run()
    }
  })()
  let seq = 0
  new CustomerService(db, () => 0, (prefix) => `${prefix}_${++seq}`).merge('cus_0', 'cus_1', 'bench')
  const measure = (phone: string): { p50: number; p99: number; calls: number } => {
    const samples: number[] = []
    let seen = 0
    for (let i = 0; i < iterations; i++) {
      const t0 = process.hrtime.bigint()
      seen = repo.ensureCustomer(phone, 'unused', 0).earlierCalls
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
    const p = percentiles(samples.slice(500))
    return { p50: p.p50, p99: p.p99, calls: seen }
  }
  const typical = measure(phoneOf(500))
  const busy = measure(phoneOf(1))
  db.$client.close()
  return {
    'calls in the table': String(callCount),
    'typical customer p50 / p99 ms': `${typical.p50.toFixed(4)} / ${typical.p99.toFixed(4)} (${typical.calls} earlier calls)`,
    'merged customer p50 / p99 ms': `${busy.p50.toFixed(4)} / ${busy.p99.toFixed(4)} (${busy.calls} earlier calls)`
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('customer lookup on call set-up', benchCustomerLookup())
