// Studio's data dir and the upload workspace on a small tmpfs that really fills up. While it is full
// (no byte free, or a little less than a request needs, so writes start and then fail) uploads and
// serverPath forwards must be refused with a clear JSON error (507 insufficient_storage, or 413 with a
// code), leave nothing half-written (no temp file, no partial blob or row, no byte more on the disk, an
// overwritten upload target still whole), and once space is freed the same requests must succeed.

import { randomBytes } from 'node:crypto'
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'undici'
import { table } from '../results-file.js'
import { startOpenCode } from '../../test/harness/opencode.js'
import { auditCache, halfWritten, sha256 } from '../../test/support/cache-audit.js'
import { callJson } from '../../test/support/http.js'
import { startStudioChild, waitStudioReady } from '../../test/support/studio.js'
import { tempLeftovers, walk } from '../../test/support/uploads.js'
import type { FaultContext } from './opencode-kill.js'
import { freeBytes, mountTmpfs } from './tmpfs.js'

const TMPFS_SIZE = '8m'
const UPLOADS = 2
const FORWARDS = 2
const UPLOAD_BYTES = 256 * 1024
const DOC_BYTES = 256 * 1024
/** Free space while "full": none at all, or less than any request needs (its writes start, then fail). */
const LEAVE_FREE_BYTES = [0, 128 * 1024]
/**
 * The cache is capped so rounds of fresh documents never fill the tmpfs by themselves, and so that once
 * the filler is gone there is room for all the requests of a round at once (with studio.db's 1 MiB log).
 */
const CACHE_BYTES = '1MiB'

interface Answer {
  status: number
  code: string | null
  json: boolean
}

export async function fullDisk(ctx: FaultContext): Promise<string> {
  const rounds = Number(process.env.FAULTS_FULL_ROUNDS ?? 6)
  const root = join(ctx.scratch.root, 'small-disk')
  const mounted = mountTmpfs(root, TMPFS_SIZE)
  const heading = `## full-disk: Studio's data dir and an upload workspace on a ${TMPFS_SIZE.toUpperCase()} tmpfs that fills up`
  if (!mounted.ok) return [heading, '', `${ctx.when} · ${ctx.machine} · **not run**: ${mounted.reason}. No figures.`].join('\n')

  const ws = join(root, 'ws')
  const dataDir = join(root, 'data')
  const filler = join(root, 'filler')
  mkdirSync(ws)
  const oc = await startOpenCode({ llmBaseUrl: ctx.llmBaseUrl, scratch: ctx.scratch })
  const studio = await startStudioChild({
    env: ctx.scratch.env,
    args: ['--opencode-port', String(oc.port), '--data-dir', dataDir, '--attachment-cache-bytes', CACHE_BYTES, '--log-level', process.env.FAULTS_LOG ?? 'error'],
  })
  const q = `directory=${encodeURIComponent(ws)}`
  const full = { sent: 0, clear: 0, other: new Map<string, number>(), temps: 0, partial: 0, inFlight: 0, leakedBytes: 0, targetsBroken: 0, failedTargetsCreated: 0 }
  const freed = { sent: 0, ok: 0, other: new Map<string, number>(), lost: 0, partial: 0 }
  const note = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
  try {
    await waitStudioReady(studio.url)
    const session = (await callJson(`${studio.url}/api/session?${q}`, { method: 'POST', body: { title: 'full disk' } })).body.id as string
    const payloads = Array.from({ length: UPLOADS }, () => randomBytes(UPLOAD_BYTES))
    const targets = payloads.map((_, i) => join(ws, 'uploads', `u-${i}.txt`))
    const digests = new Set(payloads.map(sha256))

    const upload = (i: number) => send(`${studio.url}/api/fs/upload?${q}&path=uploads/u-${i}.txt&overwrite=true`, payloads[i]!, 'application/octet-stream')
    const forward = (i: number) =>
      send(`${studio.url}/api/session/${session}/message?${q}`, JSON.stringify({ noReply: true, parts: [{ type: 'file', serverPath: `doc-${i}.pdf` }] }), 'application/json')
    const all = () => Promise.all([...payloads.map((_, i) => upload(i)), ...Array.from({ length: FORWARDS }, (_, i) => forward(i))])
    const footprint = () => [ws, join(dataDir, 'attachments')].flatMap(walk).reduce((n, p) => n + statSync(p).size, 0)
    /** Partial blobs or rows: corrupt, dangling or orphan blobs, source rows without their blob. */
    const audit = () => {
      const a = auditCache(dataDir)
      const n = a.corruptBlobs.length + a.danglingRows.length + a.orphanBlobs.length + a.danglingSources
      if (n > 0) process.stderr.write(`  audit: ${JSON.stringify(a)}\n`)
      return n
    }

    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < FORWARDS; i++) writeDoc(join(ws, `doc-${i}.pdf`)) // new content: a cache miss, a blob to write
      const existed = targets.filter((t) => exists(t))
      const before = footprint()
      fill(filler, LEAVE_FREE_BYTES[r % LEAVE_FREE_BYTES.length]!)
      const answers = await all()
      for (const a of answers) {
        full.sent++
        if ((a.status === 507 || a.status === 413) && a.json && a.code) full.clear++
        else note(full.other, `${a.status} ${a.code ?? (a.json ? 'JSON without code' : 'not JSON')}`)
      }
      full.temps += tempLeftovers(ws, dataDir).length
      full.partial += audit()
      full.inFlight = Math.max(full.inFlight, auditCache(dataDir).uploadsInFlight)
      full.leakedBytes += Math.max(0, footprint() - before)
      full.targetsBroken += halfWritten(existed, digests).length
      full.failedTargetsCreated += targets.filter((t) => !existed.includes(t) && exists(t)).length
      process.stderr.write(`  round ${r + 1}/${rounds} full (${LEAVE_FREE_BYTES[r % LEAVE_FREE_BYTES.length]} bytes free): ${answers.map((a) => `${a.status} ${a.code}`).join(', ')}\n`)

      rmSync(filler)
      const again = await all()
      for (const a of again) {
        freed.sent++
        if (a.status === 200) freed.ok++
        else note(freed.other, `${a.status} ${a.code ?? ''}`)
      }
      freed.lost += targets.filter((t) => !exists(t) || !digests.has(sha256(readFileSync(t)))).length
      freed.partial += audit() + auditCache(dataDir).uploadsInFlight + tempLeftovers(ws, dataDir).length
      const db = ['studio.db', 'studio.db-wal'].map((n) => `${n} ${exists(join(dataDir, n)) ? statSync(join(dataDir, n)).size : 0}`).join(', ')
      process.stderr.write(`  round ${r + 1}/${rounds} freed (${freeBytes(root)} bytes free; ${db}): ${again.map((a) => a.status).join(', ')}\n`)
      if (again.some((a) => a.status === -1 || a.status === 500)) process.stderr.write(`  Studio's last output:\n${studio.output().slice(-6000)}\n`)
    }
  } finally {
    await studio.stop()
    await oc.stop()
    rmSync(filler, { force: true })
    mounted.unmount()
  }
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**')
  const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'
  const fullOther = full.sent - full.clear
  return [
    heading,
    '',
    `${ctx.when} · ${ctx.machine} · OpenCode ${oc.version} · Studio attached to a real OpenCode (its own storage on the ordinary disk), data dir and`,
    `workspace on one tmpfs (\`mount -t tmpfs -o size=${TMPFS_SIZE}\`), attachment cache capped at ${CACHE_BYTES}; each round rewrites ${FORWARDS} documents`,
    `(${DOC_BYTES / 1024} KiB PDFs), fills the tmpfs with a filler file up to ${LEAVE_FREE_BYTES.map((b) => `${b / 1024} KiB`).join(' or ')} free, sends ${UPLOADS} uploads`,
    `(${UPLOAD_BYTES / 1024} KiB, overwriting the targets the previous round wrote) and ${FORWARDS} prompts with a serverPath part (noReply) at once,`,
    'checks the disk, deletes the filler and sends the same requests again',
    `· command: \`${ctx.command}\`${process.env.FAULTS_FULL_ROUNDS ? ` with FAULTS_FULL_ROUNDS=${rounds}` : ''}`,
    '',
    table(
      ['figure', 'value', 'goal', 'verdict'],
      [
        ['rounds', rounds, '', ''],
        ['requests while full', full.sent, '', ''],
        ['… refused with 507 or 413 and a JSON {error, code}', full.clear, String(full.sent), verdict(full.clear === full.sent)],
        ['… answered otherwise', fullOther, '0', verdict(fullOther === 0)],
        ['temp files left', full.temps, '0', verdict(full.temps === 0)],
        ['partial blobs or index rows (corrupt, dangling, orphan)', full.partial, '0', verdict(full.partial === 0)],
        ['most upload_in_flight rows left while full (their temp files are gone; deleted at the next upload)', full.inFlight, '', ''],
        ['bytes more on the disk after the refused requests', full.leakedBytes, '0', verdict(full.leakedBytes === 0)],
        ['overwritten targets not whole afterwards', full.targetsBroken, '0', verdict(full.targetsBroken === 0)],
        ['refused uploads whose target appeared', full.failedTargetsCreated, '0', verdict(full.failedTargetsCreated === 0)],
        ['same requests after space was freed', freed.sent, '', ''],
        ['… answered 200', freed.ok, String(freed.sent), verdict(freed.ok === freed.sent)],
        ['upload targets missing or wrong after success', freed.lost, '0', verdict(freed.lost === 0)],
        ['leftovers after success (temp files, partial blobs or rows, upload_in_flight rows)', freed.partial, '0', verdict(freed.partial === 0)],
      ],
    ),
    '',
    `Answers while full other than a clear refusal: ${list(full.other)}. After freeing, other than 200: ${list(freed.other)}.`,
    'Studio maps ENOSPC, EDQUOT, EFBIG and SQLITE_FULL to 507 `insufficient_storage` (src/lib/disk-full.ts, src/http/errors.ts).',
    "Bytes on the disk are those of the workspace and the blob folders; studio.db's write-ahead log is SQLite's own (cut back to 1 MiB",
    'after each checkpoint, src/attachments/db.ts).',
  ].join('\n')
}

async function send(url: string, body: Buffer | string, type: string): Promise<Answer> {
  try {
    const res = await request(url, { method: 'POST', headers: { 'content-type': type }, body })
    const text = await res.body.text()
    try {
      const json = JSON.parse(text) as Record<string, unknown>
      return { status: res.statusCode, code: typeof json.code === 'string' && typeof json.error === 'string' ? json.code : null, json: true }
    } catch {
      return { status: res.statusCode, code: null, json: false }
    }
  } catch (err) {
    return { status: -1, code: `no answer (${(err as Error).message})`, json: false }
  }
}

/** Grows `path` until the file system is full, then gives `leaveBytes` back. */
function fill(path: string, leaveBytes: number): void {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(64 * 1024, 0x66)
  let size = 0
  try {
    for (;;) {
      try {
        size += writeSync(fd, chunk)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break
        throw err
      }
    }
    // a last partial chunk may still fit
    for (let n = 1; n > 0; ) {
      try {
        n = writeSync(fd, chunk, 0, 4096)
        size += n
      } catch {
        n = 0
      }
    }
    ftruncateSync(fd, Math.max(0, size - leaveBytes))
  } finally {
    closeSync(fd)
  }
}

function writeDoc(path: string): void {
  const fd = openSync(path, 'w')
  writeSync(fd, Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(DOC_BYTES)]))
  closeSync(fd)
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
