// --help text, generated from the option table so it can never drift from what is parsed.

import { STUDIO_NAME, STUDIO_VERSION } from '../lib/version.js'
import { CONFIG_FILE_OPTION, OPTIONS } from './options.js'

export function helpText(): string {
  const rows: string[] = []
  const entry = (flag: string, env: string, key: string, describe: string, defaultText: string, bare = false) => {
    rows.push(`  --${flag}${bare ? '' : ' <value>'}`)
    rows.push(`      env ${env}${key ? `, file key "${key}"` : ''}`)
    rows.push(`      ${describe} Default: ${defaultText}.`)
  }
  entry(CONFIG_FILE_OPTION.flag, CONFIG_FILE_OPTION.env, '', CONFIG_FILE_OPTION.describe, CONFIG_FILE_OPTION.defaultText)
  for (const o of OPTIONS) entry(o.flag, o.env, o.key, o.describe, o.defaultText, o.kind === 'boolean')
  return [
    `${STUDIO_NAME} ${STUDIO_VERSION}: a local-first Studio server in front of OpenCode.`,
    '',
    'Usage: npm start -- [options]      (or: opencode-studio [options])',
    '       opencode-studio hash-password   Read a password on stdin, print its hash for "passwordHash".',
    '       opencode-studio doctor [options] Print versions, paths and the settings in effect.',
    '',
    'Every setting is a flag, an environment variable and a config file key.',
    'Precedence: flag > environment > config file > default.',
    '',
    'Options:',
    ...rows,
    '  -h, --help       Print this help.',
    '  -v, --version    Print the version.',
    '',
  ].join('\n')
}
