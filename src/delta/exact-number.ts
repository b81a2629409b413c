/**
 * Exact numbers for data skipping. Long and decimal stats and partition values can exceed what a
 * JS double holds exactly (category ids above 2^53, decimals of 38 digits); comparing them as
 * numbers merges neighbouring values and prunes files that do hold a match. Longs compare as
 * BigInt, decimals as an unscaled BigInt with its scale, and stats JSON is parsed so that number
 * tokens a double would round stay as their exact text.
 */

/** A decimal value: `units / 10^scale`, scale never negative. */
export interface ExactDecimal {
  units: bigint;
  scale: number;
}

const INTEGER_TEXT = /^[+-]?\d+(\.0*)?$/;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The exact integer a long value denotes, or undefined when it is not an integer. */
export function exactInteger(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!INTEGER_TEXT.test(text)) return undefined;
  return BigInt(text.replace(/\.0*$/, ''));
}

/** The exact decimal a value denotes (numbers by their shortest text), or undefined. */
export function exactDecimal(value: unknown): ExactDecimal | undefined {
  if (typeof value === 'bigint') return { units: value, scale: 0 };
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const m = DECIMAL_TEXT.exec(String(value).trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  const fraction = m[3] ?? '';
  let units = BigInt(`${m[1] === '-' ? '-' : ''}${m[2] || '0'}${fraction}`);
  let scale = fraction.length - Number(m[4] ?? '0');
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

export function isExactDecimal(value: unknown): value is ExactDecimal {
  return typeof value === 'object' && value !== null && typeof (value as ExactDecimal).units === 'bigint';
}

/** Sign of a - b, exactly. */
export function compareDecimal(a: ExactDecimal, b: ExactDecimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a JSON number token survives a round trip through a double unchanged in value. */
function exactAsDouble(token: string): boolean {
  if (/^-?\d+$/.test(token)) return Number.isSafeInteger(Number(token));
  const digits = token.replace(/[eE].*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 15;
}

/**
 * JSON.parse, except that number tokens a double cannot hold exactly become strings holding the
 * token's text (Node 20's JSON.parse gives no access to the source text of a number).
 */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      const token = m ? m[0] : c;
      if (m && !exactAsDouble(token)) {
        out += `${text.slice(last, i)}"${token}"`;
        last = i + token.length;
      }
      i += token.length;
      continue;
    }
    i++;
  }
  return JSON.parse(out + text.slice(last));
}
