// Where a text that is still growing (a streamed reply) can be cut so that its start never has to be
// rendered again: rendering the part before the cut and the part after it separately gives the same HTML
// as rendering the whole. Without it, every update of a long reply re-parsed, re-sanitized and re-laid-out
// all of it, and a 10-minute reply (~120 KB) made each update a long task.
//
// A cut is made only before a line that starts a new top-level block after a blank line, where CommonMark
// (markdown-it, raw HTML off: lib/markdown-core.ts) cannot join it to what came before:
// - not inside a fenced code block;
// - the line is not indented at all (it could continue an indented code block or a list item, whose
//   content may start 2 columns in);
// - the line is not a list item (it would continue the list before, making it a loose list);
// - the text has no link reference definition (`[label]: url`), which reaches any part of the text; one
//   that arrives after a cut undoes the pieces (`piecesHold`).
// The line after the cut must be complete, so a marker still being typed cannot change its kind.

/** A cut is looked for once the part after the last one is this long. */
export const CUT_AFTER = 4096
/** A cut leaves at least this much text after it: the block being written stays whole. */
const KEEP_AFTER = 256

const FENCE = /^ {0,3}(`{3,}|~{3,})/
const LIST_ITEM = /^ {0,3}([-+*]|\d{1,9}[.)])(?:[ \t]|$)/
const INDENTED = /^[ \t]/
const REFERENCE = /^ {0,3}\[(?:[^\]\\]|\\.)+\]:/m

/**
 * Whether pieces cut from `text` before `from` still render as their part of the whole: they do unless a
 * link reference definition arrived after them (the text before `from` was checked when it was cut).
 */
export function piecesHold(text: string, from: number): boolean {
  return !REFERENCE.test(text.slice(from))
}

/**
 * The offset, after `from` (itself a block's start), of the last cut in `text`, or -1 when the text after
 * `from` is shorter than CUT_AFTER or has no safe place.
 */
export function lastSafeCut(text: string, from: number): number {
  if (text.length - from < CUT_AFTER) return -1
  if (!piecesHold(text, 0)) return -1
  const limit = text.length - KEEP_AFTER
  let cut = -1
  let fence: { char: string; length: number } | null = null
  let afterBlank = false
  let at = from
  while (at < text.length) {
    const end = text.indexOf('\n', at)
    if (end < 0) break // the last line is still being written
    const line = text.slice(at, end)
    const opener = fenceOpener(line)
    if (fence) {
      if (opener && opener.char === fence.char && opener.length >= fence.length && opener.info === '') fence = null
    } else if (line.trim() === '') {
      afterBlank = true
    } else {
      if (afterBlank && at > from && at <= limit && !INDENTED.test(line) && !LIST_ITEM.test(line)) cut = at
      afterBlank = false
      if (opener) fence = opener
    }
    at = end + 1
  }
  return cut
}

/** A fence line's character, length and info string, or null (a backtick fence's info has no backtick). */
function fenceOpener(line: string): { char: string; length: number; info: string } | null {
  const m = FENCE.exec(line)
  if (!m) return null
  const info = line.slice(m[0].length).trim()
  if (m[1]![0] === '`' && info.includes('`')) return null
  return { char: m[1]![0]!, length: m[1]!.length, info }
}
