// The prune part: the rules that make message parts light enough for a UI (pruned message pages, the
// slim event stream), and the readers that apply them without holding a large part whole.

export { createElider, isLong, type LongString, type Text } from './long-string.js'
export { createBase64Decoder, dataUrlInfo, payloadOffsetFor, type DataUrlInfo } from './data-url.js'
export { prunePart, rawPartUrl, type PruneOptions, type StudioMark } from './rules.js'
