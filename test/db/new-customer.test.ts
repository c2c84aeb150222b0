// A caller heard of for the first time becomes a customer with the call's first rows (one commit with
// them, not one of its own); a second call from the number before that is the same customer; and a
// customer another process wrote with the same phone meanwhile takes the call, which is never refused.
// A lead names the customer by id alone; a call's outcome is claimed once.
import t, { type Test } from 'tap'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { openDb } from '../../src/db/open.js'
import { calls, customers } from '../../src/db/schema.js'
import { eq } from 'drizzle-orm'

const turn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })
const phone = '+79031112233'

function fresh (t: Test): { db: ReturnType<typeof openDb>; repo: CallsRepo } {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  return { db, repo: new CallsRepo(db) }
}

const callRow = (callId: string, customerId: string) => ({
  callId, direction: 'inbound' as const, status: 'ringing' as const, channelId: `ch-${callId}`, callerRaw: phone, callerPhone: phone,
  customerId, did: '74950000000', startedAt: 1000
})

t.test('a new customer lands with the call\'s rows at the end of the turn; a second call meanwhile is the same customer', async (t) => {
  const { db, repo } = fresh(t)
  const first = repo.ensureCustomer(phone, 'cus_a', 1000, 'Ivan')
  t.same(first, { customerId: 'cus_a', phone, name: 'Ivan', lastOperatorId: null, lastCallAt: null, earlierCalls: 0, deals: 0 })
  t.equal(db.select().from(customers).all().length, 0, 'not written on its own')
  repo.insertCall(callRow('call_1', first.customerId))
  const second = repo.ensureCustomer(phone, 'cus_b', 1001, null)
  t.equal(second.customerId, 'cus_a', 'the same customer before it lands')
  await turn()
  t.same(db.select({ id: customers.customerId, name: customers.name }).from(customers).all(), [{ id: 'cus_a', name: 'Ivan' }])
  t.equal(db.select().from(calls).where(eq(calls.callId, 'call_1')).get()?.customerId, 'cus_a')
  // Landed: read from the database again, with what the database says.
  db.update(customers).set({ name: 'Ivan Petrov' }).where(eq(customers.customerId, 'cus_a')).run()
  t.match(repo.customerByPhone(phone), { customerId: 'cus_a', name: 'Ivan Petrov', earlierCalls: 1 })
  t.equal(repo.ensureCustomer(phone, 'cus_c', 2000).customerId, 'cus_a')
})

t.test('another process writes a customer with the phone before ours lands: the call names theirs and is written', async (t) => {
  const { db, repo } = fresh(t)
  const ours = repo.ensureCustomer(phone, 'cus_ours', 1000)
  repo.insertCall(callRow('call_1', ours.customerId))
  // Another connection's insert, between our read and our turn's commit.
  db.$client.prepare('INSERT INTO customers (customer_id, phone, created_at) VALUES (?, ?, ?)').run('cus_theirs', phone, 999)
  await turn()
  t.equal(db.select().from(customers).where(eq(customers.customerId, 'cus_ours')).get(), undefined, 'ours was not written: the phone is theirs')
  t.equal(db.select().from(calls).where(eq(calls.callId, 'call_1')).get()?.customerId, 'cus_theirs', 'the call is written, with their customer')
  t.equal(repo.customerByPhone(phone)?.customerId, 'cus_theirs', 'and the number is theirs from now on')
})

t.test('asked for again in the same turn (a lead written at once), the new customer lands first, inside that transaction', async (t) => {
  const { db, repo } = fresh(t)
  const customer = repo.ensureCustomer(phone, 'cus_a', 1000, 'Ivan')
  // A lead naming the customer, written directly in a transaction of its own (as lead intake does).
  db.$client.transaction(() => {
    const again = repo.ensureCustomer(phone, 'cus_b', 1001)
    t.equal(again.customerId, customer.customerId)
    db.$client.prepare("INSERT INTO leads (lead_id, customer_id, phone, channel, status, status_since, created_at, updated_at) VALUES ('lead_1', ?, ?, 'api', 'new', 1, 1, 1)").run(again.customerId, phone)
  })()
  t.equal(db.select().from(customers).all().length, 1, 'in the database with the lead')
  await turn()
  t.equal(db.select().from(customers).all().length, 1, 'once')
})

t.test('ensureCustomerId names the same customer as ensureCustomer: a new one, one not landed yet, one merged into another', async (t) => {
  const { db, repo } = fresh(t)
  t.equal(repo.ensureCustomerId(phone, 'cus_a', 1000, 'Ivan'), 'cus_a', 'a new number: the id given')
  t.equal(repo.ensureCustomerId(phone, 'cus_b', 1001), 'cus_a', 'asked again before it landed: the same customer')
  t.same(db.select({ id: customers.customerId, name: customers.name }).from(customers).all(), [{ id: 'cus_a', name: 'Ivan' }], 'asked again, it landed at once')
  await turn()
  t.equal(repo.ensureCustomerId(phone, 'cus_c', 2000), 'cus_a', 'from the database')
  // A second number of the same person, merged into the first customer.
  const other = '+79035556677'
  db.$client.prepare('INSERT INTO customers (customer_id, phone, created_at, merged_into, merged_at) VALUES (?, ?, ?, ?, ?)').run('cus_old', other, 500, 'cus_a', 2500)
  t.equal(repo.ensureCustomerId(other, 'cus_d', 3000), 'cus_a', 'a merged number names the customer it was merged into')
  t.equal(repo.ensureCustomerId(other, 'cus_d', 3000), repo.ensureCustomer(other, 'cus_e', 3000).customerId, 'as ensureCustomer does')
  t.equal(db.select().from(customers).all().length, 2, 'nothing new written for a known number')
})

t.test('claimOutcome: the first write publishes a call\'s outcome, a second (a journal applied again) does not; a call with no row still publishes', async (t) => {
  const { db, repo } = fresh(t)
  repo.insertCall(callRow('call_1', repo.ensureCustomer(phone, 'cus_a', 1000).customerId))
  await turn()
  t.equal(repo.claimOutcome('call_1', 5000), true)
  t.equal(db.select().from(calls).where(eq(calls.callId, 'call_1')).get()?.outcomePublishedAt, 5000, 'marked with the time')
  t.equal(repo.claimOutcome('call_1', 6000), false, 'published before')
  t.equal(db.select().from(calls).where(eq(calls.callId, 'call_1')).get()?.outcomePublishedAt, 5000, 'the first mark kept')
  t.equal(repo.claimOutcome('call_missing', 6000), true, 'no row: its outcome still goes out')
  t.equal(repo.claimOutcome('call_missing', 7000), true, 'again: with no row there is nothing to mark it on')
})
