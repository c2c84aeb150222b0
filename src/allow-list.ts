// Which peers may open a connection: a comma list of IP addresses and CIDR ranges
// ("127.0.0.0/8, ::1, 10.1.2.3"), matched with node:net's BlockList.
import { BlockList, isIP } from 'node:net'

export interface AllowList {
  /** The entries as written, for logs and errors. */
  readonly entries: readonly string[]
  has (address: string | undefined): boolean
}

/** The entries of `text` that are neither an IP address nor a CIDR range, each with why. */
export function allowListProblems (text: string): string[] {
  const entries = splitEntries(text)
  if (entries.length === 0) return ['names no address; give at least one IP address or CIDR range (e.g. 127.0.0.0/8,::1)']
  return entries.flatMap((entry) => {
    const problem = entryProblem(entry)
    return problem === null ? [] : [`${JSON.stringify(entry)} ${problem}`]
  })
}

/** Builds the list; throws on an entry that `allowListProblems` would name. */
export function parseAllowList (text: string): AllowList {
  const problems = allowListProblems(text)
  if (problems.length > 0) throw new Error(`allow-list ${problems.join('; ')}`)
  const entries = splitEntries(text)
  const list = new BlockList()
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined]
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, family)
    else list.addSubnet(address, Number(prefix), family)
  }
  return {
    entries,
    has (address) {
      if (address === undefined) return false // the socket closed before we looked
      const family = isIP(address)
      if (family === 0) return false
      // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; match them against IPv4 entries.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
      if (mapped !== undefined && list.check(mapped, 'ipv4')) return true
      return list.check(address, family === 6 ? 'ipv6' : 'ipv4')
    }
  }
}

function splitEntries (text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function entryProblem (entry: string): string | null {
  const parts = entry.split('/')
  if (parts.length > 2) return 'is not an IP address or CIDR range'
  const [address, prefix] = parts as [string, string | undefined]
  const family = isIP(address)
  if (family === 0) return 'is not an IP address or CIDR range'
  if (prefix === undefined) return null
  const bits = family === 6 ? 128 : 32
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `has a prefix length outside 0–${bits}`
  return null
}
