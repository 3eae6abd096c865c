// File-system watches that tell the session index to look at storage now rather than at its next poll.
// Best effort by design: inotify limits or an exotic file system make fs.watch fail, and then polling
// alone keeps the index current.

import { watch, type FSWatcher } from 'node:fs'

export function watchPaths(paths: readonly string[], options: { recursive: boolean; filter?: (file: string) => boolean }, onChange: () => void): () => void {
  const watchers: FSWatcher[] = []
  for (const path of paths) {
    try {
      const w = watch(path, { recursive: options.recursive, persistent: false }, (_event, file) => {
        if (!options.filter || (file !== null && options.filter(String(file)))) onChange()
      })
      w.on('error', () => w.close())
      watchers.push(w)
    } catch {
      // polling covers it
    }
  }
  return () => {
    for (const w of watchers) w.close()
  }
}
