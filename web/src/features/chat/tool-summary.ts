// One line that says what a tool call did: title ▸ command ▸ path ▸ pattern ▸ url (≤ 100 chars).

import type { ToolState } from '../../api/types'

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

export function toolSummary(state: ToolState): string {
  const input = state.input ?? {}
  const pick = (k: string): string | null => (typeof input[k] === 'string' ? (input[k] as string) : null)
  const line =
    state.title ||
    pick('command')?.split('\n')[0] ||
    pick('description') ||
    pick('filePath') ||
    pick('path') ||
    pick('pattern') ||
    pick('url') ||
    pick('query') ||
    ''
  return line.length > 100 ? `${line.slice(0, 99)}…` : line
}

export const TOOL_ICONS: Record<string, string> = {
  bash: '$',
  read: '≡',
  write: '✎',
  edit: '✎',
  glob: '*',
  grep: '/',
  list: '▤',
  task: '↳',
  webfetch: '⇣',
  todowrite: '☐',
  question: '?',
}
