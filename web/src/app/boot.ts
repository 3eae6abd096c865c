// The app's start, in two steps so that the first paint does not wait for what it does not show:
// - firstScreen(): what the first frame shows (health, directories, the first directories' pages, run
//   state, the pending requests Studio knows of). Studio embeds these answers in index.html, so this
//   settles within microtasks and the app mounts with them: one render of the sidebar's rows, not one
//   per answer. None of them asks OpenCode anything: on the same machine, its work would compete with
//   the page's.
// - boot(): the rest, after that frame is painted: pending requests as OpenCode has them, the stream
//   (resumed from the oldest of the snapshots' seq). Other directories' pages are read as the sidebar
//   shows their headers (features/sidebar/Sidebar.vue).

import { readAttentionBook, refreshAttention } from '../stores/attention'
import { health, refreshHealth, streamOpen } from '../stores/connection'
import { eventCounts, eventLog, startLive } from '../stores/live'
import { timelineStats } from '../stores/messages'
import { dirs, loadDirectories, loadDirectory } from '../stores/sessions'
import { noteSeq } from '../stores/seq'
import { refreshStatus } from '../stores/status'
import { yieldToBrowser } from '../lib/frame'

/** Directories whose first page the sidebar asks for at start (Studio embeds the first two). */
const FIRST_SCREEN_DIRS = 2

export async function firstScreen(): Promise<void> {
  const status = refreshStatus([])
  const pending = readAttentionBook()
  await Promise.all([refreshHealth().then(() => noteSeq(health.value?.events?.seq ?? null)), loadDirectories()])
  await Promise.all([...dirs.value.slice(0, FIRST_SCREEN_DIRS).map((d) => loadDirectory(d.directory)), status, pending])
}

export async function boot(first: Promise<void>): Promise<void> {
  await first
  const directories = dirs.value.map((d) => d.directory)
  // each step in a task of its own: a request costs the page a few ms to send
  await yieldToBrowser()
  await Promise.allSettled([refreshAttention(directories)])
  await yieldToBrowser()
  startLive()
}

// For diagnosis in the browser console (and browser tests): read-only views of the stores.
;(window as unknown as { __studio: unknown }).__studio = { dirs, health, streamOpen, eventCounts, eventLog, timelineStats }
