// What a person starting ringlead needs to read first: where it listens (on every LAN address when
// it listens on all interfaces), the demo's token, and how to get into the console.
import type { NetworkInterfaceInfo } from 'node:os'

/** The addresses other machines reach when `host` means every interface; [] otherwise. */
export function lanAddresses (host: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  if (host !== '0.0.0.0' && host !== '::') return []
  return Object.values(interfaces).flatMap((list) => list ?? [])
    .filter((i) => !i.internal && (i.family === 'IPv4' || (host === '::' && i.family === 'IPv6' && !i.address.startsWith('fe80'))))
    .map((i) => (i.family === 'IPv6' ? `[${i.address}]` : i.address))
}

export interface BannerFacts {
  url: string
  port: number
  lan: string[]
  sim: { ariUrl: string; amiPort: number } | null
  /** Which model transcribes and why, in words (the demo's generated one says its transcripts are noise). */
  speechModel: string
  demoToken: string
  hasUsers: boolean
}

export function startBanner (f: BannerFacts): string {
  const lanUrls = f.lan.map((a) => `http://${a}:${f.port}/`)
  return `\nringlead is running: ${f.url}/api/health\n` +
    (f.sim ? `Built-in Asterisk simulator with synthetic calls (ARI ${f.sim.ariUrl}, AMI port ${f.sim.amiPort}).\n` : '') +
    `Transcription: ${f.speechModel}\n` +
    (f.demoToken ? `An admin API token was created for this demo (shown only now): ${f.demoToken}\n` +
      `  curl -H 'Authorization: Bearer ${f.demoToken}' ${f.url}/api/calls\n` : `Calls: GET ${f.url}/api/calls with an API token (README, "API tokens").\n`) +
    `\nConsole: ${f.url}/\n` +
    (lanUrls.length > 0 ? `  From other machines on the network: ${lanUrls.join('  ')}\n` : '') +
    (!f.hasUsers
      ? `  Nobody can log in yet: open ${f.url}/setup to create the first administrator,\n` +
        '  or run `npx ringlead user create --username NAME --role admin` (the password is read from stdin).\n'
      : '  Log in with your console username and password.\n') +
    '\n'
}
