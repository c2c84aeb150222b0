// drizzle schema. Times are integer epoch milliseconds and flags are integers so that the same
// tables map onto PostgreSQL (bigint/boolean) without SQLite-only tricks. Tables live in one module
// per area; this file joins them for drizzle (drizzle.config.ts, open.ts) and for every import.
export * from './schema/catalog.js'
export * from './schema/customers.js'
export * from './schema/calls.js'
export * from './schema/accounts.js'
export * from './schema/leads.js'
export * from './schema/pbx.js'
export * from './schema/speech.js'
