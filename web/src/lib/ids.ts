// OpenCode-style ascending ids (msg_…, prt_…), so a message the UI creates sorts where OpenCode puts it
// and its events update the row the UI already shows.

let lastMs = 0
let counter = 0
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export function ascendingId(prefix: 'msg' | 'prt'): string {
  const ms = Date.now()
  if (ms !== lastMs) {
    lastMs = ms
    counter = 0
  }
  counter++
  const now = BigInt(ms) * 0x1000n + BigInt(counter)
  let hex = ''
  for (let i = 0; i < 6; i++) hex += Number((now >> BigInt(40 - 8 * i)) & 0xffn).toString(16).padStart(2, '0')
  const rnd = crypto.getRandomValues(new Uint8Array(14))
  let tail = ''
  for (const b of rnd) tail += BASE62[b % 62]
  return `${prefix}_${hex}${tail}`
}
