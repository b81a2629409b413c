/**
 * Session ids: UUID-shaped, derived from the seed and the session number (no state, so any
 * worker writes the same id). As in the real month, about 1.6% are not valid version-4 UUIDs
 * (their version and variant digits are random), and a few ids are shared by two sessions of
 * different users (349 in the real month).
 */
import { reference } from './assets.js';
import { hash32, hashUnit } from './rng.js';

const HEX = Buffer.from('0123456789abcdef', 'latin1');

export class SessionIds {
  private readonly nonV4: number;
  private readonly sharedRate: number;
  private readonly salt: number;
  private readonly scratch = Buffer.alloc(36);

  constructor(seed: number) {
    const ref = reference();
    this.nonV4 = ref.nonV4SessionShare;
    this.sharedRate = 349 / ref.distinct.sessions;
    this.salt = hash32(seed, 0x5e55101d);
  }

  /** Writes the 36-character id of session s at pos; returns the new position. */
  write(out: Buffer, pos: number, s: number): number {
    // A shared id: the session reuses the id of the session that started just before it.
    const source = s > 0 && hashUnit(this.salt, s, 7) < this.sharedRate ? s - 1 : s;
    const v4 = hashUnit(this.salt, source, 9) >= this.nonV4;
    let k = pos;
    for (let w = 0; w < 4; w++) {
      let h = hash32(this.salt, source, w + 1);
      for (let d = 0; d < 8; d++) {
        const i = w * 8 + d;
        if (i === 8 || i === 12 || i === 16 || i === 20) out[k++] = 45;
        let nibble = h >>> 28;
        h = (h << 4) >>> 0;
        if (v4 && i === 12) nibble = 4;
        if (v4 && i === 16) nibble = 8 | (nibble & 3);
        out[k++] = HEX[nibble]!;
      }
    }
    return k;
  }

  text(s: number): string {
    this.write(this.scratch, 0, s);
    return this.scratch.toString('latin1');
  }
}
