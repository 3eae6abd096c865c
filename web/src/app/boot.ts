// First load: health, directories and their first pages, status and pending requests; then the stream,
// resumed from the oldest of those snapshots' seq.

import { refreshAttention } from '../stores/attention'
import { refreshHealth } from '../stores/connection'
import { eventCounts, eventLog, startLive } from '../stores/live'
import { dirs, loadDirectories, loadDirectory } from '../stores/sessions'
import { noteSeq } from '../stores/seq'
import { health, streamOpen } from '../stores/connection'
import { refreshStatus } from '../stores/status'
import { timelineStats } from '../stores/messages'

export async function boot(): Promise<void> {
  await Promise.all([
    refreshHealth().then(() => noteSeq(health.value?.events?.seq ?? null)),
    loadDirectories(),
  ])
  const directories = dirs.value.map((d) => d.directory)
  await Promise.allSettled([
    ...directories.slice(0, 8).map((d) => loadDirectory(d)),
    refreshStatus([]),
    refreshAttention(directories),
  ])
  startLive()
}

// For diagnosis in the browser console (and browser tests): read-only views of the stores.
;(window as unknown as { __studio: unknown }).__studio = { dirs, health, streamOpen, eventCounts, eventLog, timelineStats }
