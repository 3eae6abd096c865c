// A write that failed for lack of room: the file system is full (ENOSPC), a quota is used up (EDQUOT), a
// file may not grow that big (EFBIG: the file system's or the process's limit), or SQLite could not grow
// its database (SQLITE_FULL). Such a request is answered 507, never 500: the client can act on it once
// space is freed.

const CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL'])

/** The code of the out-of-space error in `err` or its causes, or null. */
export function diskFullCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && CODES.has(code)) return code
  }
  return null
}

export const isDiskFull = (err: unknown): boolean => diskFullCode(err) !== null
