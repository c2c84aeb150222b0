// The one check every console redirect goes through: only a path on this site, so a crafted link
// (`/lang/en?back=…`, `/login?next=…`) cannot send a visitor elsewhere. Browsers drop tabs and
// newlines from URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example` would leave the
// site; anything that is not plainly one path goes to '/'.

const maxTargetLength = 2048
/** Printable ASCII without space: what a Location header can carry as it is. */
const plainPath = /^\/(?![/\\])[\x21-\x7e]*$/
const unsafeDecoded = /[\u0000-\u001f\u007f-\u009f\\]/

export function safeTarget (raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > maxTargetLength || !plainPath.test(raw) || raw.includes('\\')) return '/'
  let decoded: string
  try { decoded = decodeURIComponent(raw) } catch (err) {
    if (!(err instanceof URIError)) throw err
    return '/'
  }
  if (unsafeDecoded.test(decoded) || /^\/[/\\]/.test(decoded)) return '/'
  return raw
}
