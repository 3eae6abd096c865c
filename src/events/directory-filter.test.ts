import { describe, expect, it } from 'vitest'
import { directoryFilter, keyOf } from './directory-filter.js'

describe('directory filter', () => {
  it('keeps the directory, what is below it, and events without a directory; not a sibling sharing a prefix', () => {
    const accepts = directoryFilter('/w/app/')
    expect(accepts(keyOf('/w/app'))).toBe(true)
    expect(accepts(keyOf('/w/app/pkg/../src'))).toBe(true)
    expect(accepts(null)).toBe(true)
    expect(accepts(keyOf('/w/app2'))).toBe(false)
    expect(accepts(keyOf('/w'))).toBe(false)
  })

  it('without a directory keeps everything', () => {
    expect(directoryFilter(null)(keyOf('/anywhere'))).toBe(true)
  })
})
