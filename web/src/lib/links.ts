// In-app links are plain anchors the app's router (app/router.ts) follows on a plain click; a modified
// or middle click opens a tab as any link does.

import { router } from '../app/router'

export function followLink(e: MouseEvent, to: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  void router.push(to)
}
