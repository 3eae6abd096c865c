// The composer's agent and model for one session: the directory's pickers (pickers.ts), the choice last
// made in that session (kept in localStorage), and what the two selects say while there is nothing to
// choose from (loading, OpenCode not answering, none configured).

import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import type { Session } from '../../api/types'
import { afterNextPaint, afterPaint } from '../../lib/frame'
import { openCodeReady } from '../../stores/connection'
import { loadChoice, saveChoice } from '../../stores/ui'
import { modelKey, pickersFor, type Pickers } from './pickers'

/** Tries to load a directory's pickers while OpenCode may still be starting it. */
const ATTEMPTS = 6
const RETRY_MS = 3000

export function useChoices(session: Ref<Session>) {
  const pickers = shallowRef<Pickers | null>(null)
  /** The last load of the pickers failed every time (OpenCode down, or the directory not served). */
  const failed = ref(false)
  const model = ref('')
  const agent = ref('')

  /** Bumped by each new load (another directory, OpenCode back): an older one's answer is dropped. */
  let generation = 0
  async function load(dir: string, gen = ++generation, attempt = 0): Promise<void> {
    if (attempt === 0) failed.value = false
    try {
      const p = await pickersFor(dir)
      if (gen !== generation) return
      pickers.value = p
      const sid = session.value.id
      const lastModel = loadChoice(`model.${sid}`) ?? (session.value.model ? modelKey({ providerID: session.value.model.providerID, modelID: session.value.model.id }) : null)
      model.value = lastModel && p.models.some((m) => modelKey(m) === lastModel) ? lastModel : (p.defaultModel ?? '')
      const lastAgent = loadChoice(`agent.${sid}`) ?? session.value.agent ?? null
      agent.value = lastAgent && p.agents.some((a) => a.name === lastAgent) ? lastAgent : (p.agents[0]?.name ?? '')
    } catch {
      if (gen !== generation) return
      pickers.value = null
      // OpenCode may still be starting this directory: try again a little later
      if (attempt + 1 < ATTEMPTS) setTimeout(() => void load(dir, gen, attempt + 1), RETRY_MS)
      else failed.value = true
    }
  }

  // the first load once the composer has painted and the page is idle: these three requests are
  // OpenCode's work, which on the same machine would compete with the first screen's own (~1.4 s of its
  // CPU the first time a directory's providers are asked for; Studio asks for the newest directory's
  // when OpenCode becomes ready: src/upstream/warm-up.ts)
  watch(
    () => session.value.directory,
    (dir, before) => (before === undefined ? afterNextPaint(() => afterPaint(() => void load(dir))) : void load(dir)),
    { immediate: true },
  )
  // OpenCode back (restarted, or up after Studio) after the retries gave up: the lists it could not give
  watch(openCodeReady, (ready) => ready && failed.value && void load(session.value.directory))
  watch(model, (v) => v && saveChoice(`model.${session.value.id}`, v))
  watch(agent, (v) => v && saveChoice(`agent.${session.value.id}`, v))

  const providerGroups = computed(() => {
    const groups = new Map<string, { name: string; models: { value: string; label: string }[] }>()
    for (const m of pickers.value?.models ?? []) {
      const g = groups.get(m.providerID) ?? { name: m.providerName, models: [] }
      g.models.push({ value: modelKey(m), label: m.name })
      groups.set(m.providerID, g)
    }
    return [...groups.values()]
  })
  const currentModel = computed(() => pickers.value?.models.find((m) => modelKey(m) === model.value))
  /** What a select shows instead of a choice: null when it has some. */
  const placeholder = (count: number, none: string): string | null =>
    pickers.value ? (count > 0 ? null : none) : failed.value ? 'Unavailable' : 'Loading…'
  const agentsNote = computed(() => placeholder(pickers.value?.agents.length ?? 0, 'No agents'))
  const modelsNote = computed(() => placeholder(providerGroups.value.length, 'No models'))

  return { pickers, model, agent, providerGroups, currentModel, agentsNote, modelsNote }
}
