export { ConfigError, loadConfig, type LoadInput, type LoadResult } from './load.js'
export { helpText } from './help.js'
export { OPTIONS, CONFIG_FILE_OPTION, type OptionSpec } from './options.js'
export type { Config, OpenCodeConfig, SettingSource } from './types.js'
