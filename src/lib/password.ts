// Studio's UI password: stored as an scrypt hash (node:crypto), compared in constant time.
// Format: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` — what `opencode-studio hash-password` prints.

import { randomBytes, scrypt, createHash, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const N = 16_384
const R = 8
const P = 1
const KEY_BYTES = 32
const HASH_RE = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

interface ParsedHash {
  options: ScryptOptions
  salt: Buffer
  key: Buffer
}

function scryptAsync(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))))
}

export function parsePasswordHash(encoded: string): ParsedHash | null {
  const m = HASH_RE.exec(encoded.trim())
  if (!m) return null
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  // N a power of two; bounds keep a hostile config from pinning the CPU or memory on every login
  if (n < 2 || n > 1_048_576 || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null
  const salt = Buffer.from(m[4]!, 'base64')
  const key = Buffer.from(m[5]!, 'base64')
  if (salt.length < 8 || key.length < 16) return null
  return { options: { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, salt, key }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, KEY_BYTES, { N, r: R, p: P })
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`
}

/** True when `password` matches `encoded` (a hash this module made); false for a malformed hash. */
export async function verifyPasswordHash(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded)
  if (!parsed) return false
  const key = await scryptAsync(password, parsed.salt, parsed.key.length, parsed.options)
  return timingSafeEqual(key, parsed.key)
}

/** Constant-time equality of two strings of any length (both are hashed to a fixed size first). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}
