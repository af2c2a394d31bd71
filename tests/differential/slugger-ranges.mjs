// The code points github-slugger's regex removes, found by asking the regex
// itself about every code point (surrogates excepted): [[first, last], ...].
import { regex } from 'github-slugger/regex.js'

export function removedRanges () {
  const global = new RegExp(regex.source, 'g')
  const ranges = []
  let start = -1
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // Surrogates are no Unicode scalar values; close a range around them.
      if (start >= 0) { ranges.push([start, cp - 1]); start = -1 }
      continue
    }
    const text = String.fromCodePoint(cp)
    const left = text.replace(global, '')
    if (left !== '' && left !== text) {
      throw new Error(`regex removes part of U+${cp.toString(16)}`)
    }
    if (left === '' && start < 0) start = cp
    if (left !== '' && start >= 0) { ranges.push([start, cp - 1]); start = -1 }
  }
  if (start >= 0) ranges.push([start, 0x10ffff])
  return ranges
}
