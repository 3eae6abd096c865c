// The one table of Studio's settings. Every setting has three spellings: a flag, an environment variable
// and a key in the JSON config file; precedence is flag > env > file > default (see load.ts).
// docs/config.md is checked against this table by a test.

export type OptionKind = 'string' | 'host' | 'path' | 'port' | 'integer' | 'bytes' | 'list' | 'level' | 'secret' | 'boolean'

export interface OptionSpec {
  /** Dotted path in the config object and in the config file. */
  key: string
  flag: string
  env: string
  kind: OptionKind
  /** Shown in --help. A fixed default is applied in load.ts (a test keeps the two equal); others depend on the machine. */
  defaultText: string
  describe: string
}

export const OPTIONS = [
  {
    key: 'host',
    flag: 'host',
    env: 'OPENCODE_STUDIO_HOST',
    kind: 'host',
    defaultText: '127.0.0.1',
    describe: 'Address Studio listens on. Keep it loopback unless you also set allowed hosts.',
  },
  {
    key: 'port',
    flag: 'port',
    env: 'OPENCODE_STUDIO_PORT',
    kind: 'port',
    defaultText: '3210',
    describe: 'Port Studio listens on (0 picks a free one).',
  },
  {
    key: 'password',
    flag: 'password',
    env: 'OPENCODE_STUDIO_PASSWORD',
    kind: 'secret',
    defaultText: 'none (no login)',
    describe: 'Password for the UI and API (HTTP Basic user `opencode` for OpenCode clients). Needed to listen beyond loopback.',
  },
  {
    key: 'passwordHash',
    flag: 'password-hash',
    env: 'OPENCODE_STUDIO_PASSWORD_HASH',
    kind: 'secret',
    defaultText: 'none',
    describe: 'The password as an scrypt hash (`opencode-studio hash-password` prints one), instead of --password.',
  },
  {
    key: 'insecureNoPassword',
    flag: 'insecure-no-password',
    env: 'OPENCODE_STUDIO_INSECURE_NO_PASSWORD',
    kind: 'boolean',
    defaultText: 'false',
    describe: 'Listen beyond loopback without a password: anyone who reaches Studio can drive OpenCode.',
  },
  {
    key: 'opencode.host',
    flag: 'opencode-host',
    env: 'OPENCODE_HOST',
    kind: 'host',
    defaultText: '127.0.0.1 when attaching',
    describe: 'Host of an existing OpenCode server to attach to (needs the port too).',
  },
  {
    key: 'opencode.port',
    flag: 'opencode-port',
    env: 'OPENCODE_PORT',
    kind: 'port',
    defaultText: 'unset: spawn OpenCode',
    describe: 'Port of an existing OpenCode server. When set, Studio attaches instead of spawning one.',
  },
  {
    key: 'opencode.bin',
    flag: 'opencode-bin',
    env: 'OPENCODE_STUDIO_OPENCODE_BIN',
    kind: 'path',
    defaultText: '`opencode` on PATH, else the bundled opencode-ai package',
    describe: 'OpenCode binary to spawn.',
  },
  {
    key: 'opencode.cwd',
    flag: 'opencode-cwd',
    env: 'OPENCODE_STUDIO_OPENCODE_CWD',
    kind: 'path',
    defaultText: 'the current directory',
    describe: 'Working directory of a spawned OpenCode (its default project).',
  },
  {
    key: 'opencode.username',
    flag: 'opencode-username',
    env: 'OPENCODE_SERVER_USERNAME',
    kind: 'string',
    defaultText: 'opencode',
    describe: "User name for OpenCode's basic auth.",
  },
  {
    key: 'opencode.password',
    flag: 'opencode-password',
    env: 'OPENCODE_SERVER_PASSWORD',
    kind: 'secret',
    defaultText: 'attach: none; spawn: a random one per start',
    describe: "Password for OpenCode's basic auth. A spawned OpenCode always gets one, so only Studio can drive it.",
  },
  {
    key: 'opencode.startTimeoutMs',
    flag: 'opencode-start-timeout-ms',
    env: 'OPENCODE_STUDIO_OPENCODE_START_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '30000',
    describe: 'How long one OpenCode start may take before it counts as failed.',
  },
  {
    key: 'opencode.dataDir',
    flag: 'opencode-data-dir',
    env: 'OPENCODE_STUDIO_OPENCODE_DATA_DIR',
    kind: 'path',
    defaultText: '$XDG_DATA_HOME/opencode, else ~/.local/share/opencode',
    describe: "Where OpenCode keeps opencode.db or its legacy storage/ folder (read only).",
  },
  {
    key: 'dataDir',
    flag: 'data-dir',
    env: 'OPENCODE_STUDIO_DATA_DIR',
    kind: 'path',
    defaultText: '~/.config/opencode-studio',
    describe: "Studio's own data (its database and attachment cache).",
  },
  {
    key: 'allowedHosts',
    flag: 'allowed-hosts',
    env: 'OPENCODE_STUDIO_ALLOWED_HOSTS',
    kind: 'list',
    defaultText: 'none (loopback names only)',
    describe: 'Extra Host header names Studio answers (comma separated; `.example.com` allows subdomains).',
  },
  {
    key: 'allowedOrigins',
    flag: 'allowed-origins',
    env: 'OPENCODE_STUDIO_ALLOWED_ORIGINS',
    kind: 'list',
    defaultText: "none (Studio's own origin only)",
    describe: 'Extra origins allowed to send state-changing requests (comma separated, e.g. http://localhost:5173).',
  },
  {
    key: 'allowedDirectories',
    flag: 'allowed-directories',
    env: 'OPENCODE_STUDIO_ALLOWED_DIRECTORIES',
    kind: 'list',
    defaultText: 'any (`*`) on loopback; the OpenCode working directory when reachable from elsewhere',
    describe:
      'Workspaces a request may name (directory / x-opencode-directory), with everything below them; `*` allows any. Others get 403 directory_not_allowed.',
  },
  {
    key: 'maxBodyBytes',
    flag: 'max-body-bytes',
    env: 'OPENCODE_STUDIO_MAX_BODY_BYTES',
    kind: 'bytes',
    defaultText: '100MiB',
    describe: 'Largest request body Studio forwards to OpenCode (accepts KiB, MiB, GiB suffixes).',
  },
  {
    key: 'attachments.maxFileBytes',
    flag: 'max-attachment-bytes',
    env: 'OPENCODE_STUDIO_MAX_ATTACHMENT_BYTES',
    kind: 'bytes',
    defaultText: '50MiB',
    describe: 'Largest file a prompt may attach by serverPath, and largest upload.',
  },
  {
    key: 'attachments.cacheBytes',
    flag: 'attachment-cache-bytes',
    env: 'OPENCODE_STUDIO_ATTACHMENT_CACHE_BYTES',
    kind: 'bytes',
    defaultText: '1GiB',
    describe: 'Disk the attachment cache may use; least recently used blobs go first.',
  },
  {
    key: 'attachments.maxAgeDays',
    flag: 'attachment-cache-max-age-days',
    env: 'OPENCODE_STUDIO_ATTACHMENT_CACHE_MAX_AGE_DAYS',
    kind: 'integer',
    defaultText: '30',
    describe: 'Cached attachments not used for this many days are removed.',
  },
  {
    key: 'events.replayBytes',
    flag: 'event-replay-bytes',
    env: 'OPENCODE_STUDIO_EVENT_REPLAY_BYTES',
    kind: 'bytes',
    defaultText: '8MiB',
    describe: 'Recent events kept for clients that reconnect with Last-Event-ID.',
  },
  {
    key: 'events.clientQueueBytes',
    flag: 'event-client-queue-bytes',
    env: 'OPENCODE_STUDIO_EVENT_CLIENT_QUEUE_BYTES',
    kind: 'bytes',
    defaultText: '4MiB',
    describe: 'Events a slow client may have pending before it gets a replay-gap frame and is disconnected.',
  },
  {
    key: 'events.pruneBytes',
    flag: 'prune-bytes',
    env: 'OPENCODE_STUDIO_PRUNE_BYTES',
    kind: 'bytes',
    defaultText: '8KiB',
    describe: 'Pruned message pages and the slim event stream cut tool outputs and reasoning to this size and drop larger tool metadata values.',
  },
  {
    key: 'status.timeoutMs',
    flag: 'status-timeout-ms',
    env: 'OPENCODE_STUDIO_STATUS_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '1500',
    describe: "How long /api/session/status waits for OpenCode before answering from Studio's own index.",
  },
  {
    key: 'timeouts.headersMs',
    flag: 'headers-timeout-ms',
    env: 'OPENCODE_STUDIO_HEADERS_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '30000',
    describe: 'A request whose headers have not all arrived after this long is answered 408 and closed.',
  },
  {
    key: 'timeouts.requestMs',
    flag: 'request-timeout-ms',
    env: 'OPENCODE_STUDIO_REQUEST_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '900000',
    describe: 'A request (headers and body) not fully received after this long is answered 408. Responses, event streams included, are not limited.',
  },
  {
    key: 'timeouts.bodyIdleMs',
    flag: 'body-idle-timeout-ms',
    env: 'OPENCODE_STUDIO_BODY_IDLE_TIMEOUT_MS',
    kind: 'integer',
    defaultText: '30000',
    describe: 'A request body (upload, prompt) that sends nothing for this long is answered 408 and closed.',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'OPENCODE_STUDIO_LOG_LEVEL',
    kind: 'level',
    defaultText: 'info',
    describe: 'fatal, error, warn, info, debug, trace or silent.',
  },
] as const satisfies readonly OptionSpec[]

export type OptionKey = (typeof OPTIONS)[number]['key']

/** The config file location: a flag and an env var only (a file cannot name itself). */
export const CONFIG_FILE_OPTION = {
  flag: 'config',
  env: 'OPENCODE_STUDIO_CONFIG',
  defaultText: '$XDG_CONFIG_HOME/opencode-studio/config.json, if it exists',
  describe: 'JSON config file; its keys are the dotted keys below, nested ({"opencode": {"port": 4096}}).',
} as const
