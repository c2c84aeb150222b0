// Where the real Asterisk under test is, read from RINGLEAD_IT_* variables (README.md beside
// this file lists them). Without RINGLEAD_IT_ARI_URL there is no lab and the tests skip.

export interface SipAddress { host: string; port: number }

export interface LabSettings {
  ari: { url: string; user: string; password: string }
  ami: { host: string; port: number; user: string; secret: string }
  /** Where the carrier's INVITE goes: Asterisk's PJSIP transport. */
  sip: SipAddress
  /** Where the carrier (a sipp UAC) sends from. */
  carrier: SipAddress
  /** Each operator endpoint (PJSIP resource) and where its static contact points. */
  phones: Map<string, SipAddress>
  /** An endpoint Asterisk knows that has no contact: its device is UNAVAILABLE. */
  awayEndpoint: string
  dids: {
    /** A DID the tests register as a tracking number with a category. */
    tracked: string
    /** A second tracked DID, without a category. */
    second: string
    /** A DID the dialplan sends to Stasis but ringlead does not know. */
    unknown: string
  }
  sipp: string
  /** Audio (an RTP pcap) the carrier plays once answered; '' for none. Phones echo what they hear. */
  pcap: string
  /** Keep each test's scratch directory (sipp message logs, recordings) even when it passes. */
  keepLogs: boolean
  /** Asterisk's stored-recordings directory as this machine sees it; '' when Asterisk's disk is elsewhere. */
  spoolDir: string
}

export const skipMessage = 'real-Asterisk tests skipped: set RINGLEAD_IT_ARI_URL (e.g. http://127.0.0.1:8088) and the other RINGLEAD_IT_* variables described in test/integration/asterisk/README.md'

const defaultPhones = '101=127.0.0.1:5061,102=127.0.0.1:5062,103=127.0.0.1:5063,104=127.0.0.1:5064'

export class LabSettingsError extends Error {
  constructor (readonly problems: string[]) {
    super(`bad RINGLEAD_IT_* settings:\n  ${problems.join('\n  ')}`)
  }
}

/** null when the real-Asterisk tests are not configured; throws when they are, but wrongly. */
export function labSettings (env: Record<string, string | undefined> = process.env): LabSettings | null {
  const ariUrl = env.RINGLEAD_IT_ARI_URL?.trim()
  if (!ariUrl) return null
  const problems: string[] = []
  const text = (name: string, fallback: string): string => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? fallback : value
  }
  const port = (name: string, fallback: number): number => {
    const raw = text(name, String(fallback))
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push(`${name}: not a port number: ${JSON.stringify(raw)}`)
    return n
  }
  const address = (name: string, raw: string): SipAddress => {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(raw)
    if (!m) {
      problems.push(`${name}: expected host:port, got ${JSON.stringify(raw)}`)
      return { host: '', port: 0 }
    }
    return { host: m[1]!, port: Number(m[2]) }
  }
  const did = (name: string, fallback: string): string => {
    const value = text(name, fallback)
    if (!/^\+?[0-9]{2,20}$/.test(value)) problems.push(`${name}: not a DID: ${JSON.stringify(value)}`)
    return value
  }

  try {
    const url = new URL(ariUrl)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`RINGLEAD_IT_ARI_URL: expected http(s)://host:port, got ${ariUrl}`)
  } catch {
    problems.push(`RINGLEAD_IT_ARI_URL: not a URL: ${JSON.stringify(ariUrl)}`)
  }

  const phones = new Map<string, SipAddress>()
  for (const entry of text('RINGLEAD_IT_PHONES', defaultPhones).split(',')) {
    const [resource, where] = entry.split('=').map((s) => s.trim())
    if (!resource || !where) {
      problems.push(`RINGLEAD_IT_PHONES: expected endpoint=host:port, got ${JSON.stringify(entry)}`)
      continue
    }
    phones.set(resource, address('RINGLEAD_IT_PHONES', where))
  }
  for (const needed of ['101', '102', '103', '104']) {
    if (!phones.has(needed)) problems.push(`RINGLEAD_IT_PHONES: endpoint ${needed} missing`)
  }

  const settings: LabSettings = {
    ari: { url: ariUrl.replace(/\/+$/, ''), user: text('RINGLEAD_IT_ARI_USER', 'ringlead'), password: text('RINGLEAD_IT_ARI_PASSWORD', 'ringlead') },
    ami: {
      host: text('RINGLEAD_IT_AMI_HOST', '127.0.0.1'),
      port: port('RINGLEAD_IT_AMI_PORT', 5038),
      user: text('RINGLEAD_IT_AMI_USER', 'ringlead'),
      secret: text('RINGLEAD_IT_AMI_SECRET', 'ringlead')
    },
    sip: { host: text('RINGLEAD_IT_SIP_HOST', '127.0.0.1'), port: port('RINGLEAD_IT_SIP_PORT', 5060) },
    carrier: address('RINGLEAD_IT_CARRIER', text('RINGLEAD_IT_CARRIER', '127.0.0.1:5070')),
    phones,
    awayEndpoint: text('RINGLEAD_IT_AWAY_ENDPOINT', '105'),
    dids: {
      tracked: did('RINGLEAD_IT_DID', '74951234567'),
      second: did('RINGLEAD_IT_SECOND_DID', '74951234568'),
      unknown: did('RINGLEAD_IT_UNKNOWN_DID', '70000000000')
    },
    sipp: text('RINGLEAD_IT_SIPP', 'sipp'),
    pcap: text('RINGLEAD_IT_PCAP', '/usr/share/sip-tester/g711a.pcap'),
    keepLogs: ['1', 'true', 'yes'].includes(text('RINGLEAD_IT_KEEP_LOGS', '').toLowerCase()),
    spoolDir: text('RINGLEAD_IT_SPOOL_DIR', '')
  }
  if (new Set(Object.values(settings.dids)).size !== 3) problems.push('RINGLEAD_IT_DID, RINGLEAD_IT_SECOND_DID and RINGLEAD_IT_UNKNOWN_DID must differ')
  if (problems.length > 0) throw new LabSettingsError(problems)
  return settings
}
