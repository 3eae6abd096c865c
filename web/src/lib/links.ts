// In-app links are plain anchors the router follows on a plain click; a modified or middle click opens a
// tab as any link does. (RouterLink does the same but resolves its route and tracks whether it is active
// for each link: the sidebar renders dozens at once.)

import { router } from '../app/router'

export function followLink(e: MouseEvent, to: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  void router.push(to)
}
