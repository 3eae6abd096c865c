// The virtualizers without forced layouts during the app's first mount. TanStack reads the scroll
// element's size and scrolls it to its initial offset the moment it is attached; each lays out the whole
// page in the middle of building it (then again for the next list, then for the paint). Here the first
// render uses an estimate (the window's height: both lists fill it) and the ResizeObserver's first
// report, delivered after layout and before paint, corrects it in the same frame; and the attach-time
// scroll of a new element to offset 0, where it already is, is not made.

import { elementScroll, observeElementRect, type Rect, type Virtualizer } from '@tanstack/vue-virtual'

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

const attached = new WeakSet<Element>()

export function scrollWithoutAttachReflow(offset: number, options: { adjustments?: number; behavior?: ScrollBehavior }, instance: Virtualizer<HTMLElement, Element>): void {
  const element = instance.scrollElement
  const first = element !== null && !attached.has(element)
  if (element) attached.add(element)
  if (first && offset + (options.adjustments ?? 0) === 0) return
  elementScroll(offset, options, instance)
}
