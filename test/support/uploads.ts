// Upload test plumbing: a request body that arrives slowly (so an upload is still running when a test
// aborts it or kills Studio), and a scan for the temp files Studio must never leave behind.

import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { TEMP_MARK } from '../../src/lib/fs-atomic.js'

/** `data` in `chunkBytes` pieces, `delayMs` apart. */
export function trickle(data: Buffer, chunkBytes: number, delayMs: number): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < data.length; i += chunkBytes) {
        yield data.subarray(i, i + chunkBytes)
        await sleep(delayMs)
      }
    })(),
  )
}

/** Every file under the folders, recursively. */
export function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name))
}

/** Studio's temp files (uploads, blobs being written) anywhere under the folders. */
export function tempLeftovers(...dirs: string[]): string[] {
  return dirs.flatMap(walk).filter((p) => p.split('/').pop()!.startsWith(TEMP_MARK))
}
