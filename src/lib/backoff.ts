// Exponential backoff shared by everything that retries (OpenCode restarts, health probes).

export interface BackoffPolicy {
  baseMs: number
  maxMs: number
  factor?: number
}

/** Delay before retry number `attempt` (1-based): base × factor^(attempt−1), capped at max. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy): number {
  const factor = policy.factor ?? 2
  const exponent = Math.min(Math.max(attempt - 1, 0), 30)
  return Math.min(policy.maxMs, Math.round(policy.baseMs * factor ** exponent))
}
