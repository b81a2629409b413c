/**
 * A cache of content hashes by file identity (path, size, modification time), kept in the lake's
 * `_state/` folder. Hashing a 5 GB file takes seconds; a re-run over files already ingested should
 * not. The cache only ever saves time: the Delta app transaction of the content hash stays the
 * proof that a file was ingested, and a changed file (new size or mtime) is hashed again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Entries = Record<string, string>;

export class FingerprintCache {
  private entries: Entries = {};
  private dirty = false;
  private readonly path: string;

  constructor(lakeDir: string) {
    this.path = join(lakeDir, '_state', 'fingerprints.json');
    if (existsSync(this.path)) {
      try {
        this.entries = JSON.parse(readFileSync(this.path, 'utf8')) as Entries;
      } catch {
        this.entries = {}; // a damaged cache is just an empty one
      }
    }
  }

  private key(path: string): string {
    const stat = statSync(path);
    return `${path}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  }

  get(path: string): string | undefined {
    return this.entries[this.key(path)];
  }

  set(path: string, sha256: string): void {
    this.entries[this.key(path)] = sha256;
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.entries));
    renameSync(`${this.path}.tmp`, this.path);
    this.dirty = false;
  }
}
