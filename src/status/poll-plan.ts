// Which directories a reconcile pass asks OpenCode about. Polling is a safety net under OpenCode's event
// stream: it matters within seconds where a missed event would leave a run shown busy or a request
// unseen (directories with a busy or waiting session, or with events a moment ago), and only as a slow
// sweep elsewhere (directories recently active, where a run might have started unseen). Asking every
// candidate directory every 3 s kept OpenCode at ~4 % of a core while nothing ran (now ~2 %, measured on
// the UI benchmark's 200 directories).

import { isAbsolute } from 'node:path'

/** Directories with events this recently are asked every pass, as the active ones. */
export const HOT_DIRECTORY_MS = 60_000
/** The other candidates are asked this often. */
export const QUIET_SWEEP_MS = 30_000
/** Directories asked in one pass at most. */
export const MAX_DIRECTORIES = 32

export interface PollInput {
  /** Directories with a session busy, retrying or waiting for a person. */
  active: Iterable<string>
  /** Directory → when it last saw an event (ms). */
  lastEvent: ReadonlyMap<string, number>
  /** Other directories worth a look (recently updated sessions, recent events). */
  candidates: Iterable<string>
  now: number
  /** When the last pass that swept the quiet candidates ran (0: never). */
  lastSweep: number
}

export interface PollPlan {
  directories: string[]
  /** This pass sweeps quiet candidates (the caller records `now` as the last sweep). */
  sweep: boolean
}

export function planPoll(input: PollInput): PollPlan {
  const out = new Set<string>()
  // Only a directory OpenCode can be asked about: an absolute path. OpenCode's `project.updated` event
  // names the directory `global`; asked about `?directory=global`, OpenCode 1.18 sets up an instance for
  // it each time (~25 ms of its CPU per request, three requests every pass: 4 % of a core for a minute
  // after each such event, measured on the UI dataset).
  const add = (dir: string): void => {
    if (isAbsolute(dir)) out.add(dir)
  }
  for (const dir of input.active) add(dir)
  for (const [dir, at] of input.lastEvent) if (input.now - at <= HOT_DIRECTORY_MS) add(dir)
  const due = input.now - input.lastSweep >= QUIET_SWEEP_MS
  const before = out.size
  if (due) {
    for (const dir of input.lastEvent.keys()) add(dir)
    for (const dir of input.candidates) add(dir)
  }
  // a sweep with nothing to sweep (Studio's index still loading at start) is not one: the next pass sweeps
  return { directories: [...out].slice(0, MAX_DIRECTORIES), sweep: out.size > before }
}
