// Readings of another process from /proc (Linux): CPU time across all its threads, resident memory,
// whether it has ended. Shared by tests and benchmarks.

import { readdirSync, readFileSync } from 'node:fs'

/** Nanoseconds on a CPU, summed over every thread of the process. */
export function cpuNs(pid: number): number {
  let total = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // the thread ended meanwhile
    }
  }
  return total
}

export function residentMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024
}

/** True once the process is gone or a zombie (ended, not yet reaped): `kill(pid, 0)` still succeeds for a zombie. */
export function hasExited(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true
  } catch {
    return true
  }
}

/** Samples resident memory every few ms while `work` runs; returns the peak. */
export async function peakResidentMb<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number; baselineMb: number }> {
  const baselineMb = residentMb(pid)
  let peakMb = baselineMb
  const timer = setInterval(() => (peakMb = Math.max(peakMb, residentMb(pid))), 5)
  try {
    const result = await work()
    return { result, peakMb: Math.max(peakMb, residentMb(pid)), baselineMb }
  } finally {
    clearInterval(timer)
  }
}
