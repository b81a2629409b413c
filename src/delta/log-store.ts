/**
 * Storage behind a Delta table: the only I/O the protocol layer performs.
 *
 * Correctness of commits rests on three guarantees every implementation must give:
 * 1. `putIfAbsent` is atomic: a reader sees the whole file or none of it, and of two writers
 *    racing for the same path exactly one gets 'written'.
 * 2. A file that `putIfAbsent` reported written is visible to the next `list` at once.
 * 3. `list` returns entries sorted by name (byte order), which for zero-padded log names is
 *    version order.
 * Paths are relative to the table root and use '/' separators.
 */
import { promises as fs, constants as fsConstants, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { randomUUID } from 'node:crypto';

export interface FileInfo {
  /** Path relative to the table root, '/'-separated. */
  path: string;
  size: number;
  /** Milliseconds since the epoch. */
  modificationTime: number;
}

export interface ListOptions {
  recursive?: boolean;
  startAfter?: string;
}

export interface LogStore {
  /** Human-readable location of the table, for error messages. */
  readonly location: string;
  /**
   * Files directly in `dir` (or below it, when recursive), sorted by path. Missing dir: none.
   * With `startAfter` (a path), only files whose path sorts after it: a bounded listing, which
   * stores with ordered keys answer without touching the older entries.
   */
  list(dir: string, options?: ListOptions): Promise<FileInfo[]>;
  /** The file's bytes; throws an error with code 'ENOENT' when it does not exist. */
  read(path: string): Promise<Uint8Array>;
  /** Metadata of one file, or undefined when it does not exist. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** Creates the file only if no file has that path; never replaces one. */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<'written' | 'exists'>;
  /** Creates or replaces a file (for _last_checkpoint and other replaceable hints). */
  put(path: string, bytes: Uint8Array): Promise<void>;
  delete(path: string): Promise<void>;
  /** Absolute location a data engine can read the file at (a local path here). */
  resolve(path: string): string;
}

/** A table on the local file system. */
export class FsLogStore implements LogStore {
  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  resolve(path: string): string {
    return join(this.root, path); // join also turns '/' into the platform's separator
  }

  /**
   * Names first, then metadata only for the entries past `startAfter`. Listing and small reads
   * use the synchronous calls on purpose: a log is thousands of tiny files, and each promise-based
   * call is a round trip through libuv's four-thread pool. On the shared 2-core machine, stat and
   * read of 10,000 commit files took 0.65 s and 2.9 s that way against 0.02 s and 0.13 s
   * synchronously; the event loop is held for that long at most.
   */
  async list(dir: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const base = this.resolve(dir);
    let entries: string[];
    try {
      entries = options.recursive ? (readdirSync(base, { recursive: true }) as string[]) : readdirSync(base);
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
    // Plain concatenation: path.join per entry was a tenth of a 10,000-commit load.
    const prefix = relative(this.root, base).split(sep).join('/');
    const files: FileInfo[] = [];
    for (const entry of entries) {
      const path = (prefix === '' ? '' : `${prefix}/`) + (sep === '/' ? entry : entry.split(sep).join('/'));
      if (options.startAfter !== undefined && !(path > options.startAfter)) continue;
      let stats;
      try {
        stats = statSync(base + sep + entry);
      } catch (error) {
        if (isNotFound(error)) continue; // deleted while listing
        throw error;
      }
      if (!stats.isFile()) continue;
      files.push({ path, size: stats.size, modificationTime: Math.floor(stats.mtimeMs) });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<Uint8Array> {
    return readFileSync(this.resolve(path));
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    try {
      const stats = statSync(this.resolve(path));
      return { path, size: stats.size, modificationTime: Math.floor(stats.mtimeMs) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Writes a uniquely named temporary file, flushes it, then hard-links it to the target name.
   * link() fails with EEXIST when the target exists, so the commit is atomic and never replaces
   * a winner's file; readers never see a partly written commit because the name appears only
   * once the content is complete.
   */
  async putIfAbsent(path: string, bytes: Uint8Array): Promise<'written' | 'exists'> {
    const target = this.resolve(path);
    await fs.mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.tmp-${randomUUID()}`);
    const handle = await fs.open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(temp, target);
      return 'written';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw error;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    const target = this.resolve(path);
    await fs.mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.tmp-${randomUUID()}`);
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, target);
  }

  async delete(path: string): Promise<void> {
    await fs.rm(this.resolve(path), { force: true });
  }
}

/** A table held in memory, for tests of the protocol logic without a disk. */
export class MemoryLogStore implements LogStore {
  private readonly files = new Map<string, { bytes: Uint8Array; modificationTime: number }>();

  constructor(
    readonly location = 'memory://table',
    private readonly clock: () => number = () => Date.now(),
  ) {}

  resolve(path: string): string {
    return `${this.location}/${path}`;
  }

  async list(dir: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const prefix = dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
    const out: FileInfo[] = [];
    for (const [path, file] of this.files) {
      if (!path.startsWith(prefix)) continue;
      if (!options.recursive && path.slice(prefix.length).includes('/')) continue;
      if (options.startAfter !== undefined && !(path > options.startAfter)) continue;
      out.push({ path, size: file.bytes.byteLength, modificationTime: file.modificationTime });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<Uint8Array> {
    const file = this.files.get(path);
    if (!file) throw Object.assign(new Error(`ENOENT: no such file ${this.resolve(path)}`), { code: 'ENOENT' });
    return file.bytes;
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    const file = this.files.get(path);
    return file && { path, size: file.bytes.byteLength, modificationTime: file.modificationTime };
  }

  async putIfAbsent(path: string, bytes: Uint8Array): Promise<'written' | 'exists'> {
    if (this.files.has(path)) return 'exists';
    this.files.set(path, { bytes, modificationTime: this.clock() });
    return 'written';
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    this.files.set(path, { bytes, modificationTime: this.clock() });
  }

  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
