// bench/RESULTS.md keeps one section per scenario; a run rewrites only the sections of the scenarios it
// ran, so measuring one scenario never erases another's numbers.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const HEADER = `# Benchmark results

Measured with \`npm run bench\` against the real OpenCode (opencode-ai, pinned) driven by the project's mock
LLM, on loopback. Each section says when, on what machine and with which command it was produced; a run
replaces only the sections of the scenarios it ran. Times are milliseconds.
`

const SECTION_RE = /<!-- scenario:([\w-]+) -->\n[\s\S]*?<!-- \/scenario -->\n?/g

export function updateResults(path: string, sections: Map<string, string>, header = HEADER): void {
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : header
  const kept = new Map<string, string>()
  for (const m of existing.matchAll(SECTION_RE)) kept.set(m[1]!, m[0])
  for (const [name, body] of sections) kept.set(name, `<!-- scenario:${name} -->\n${body.trim()}\n<!-- /scenario -->\n`)
  const ordered = [...kept.keys()].sort().map((k) => kept.get(k)!)
  writeFileSync(path, `${header}\n${ordered.join('\n')}`)
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export function ms(value: number): string {
  return value.toFixed(3)
}
