// Errors as data: every error Studio answers with has a stable snake_case code, an HTTP status and a
// message. Parts declare theirs with defineError; http/errors.ts is the only place that turns them into
// replies. The catalogue of codes is kept so a test can check docs/errors.md lists every one.

export class StudioError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** Extra fields merged into the JSON body (never a stack trace or a secret). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'StudioError'
  }
}

export interface ErrorFactory<A extends unknown[]> {
  (...args: A): StudioError
  readonly code: string
  readonly statusCode: number
  /** True when `err` was made by this factory. */
  is(err: unknown): err is StudioError
}

const catalogue = new Map<string, number>()

/**
 * Declares an error kind. `message` is a fixed text or a function of the arguments; the factory's
 * optional last argument (an object) adds fields to the JSON body.
 */
export function defineError<A extends unknown[] = []>(
  code: string,
  statusCode: number,
  message: string | ((...args: A) => string),
): ErrorFactory<A> {
  if (!/^[a-z][a-z0-9_]*$/.test(code)) throw new Error(`error code must be snake_case: ${code}`)
  const known = catalogue.get(code)
  if (known !== undefined && known !== statusCode) throw new Error(`error code ${code} defined twice`)
  catalogue.set(code, statusCode)
  const make = (...args: A) => new StudioError(code, statusCode, typeof message === 'string' ? message : message(...args))
  return Object.assign(make, {
    code,
    statusCode,
    is: (err: unknown): err is StudioError => err instanceof StudioError && err.code === code,
  })
}

/** Every code declared so far, with its status (for the docs-sync test). */
export function errorCatalogue(): ReadonlyMap<string, number> {
  return catalogue
}

/**
 * The error answered with exactly `body` (OpenCode's own error body, for a route that must answer as
 * OpenCode would); Studio's code then travels in the x-opencode-studio-error-code header.
 */
export function withOpenCodeBody(err: StudioError, body: Record<string, unknown>): StudioError {
  return new StudioError(err.code, err.statusCode, err.message, { ...err.extra, [OPENCODE_BODY]: body })
}

/** Where withOpenCodeBody keeps the body: a key no JSON body field can collide with. */
export const OPENCODE_BODY = '\u0000opencodeBody'

/** A StudioError with extra body fields, keeping the factory's code and status. */
export function withExtra(err: StudioError, extra: Record<string, unknown>, cause?: unknown): StudioError {
  return new StudioError(err.code, err.statusCode, err.message, { ...err.extra, ...extra }, cause ? { cause } : undefined)
}
