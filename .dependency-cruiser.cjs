// Layer rules of shared/design.md, enforced in `npm test` (an arrow in the design table = "may import").
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'lib-is-a-leaf',
      comment: 'src/lib holds leaf helpers: it imports nothing else from src',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'config-only-uses-lib',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(lib|config)/' },
    },
    {
      name: 'upstream-uses-config-and-lib',
      severity: 'error',
      from: { path: '^src/upstream/' },
      to: { path: '^src/', pathNot: '^src/(lib|config|upstream)/' },
    },
    {
      name: 'parts-are-entered-through-their-index',
      comment: 'a part imports another part only through its index.ts (lib is open)',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/(config|upstream|storage|sessions|events|status|attachments|prune)/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'only-http-knows-http',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(http/|app\\.ts$)' },
      to: { path: '^src/http/' },
    },
    {
      name: 'nothing-imports-the-entry',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'src-does-not-import-tests',
      comment: 'unit tests beside the code may use test fixtures and helpers',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'storage-uses-config-and-lib',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/', pathNot: '^src/(lib|config|storage)/' },
    },
    {
      name: 'attachments-use-config-and-lib',
      comment: 'the cache never talks to OpenCode: the prompt route sends what it produces',
      severity: 'error',
      from: { path: '^src/attachments/' },
      to: { path: '^src/', pathNot: '^src/(lib|config|attachments)/' },
    },
    {
      name: 'events-use-upstream-and-lib',
      severity: 'error',
      from: { path: '^src/events/' },
      to: { path: '^src/', pathNot: '^src/(lib|upstream|events|prune)/' },
    },
    {
      name: 'status-uses-events-upstream-and-lib',
      severity: 'error',
      from: { path: '^src/status/' },
      to: { path: '^src/', pathNot: '^src/(lib|upstream|events|status)/' },
    },
    {
      name: 'sessions-use-storage-events-and-lib',
      severity: 'error',
      from: { path: '^src/sessions/' },
      to: { path: '^src/', pathNot: '^src/(lib|storage|events|sessions|prune)/' },
    },
    {
      name: 'prune-uses-lib',
      comment: 'the pruning rules are pure: shared by the message pages (sessions) and the slim stream (events)',
      severity: 'error',
      from: { path: '^src/prune/' },
      to: { path: '^src/', pathNot: '^src/(lib|prune)/' },
    },
    {
      name: 'harness-drives-opencode-not-studio',
      comment: 'test/harness is shared with bench/ and must not depend on Studio',
      severity: 'error',
      from: { path: '^test/harness/' },
      to: { path: '^(src|test/support)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
