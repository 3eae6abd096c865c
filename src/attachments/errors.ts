// What a bad attachment or upload is told. Every one of these is decided before anything reaches OpenCode
// or the final file name.

import { defineError } from '../lib/errors.js'

export const attachmentOutsideWorkspace = defineError(
  'attachment_outside_workspace',
  400,
  (path: string) => `Attachment path is outside of the active workspace: ${path}`,
)
export const attachmentNotFound = defineError('attachment_not_found', 400, (path: string) => `Attachment file not found: ${path}`)
export const attachmentNotAFile = defineError('attachment_not_a_file', 400, (path: string) => `Attachment path is not a file: ${path}`)
export const attachmentTooLarge = defineError(
  'attachment_too_large',
  413,
  (path: string, limit: number) => `Attachment file is larger than ${limit} bytes: ${path}`,
)
export const attachmentUnsupported = defineError(
  'attachment_unsupported_type',
  415,
  (path: string, mime: string) =>
    `OpenCode cannot pass ${mime} (${path}) to a model, and storing it would break every later prompt of the session. ` +
    'Send text, PNG, JPEG, GIF, WebP or PDF.',
)
export const workspaceNotFound = defineError('workspace_not_found', 400, (dir: string) => `Workspace directory not found: ${dir}`)
export const workspaceRequired = defineError(
  'workspace_required',
  400,
  'Name the workspace: query parameter "directory" or header x-opencode-directory',
)
export const uploadPathRequired = defineError('upload_path_required', 400, 'Query parameter "path" is required')
export const uploadPathOutside = defineError('upload_path_outside_workspace', 400, (path: string) => `Upload path is outside of the active workspace: ${path}`)
export const uploadTargetIsDirectory = defineError('upload_target_is_directory', 400, (path: string) => `Upload target is a directory: ${path}`)
export const uploadTargetExists = defineError(
  'upload_target_exists',
  409,
  (path: string) => `File already exists: ${path} (pass overwrite=true to replace it)`,
)
export const uploadTooLarge = defineError('upload_too_large', 413, (limit: number) => `Upload is larger than ${limit} bytes`)
export const invalidPrompt = defineError('invalid_prompt', 400, (detail: string) => `Invalid prompt body: ${detail}`)
export const attachmentPathInvalid = defineError(
  'attachment_path_invalid',
  400,
  (path: string) => `Attachment path can name no file (a NUL byte, or a name over 255 bytes): ${JSON.stringify(path)}`,
)
export const attachmentChanged = defineError(
  'attachment_changed',
  409,
  (path: string) => `Attachment file changed while it was read (or is generated on read); send it again: ${path}`,
)
export const uploadPathInvalid = defineError(
  'upload_path_invalid',
  400,
  (path: string) => `Upload path can name no file (a NUL byte, or ends in a folder): ${JSON.stringify(path)}`,
)
export const uploadNameTooLong = defineError('upload_name_too_long', 400, (path: string) => `A name in the upload path is longer than 255 bytes: ${path}`)
export const uploadPathTooLong = defineError('upload_path_too_long', 400, (bytes: number) => `Upload path is ${bytes} bytes; the limit is 4095`)
export const uploadParentNotADirectory = defineError(
  'upload_parent_not_a_directory',
  400,
  (path: string) => `A folder in the upload path is a file: ${path}`,
)
export const uploadPathLoops = defineError(
  'upload_path_loop',
  400,
  (path: string) => `A folder in the upload path is a symlink that loops, so it leads to no folder: ${path}`,
)
export const uploadTargetChanged = defineError(
  'upload_target_changed',
  409,
  (path: string) => `The upload's folder was moved or replaced while the upload ran; nothing was written: ${path}`,
)
export const uploadAborted = defineError('upload_aborted', 400, 'The client ended the upload before its body was complete; nothing was written')
