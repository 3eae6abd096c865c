#!/usr/bin/env node
// Lets `npx opencode-studio` / a global install run the TypeScript entry through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
