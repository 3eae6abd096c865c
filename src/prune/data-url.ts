// data: URLs as OpenCode stores attachments (`data:<mime>;base64,<payload>`): their decoded size from the
// length and padding alone, and their bytes decoded piece by piece.

import { isLong, type Text } from './long-string.js'

export interface DataUrlInfo {
  mime: string
  /** Where the payload starts, in characters of the URL (ASCII, so also bytes). */
  payloadStart: number
  /** Payload length in characters. */
  payloadChars: number
  /** Decoded bytes. */
  size: number
}

const HEADER_RE = /^data:([^,;]*)((?:;[^,;]*)*?);base64,/i
/** No header is longer than this (mime types are short). */
const MAX_HEADER = 512

/** Parses a base64 data URL (full string or LongString); null for anything else. */
export function dataUrlInfo(url: Text): DataUrlInfo | null {
  const head = isLong(url) ? url.head : url
  const m = HEADER_RE.exec(head.slice(0, MAX_HEADER))
  if (!m) return null
  const total = isLong(url) ? url.rawBytes : url.length
  const payloadChars = total - m[0].length
  const end = isLong(url) ? url.tail : url.slice(-2)
  const padding = end.endsWith('==') ? 2 : end.endsWith('=') ? 1 : 0
  const size = Math.max(0, Math.floor((payloadChars * 3) / 4) - (payloadChars % 4 === 0 ? padding : 0))
  return { mime: m[1]!.trim() || 'application/octet-stream', payloadStart: m[0].length, payloadChars, size }
}

/**
 * Where to start reading the payload to produce decoded bytes from `from`: the base64 character that
 * begins its 3-byte group, and how many decoded bytes of that group to drop.
 */
export function payloadOffsetFor(from: number): { chars: number; drop: number } {
  const group = Math.floor(from / 3)
  return { chars: group * 4, drop: from - group * 3 }
}

/** Decodes base64 text arriving in arbitrary pieces (whole 4-character groups decoded, the rest carried). */
export function createBase64Decoder(): { write(text: Buffer): Buffer; end(): Buffer } {
  let carry = ''
  return {
    write(text) {
      const all = carry + text.toString('latin1')
      const usable = all.length - (all.length % 4)
      carry = all.slice(usable)
      return Buffer.from(all.slice(0, usable), 'base64')
    },
    end() {
      const rest = Buffer.from(carry, 'base64')
      carry = ''
      return rest
    },
  }
}
