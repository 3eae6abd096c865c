// The command-line entry: load config, start the app, and own the process: signals, exit codes, and
// never leaving a spawned OpenCode behind.

import { createApp, type App } from './app.js'
import { ConfigError, helpText, loadConfig } from './config/index.js'
import { collectDiagnostics, formatDiagnostics } from './diagnostics/index.js'
import { hashPassword } from './lib/password.js'
import { STUDIO_VERSION } from './lib/version.js'

/** A stuck shutdown must not keep the process (and OpenCode) alive: SIGTERM ends both within 5 s. */
const SHUTDOWN_DEADLINE_MS = 4500

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv[0] === 'hash-password') return hashPasswordCommand()
  const doctor = argv[0] === 'doctor'
  const json = doctor && argv.includes('--json')
  let loaded
  try {
    const options = doctor ? argv.slice(1).filter((a) => a !== '--json') : argv
    loaded = loadConfig({ argv: options, env: process.env, cwd: process.cwd() })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`opencode-studio: ${err.message}\n`)
    process.exit(2)
  }
  if (loaded.kind === 'help') return void process.stdout.write(helpText())
  if (loaded.kind === 'version') return void process.stdout.write(`${STUDIO_VERSION}\n`)
  if (doctor) {
    const report = collectDiagnostics(loaded.config)
    for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`)
    return void process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatDiagnostics(report))
  }

  const app = await createApp(loaded.config)
  for (const warning of loaded.warnings) app.log.warn(warning)
  installProcessHandlers(app)
  try {
    const url = await app.start()
    // A stable line for people and scripts, whatever the log level (like OpenCode's own).
    process.stderr.write(`opencode-studio listening on ${url}\n`)
  } catch (err) {
    app.log.fatal({ err }, 'studio could not start')
    await app.close().catch(() => {})
    app.log.flush()
    process.exit(1)
  }
}

function installProcessHandlers(app: App): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // a second Ctrl-C: stop waiting, but still take OpenCode down with us
      app.bridge.killNow()
      process.exit(130)
    }
    stopping = true
    app.log.info({ signal }, 'studio stopping')
    setTimeout(() => {
      app.log.error('shutdown took too long; forcing exit')
      app.bridge.killNow()
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
    app.close().then(
      () => {
        app.log.flush()
        process.exit(0)
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        app.bridge.killNow()
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('SIGHUP', stop)
  // Whatever ends the process, a spawned OpenCode goes with it.
  process.on('exit', () => app.bridge.killNow())
  process.on('uncaughtException', (err) => {
    app.log.fatal({ err }, 'uncaught exception')
    app.bridge.killNow()
    app.log.flush()
    process.exit(1)
  })
}

/** Reads a password (the first line of stdin; typed without echo on a terminal) and prints its hash. */
async function hashPasswordCommand(): Promise<void> {
  const password = process.stdin.isTTY ? await readHidden('Password: ') : await readFirstLine()
  if (!password) {
    process.stderr.write('opencode-studio: no password given (type it, or pipe it on stdin)\n')
    process.exit(2)
  }
  process.stdout.write(`${await hashPassword(password)}\n`)
}

async function readFirstLine(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  return text.split(/\r?\n/)[0] ?? ''
}

function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt)
  process.stdin.setRawMode(true)
  process.stdin.resume()
  return new Promise((resolve) => {
    let typed = ''
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          process.stdin.setRawMode(false)
          process.stdin.pause()
          process.stdin.off('data', onData)
          process.stderr.write('\n')
          return resolve(typed)
        }
        if (ch === '\u0003') process.exit(130)
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch
      }
    }
    process.stdin.on('data', onData)
  })
}

void main()
