export { collectDiagnostics, formatDiagnostics, type Diagnostics, type LiveState, type PathReport, type SettingReport } from './collect.js'
