// Studio's own version, from package.json, read once.

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const pkg = require('../../package.json') as { name: string; version: string }

export const STUDIO_NAME = pkg.name
export const STUDIO_VERSION = pkg.version
