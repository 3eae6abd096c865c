// The view size for the virtualizers without a forced layout. TanStack's default reads the scroll
// element's size the moment it is attached, which, during the app's first mount, lays out the whole
// page in the middle of building it (then again for the next list, then for the paint). Here the first
// render uses an estimate (the window's height: both lists fill it) and the ResizeObserver's first
// report, delivered after layout and before paint, corrects it in the same frame.

import { observeElementRect, type Rect, type Virtualizer } from '@tanstack/vue-virtual'

export function initialRect(): Rect {
  return { width: 0, height: window.innerHeight }
}

export function observeRectAfterLayout(instance: Virtualizer<HTMLElement, Element>, cb: (rect: Rect) => void): void | (() => void) {
  const element = instance.scrollElement
  if (!element || typeof ResizeObserver === 'undefined') return observeElementRect(instance, cb)
  const observer = new ResizeObserver(() => cb({ width: Math.round(element.clientWidth), height: Math.round(element.clientHeight) }))
  observer.observe(element, { box: 'content-box' })
  return () => observer.disconnect()
}
