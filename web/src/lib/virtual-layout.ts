// The virtualizers without forced layouts while the app mounts or a session first renders. TanStack
// reads the scroll element's size, scrolls it to its initial offset and measures each row the moment
// they are attached: each of those lays the whole page out in the middle of building it. Here:
// - the first render uses an estimate of the list's size (the window's height: both lists fit in it),
//   and the ResizeObserver reports the real one after layout. When the list is no taller than the
//   estimate, that first report is applied once the browser is idle: the rows rendered for the estimate
//   cover the list (the extra ones are clipped), and the re-render that trims them waits for what the
//   first screens still have to render;
// - the attach-time scroll is not made to offset 0, where a new list already is, and any other is made
//   in the frame's callback, with the layout that frame needs anyway;
// - rows are measured by the ResizeObserver TanStack sets up for them (after layout), not as they mount;
// - the first render has rows for the view only; those around it (the overscan) follow when idle, a few
//   at a time.

import { elementScroll, observeElementRect, type Rect, type Virtualizer } from '@tanstack/vue-virtual'
import { onMounted, shallowRef, type ShallowRef } from 'vue'
import { afterPaint } from './frame'

/** Rows rendered beyond the view: 1 while the list first renders, then `STEP` more each time the browser is idle, up to `overscan`. */
export function overscanAfterFirstPaint(overscan: number): ShallowRef<number> {
  const current = shallowRef(1)
  // a few rows a step: all of them at once (a long session's messages, each its own markdown and tool
  // cards) made a task of their own over 50 ms in some first visits
  const grow = (): void => {
    current.value = Math.min(overscan, current.value + STEP)
    if (current.value < overscan) afterPaint(grow)
  }
  onMounted(() => afterPaint(grow))
  return current
}
const STEP = 2

export function initialRect(): Rect {
  return { width: 0, height: window.innerHeight }
}

export function observeRectAfterLayout(instance: Virtualizer<HTMLElement, Element>, cb: (rect: Rect) => void): void | (() => void) {
  const element = instance.scrollElement
  if (!element || typeof ResizeObserver === 'undefined') return observeElementRect(instance, cb)
  const read = (): Rect => ({ width: Math.round(element.clientWidth), height: Math.round(element.clientHeight) })
  let first = true
  const observer = new ResizeObserver(() => {
    const rect = read()
    const covered = first && rect.height <= initialRect().height
    first = false
    // read again when applied: the list may have changed size meanwhile
    if (covered) afterPaint(() => cb(read()))
    else cb(rect)
  })
  observer.observe(element, { box: 'content-box' })
  return () => observer.disconnect()
}

const attached = new WeakSet<Element>()

export function scrollWithoutAttachReflow(offset: number, options: { adjustments?: number; behavior?: ScrollBehavior }, instance: Virtualizer<HTMLElement, Element>): void {
  const element = instance.scrollElement
  const first = element !== null && !attached.has(element)
  if (element) attached.add(element)
  if (first && offset + (options.adjustments ?? 0) === 0) return
  // setting scrollTop lays the page out first: in the middle of building it, that is a layout of its own
  if (first) requestAnimationFrame(() => elementScroll(offset, options, instance))
  else elementScroll(offset, options, instance)
}

/** A row's size from its ResizeObserver report; as it mounts (no report yet), the size already known. */
export function measureAfterLayout(element: Element, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLElement, Element>): number {
  const box = entry?.borderBoxSize?.[0]
  if (box) return Math.round(box.blockSize)
  const index = instance.indexFromElement(element)
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index)
}
