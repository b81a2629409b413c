/**
 * User ids: nine-digit numbers like the real ones (512,000,000-566,300,000 in October 2019), in
 * rising bands month after month, since newer users get larger ids. In a run of several months,
 * each month after the first reuses some of the previous month's users (in the real data 1.40 M
 * of November's 3.70 M users were already active in October, 37.9%).
 */
import { reference } from './assets.js';
import { Rng } from './rng.js';

const FIRST_ID = 512_000_000;
const ID_SPREAD = 18;

export function userIdsFor(seed: number, users: number, previous?: Uint32Array): Uint32Array {
  const ref = reference();
  const rng = new Rng(seed, 0x05e5);
  const ids = new Uint32Array(new SharedArrayBuffer(Math.max(1, users) * 4));
  let reused = 0;
  let next = FIRST_ID;
  if (previous && previous.length > 0) {
    const share = ref.usersSharedOctNov / (ref.monthRows['2019-11'] ? 3_696_117 : ref.distinct.users);
    reused = Math.min(previous.length, Math.round(users * share));
    const pool = previous.slice();
    for (let i = 0; i < reused; i++) {
      const j = i + rng.int(pool.length - i);
      ids[i] = pool[j]!;
      pool[j] = pool[i]!;
    }
    let max = 0;
    for (const id of previous) if (id > max) max = id;
    next = max + 1;
  }
  for (let i = reused; i < users; i++) {
    ids[i] = next + rng.int(ID_SPREAD);
    next += ID_SPREAD;
  }
  // Shuffle so reused and new users are spread over the user numbers.
  for (let i = users - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = x;
  }
  return ids;
}
