// The oldest seq of the snapshots read before the stream opened: the stream resumes from there.

let oldest: number | null = null

export function noteSeq(seq: number | null): void {
  if (seq === null || !Number.isFinite(seq)) return
  if (oldest === null || seq < oldest) oldest = seq
}

export function takeSnapshotSeq(): number | null {
  const v = oldest
  oldest = null
  return v
}
