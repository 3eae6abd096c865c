// How Studio compresses what it makes per request: its own JSON answers (the compression hook, server.ts)
// and index.html, which it streams and compresses itself (static.ts). Brotli at quality 4 costs about
// what gzip at 6 does.

export const BROTLI_QUALITY = 4
export const GZIP_LEVEL = 6
