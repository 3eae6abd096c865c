// Models, agents and commands per directory, cached 5 minutes. OpenCode echoes provider API keys in
// /config/providers: only names and capabilities are kept.

import { api } from '../../api/endpoints'
import type { Agent, Command, ModelInfo } from '../../api/types'

export interface ModelChoice {
  providerID: string
  providerName: string
  modelID: string
  name: string
  capabilities?: ModelInfo['capabilities']
}

export interface Pickers {
  models: ModelChoice[]
  defaultModel: string | null
  agents: Agent[]
  commands: Command[]
}

/** How a model is named in a choice (and the select's value): `provider/model`, as OpenCode's config has it. */
export function modelKey(m: { providerID: string; modelID: string }): string {
  return `${m.providerID}/${m.modelID}`
}

const TTL_MS = 5 * 60_000
const cache = new Map<string, { at: number; value: Promise<Pickers> }>()

export function pickersFor(directory: string): Promise<Pickers> {
  const hit = cache.get(directory)
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value
  const value = load(directory)
  cache.set(directory, { at: Date.now(), value })
  value.catch(() => cache.delete(directory))
  return value
}

async function load(directory: string): Promise<Pickers> {
  const [providers, agents, commands] = await Promise.allSettled([api.providers(directory), api.agents(directory), api.commands(directory)])
  const models: ModelChoice[] = []
  let defaultModel: string | null = null
  if (providers.status === 'fulfilled') {
    for (const p of providers.value.data.providers) {
      for (const [id, m] of Object.entries(p.models)) models.push({ providerID: p.id, providerName: p.name, modelID: id, name: m.name ?? id, capabilities: m.capabilities })
    }
    const [prov, model] = Object.entries(providers.value.data.default ?? {})[0] ?? []
    if (prov && model) defaultModel = `${prov}/${model}`
  }
  if (providers.status === 'rejected' && agents.status === 'rejected') throw providers.reason
  return {
    models,
    defaultModel: defaultModel ?? (models[0] ? modelKey(models[0]) : null),
    agents: agents.status === 'fulfilled' ? agents.value.data.filter((a) => a.mode !== 'subagent' && !a.hidden) : [],
    commands: commands.status === 'fulfilled' ? commands.value.data : [],
  }
}
