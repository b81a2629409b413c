/**
 * Names inside a table: which `_delta_log/` entries are commits or checkpoints (and of which
 * kind and version), and how the URI-encoded paths in add/remove actions map to files.
 */

export const LOG_DIR = '_delta_log';

export type LogFile =
  | { kind: 'commit'; version: number; name: string }
  | { kind: 'checkpoint'; version: number; name: string; part?: { index: number; of: number }; uuid?: string; format: 'parquet' | 'json' }
  | { kind: 'compacted'; version: number; to: number; name: string }
  | { kind: 'checksum'; version: number; name: string };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;
const COMPACTED = /^(\d{20})\.(\d{20})\.compacted\.json$/;
const CHECKSUM = /^(\d{20})\.crc$/;

/** Classifies a file name found in `_delta_log/`; undefined for anything else (hints, .crc sidecars). */
export function parseLogFileName(name: string): LogFile | undefined {
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), name };
  m = CLASSIC.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, format: 'parquet' };
  m = MULTI.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, part: { index: Number(m[2]), of: Number(m[3]) }, format: 'parquet' };
  m = V2.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, uuid: m[2]!, format: m[3] as 'json' | 'parquet' };
  m = COMPACTED.exec(name);
  if (m) return { kind: 'compacted', version: Number(m[1]), to: Number(m[2]), name };
  m = CHECKSUM.exec(name);
  if (m) return { kind: 'checksum', version: Number(m[1]), name };
  return undefined;
}

/** `_delta_log/00000000000000000007.json` for version 7. */
export function commitPath(version: number): string {
  return `${LOG_DIR}/${String(version).padStart(20, '0')}.json`;
}

/**
 * Decodes an action's path (RFC 2396 URI-encoded) into the name on storage. Writers that forgot
 * to encode leave stray '%' signs; such a path is taken literally rather than rejected, since
 * the literal name is then the file's real name.
 */
export function decodeActionPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** True when a decoded action path is absolute (a URI or a rooted path) rather than table-relative. */
export function isAbsolutePath(path: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith('/');
}
