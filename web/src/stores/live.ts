// The tab's one event stream, applied to the stores once per animation frame, and the repair that runs
// after anything that may have lost events (replay gap, reconnect, 35 s of silence).

import { EventStream } from '../api/stream'
import type { MessageInfo, Part, PermissionRequest, QuestionRequest, Session, SessionStatus, StreamEvent } from '../api/types'
import { onNextFrame } from '../lib/frame'
import { addPermission, addQuestion, attention, refreshAttention, removeRequest } from './attention'
import { noteUpstream, refreshHealth, streamOpen } from './connection'
import {
  applyMessageRemoved,
  applyMessageUpdated,
  applyPartDelta,
  applyPartRemoved,
  applyPartUpdated,
  commit,
  loadTail,
  newBatch,
  setPinned,
} from './messages'
import { dirs, getSession, loadDirectory, removeSessions, upsertSessions } from './sessions'
import { takeSnapshotSeq } from './seq'
import { isBusy, refreshStatus, setStatus } from './status'
import { openSessionId, setSessionError } from './ui'

let queue: StreamEvent[] = []
let stream: EventStream | null = null

function knownDirectories(): string[] {
  return dirs.value.map((d) => d.directory)
}

/** Where OpenCode itself is asked for the run state on a repair: the open session's directory. */
function focusDirectories(open: string | null): string[] {
  const directory = open ? getSession(open)?.directory : undefined
  return directory ? [directory] : []
}

function apply(events: StreamEvent[]): void {
  const batch = newBatch()
  let sessionUpserts: Session[] = []
  const flushSessions = (): void => {
    if (sessionUpserts.length) upsertSessions(sessionUpserts)
    sessionUpserts = []
  }
  for (const e of events) {
    const p = e.properties
    switch (e.type) {
      case 'session.created':
      case 'session.updated':
        if (p.info) sessionUpserts.push(p.info as Session)
        break
      case 'session.deleted':
        flushSessions()
        if (p.info?.id) removeSessions([p.info.id as string])
        break
      case 'session.status':
        setStatus(p.sessionID as string, p.status as SessionStatus)
        if ((p.status as SessionStatus).type === 'busy') setSessionError(p.sessionID as string, null)
        break
      case 'session.idle':
        setStatus(p.sessionID as string, { type: 'idle' })
        break
      case 'session.error': {
        const err = p.error as { name?: string; data?: { message?: string } } | undefined
        if (p.sessionID && err && err.name !== 'MessageAbortedError') setSessionError(p.sessionID as string, err.data?.message ?? err.name ?? 'Error')
        break
      }
      case 'message.updated':
        applyMessageUpdated(p.info as MessageInfo)
        break
      case 'message.removed':
        applyMessageRemoved(p.sessionID as string, p.messageID as string)
        break
      case 'message.part.updated':
        applyPartUpdated(batch, p.part as Part)
        break
      case 'message.part.delta':
        applyPartDelta(batch, p as { sessionID: string; messageID: string; partID: string; field: string; delta: string })
        break
      case 'message.part.removed':
        applyPartRemoved(p.sessionID as string, p.messageID as string, p.partID as string)
        break
      case 'permission.asked':
        addPermission(e.directory ?? '', p as PermissionRequest)
        break
      case 'permission.replied':
        removeRequest(p.requestID as string)
        break
      case 'question.asked':
        addQuestion(e.directory ?? '', p as QuestionRequest)
        break
      case 'question.replied':
      case 'question.rejected':
        removeRequest(p.requestID as string)
        break
      case 'opencode-studio:upstream-disconnected':
        noteUpstream(false)
        break
      case 'opencode-studio:upstream-connected':
        noteUpstream(true)
        if (p.reconnect || p.resync) void repair('upstream reconnected')
        break
      case 'opencode-studio:session-interrupted':
        if (p.sessionID) {
          setStatus(p.sessionID as string, { type: 'idle' })
          void loadTail(p.sessionID as string)
        }
        break
    }
  }
  flushSessions()
  commit(batch)
}

/** Events received per type (diagnosis). */
export const eventCounts: Record<string, number> = {}

/** The last 200 events' arrival times and types (diagnosis). */
export const eventLog: [number, string][] = []

function enqueue(e: StreamEvent): void {
  eventCounts[e.type] = (eventCounts[e.type] ?? 0) + 1
  if (eventLog.push([Math.round(performance.now()), e.type]) > 200) eventLog.shift()
  queue.push(e)
  if (queue.length === 1)
    onNextFrame(() => {
      const events = queue
      queue = []
      apply(events)
    })
}

let repairing: Promise<void> | null = null
let repairAgain = false

/**
 * Re-reads what the stream cannot replay: status, pending requests, the open session's tail, lists. A
 * request while a repair runs is not folded into it (that one may have read before what prompted the
 * request, e.g. OpenCode coming back): one more repair follows it.
 */
export function repair(reason: string): Promise<void> {
  if (repairing) {
    repairAgain = true
    return repairing
  }
  repairing = (async () => {
    do {
      repairAgain = false
      await repairOnce()
    } while (repairAgain)
  })().finally(() => (repairing = null))
  void reason
  return repairing
}

async function repairOnce(): Promise<void> {
  const directories = knownDirectories()
  const open = openSessionId.value
  await Promise.allSettled([
    refreshHealth(),
    refreshStatus(focusDirectories(open)),
    refreshAttention(directories),
    open ? loadTail(open) : Promise.resolve(),
    ...dirs.value.filter((d) => d.loaded).map((d) => loadDirectory(d.directory)),
  ])
}

export function startLive(): void {
  setPinned((id) => id === openSessionId.value || isBusy(id) || attention.value.some((a) => a.request.sessionID === id))
  stream = new EventStream({
    event: enqueue,
    open(initial) {
      streamOpen.value = true
      if (!initial) void repair('reconnected')
    },
    gap(reason) {
      void repair(reason)
    },
    down() {
      streamOpen.value = false
      void refreshHealth()
    },
  })
  stream.start(takeSnapshotSeq())
}

