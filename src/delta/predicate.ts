/**
 * Row predicates over table columns, as a small AST with a real parser for the supported grammar:
 *
 *   expr       := orExpr
 *   orExpr     := andExpr (OR andExpr)*
 *   andExpr    := notExpr (AND notExpr)*
 *   notExpr    := NOT notExpr | '(' expr ')' | condition
 *   condition  := column ( cmp literal | [NOT] IN '(' literal (',' literal)* ')'
 *                        | [NOT] BETWEEN literal AND literal | IS [NOT] NULL )
 *   cmp        := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 *   literal    := number | 'string' | TRUE | FALSE | DATE 'yyyy-mm-dd' | TIMESTAMP '...'
 *   column     := name | "quoted name"
 *
 * The same AST drives file skipping (skipping.ts) and, in the engine, a row filter rendered with
 * bound parameters; user text never reaches SQL.
 */
import { DeltaError } from './errors.js';
import { partitionValueText } from './partition-values.js';
import { typeName, type DataType, type StructType } from './schema.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Literal {
  kind: 'number' | 'string' | 'boolean';
  /** The literal's text: digits as written for numbers, unquoted content for strings, 'true'/'false'. */
  text: string;
}

export type Predicate =
  | { op: 'and' | 'or'; args: Predicate[] }
  | { op: 'not'; arg: Predicate }
  | { op: 'cmp'; column: string; cmp: CompareOp; value: Literal }
  | { op: 'in'; column: string; values: Literal[]; negated: boolean }
  | { op: 'between'; column: string; low: Literal; high: Literal; negated: boolean }
  | { op: 'isNull'; column: string; negated: boolean };

/** A predicate does not parse, or names a column the table lacks. */
export class DeltaPredicateError extends DeltaError {}

type Token = { type: 'ident' | 'qident' | 'string' | 'number' | 'op' | 'punct' | 'end'; text: string; pos: number };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE', 'DATE', 'TIMESTAMP']);

/** A sign starts a number unless it follows a value (then it would be an operator, which we lack). */
function signAllowed(previous: Token | undefined): boolean {
  if (!previous) return false;
  if (previous.type === 'op') return true;
  if (previous.type === 'punct') return previous.text !== ')';
  return previous.type === 'ident' && KEYWORDS.has(previous.text.toUpperCase());
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const err = (why: string): never => {
    throw new DeltaPredicateError(`predicate: ${why} at position ${i + 1}`);
  };
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === "'" || c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) err(`unterminated ${c === "'" ? 'string' : 'quoted name'}`);
        if (input[i] === c) {
          if (input[i + 1] === c) { text += c; i += 2; continue; }
          i++;
          break;
        }
        text += input[i++];
      }
      tokens.push({ type: c === "'" ? 'string' : 'qident', text, pos: start });
      continue;
    }
    const num = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(input.slice(i));
    if (num && (/\d|\./.test(c) || (/[+-]/.test(c) && signAllowed(tokens.at(-1))))) {
      tokens.push({ type: 'number', text: num[0], pos: start });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i));
    if (ident) {
      tokens.push({ type: 'ident', text: ident[0], pos: start });
      i += ident[0].length;
      continue;
    }
    const op = /^(<=|>=|<>|!=|=|<|>)/.exec(input.slice(i));
    if (op) {
      tokens.push({ type: 'op', text: op[0] === '<>' ? '!=' : op[0], pos: start });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', text: c, pos: start });
      i++;
      continue;
    }
    err(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ type: 'end', text: '', pos: input.length });
  return tokens;
}

/** Parses predicate text into the AST; errors name the position. */
export function parsePredicate(input: string): Predicate {
  const tokens = tokenize(input);
  let k = 0;
  const peek = (): Token => tokens[k]!;
  const isKw = (t: Token, kw: string): boolean => t.type === 'ident' && t.text.toUpperCase() === kw;
  const err = (why: string): never => {
    const t = peek();
    throw new DeltaPredicateError(`predicate: ${why} at position ${t.pos + 1}${t.type === 'end' ? ' (end of input)' : ` ("${t.text}")`}`);
  };
  const expectKw = (kw: string): void => {
    if (!isKw(peek(), kw)) err(`expected ${kw}`);
    k++;
  };
  const expectPunct = (p: string): void => {
    if (peek().type !== 'punct' || peek().text !== p) err(`expected "${p}"`);
    k++;
  };
  const literal = (): Literal => {
    const t = peek();
    if (t.type === 'number') { k++; return { kind: 'number', text: t.text }; }
    if (t.type === 'string') { k++; return { kind: 'string', text: t.text }; }
    if (isKw(t, 'TRUE') || isKw(t, 'FALSE')) { k++; return { kind: 'boolean', text: t.text.toLowerCase() }; }
    if ((isKw(t, 'DATE') || isKw(t, 'TIMESTAMP')) && tokens[k + 1]?.type === 'string') {
      k += 2;
      return { kind: 'string', text: tokens[k - 1]!.text };
    }
    if (isKw(t, 'NULL')) err('comparison with NULL is never true; use IS NULL');
    return err('expected a literal (number, \'string\', TRUE, FALSE, DATE \'…\', TIMESTAMP \'…\')');
  };
  const condition = (): Predicate => {
    const t = peek();
    if (t.type !== 'qident' && !(t.type === 'ident' && !KEYWORDS.has(t.text.toUpperCase()))) err('expected a column name');
    k++;
    const column = t.text;
    const next = peek();
    if (next.type === 'op') {
      k++;
      return { op: 'cmp', column, cmp: next.text as CompareOp, value: literal() };
    }
    if (isKw(next, 'IS')) {
      k++;
      const negated = isKw(peek(), 'NOT');
      if (negated) k++;
      expectKw('NULL');
      return { op: 'isNull', column, negated };
    }
    const negated = isKw(next, 'NOT');
    if (negated) k++;
    if (isKw(peek(), 'IN')) {
      k++;
      expectPunct('(');
      const values = [literal()];
      while (peek().type === 'punct' && peek().text === ',') { k++; values.push(literal()); }
      expectPunct(')');
      return { op: 'in', column, values, negated };
    }
    if (isKw(peek(), 'BETWEEN')) {
      k++;
      const low = literal();
      expectKw('AND');
      return { op: 'between', column, low, high: literal(), negated };
    }
    return err('expected a comparison, IN, BETWEEN or IS [NOT] NULL');
  };
  const notExpr = (): Predicate => {
    if (isKw(peek(), 'NOT')) { k++; return { op: 'not', arg: notExpr() }; }
    if (peek().type === 'punct' && peek().text === '(') {
      k++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    return condition();
  };
  const andExpr = (): Predicate => {
    const args = [notExpr()];
    while (isKw(peek(), 'AND')) { k++; args.push(notExpr()); }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  const orExpr = (): Predicate => {
    const args = [andExpr()];
    while (isKw(peek(), 'OR')) { k++; args.push(andExpr()); }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  const result = orExpr();
  if (peek().type !== 'end') err('unexpected text after the predicate');
  return result;
}

const NEGATE: Record<CompareOp, CompareOp> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** Pushes NOT down to the conditions (negation normal form); SQL's NULL rules keep this exact. */
export function toNnf(p: Predicate, negate = false): Predicate {
  switch (p.op) {
    case 'not': return toNnf(p.arg, !negate);
    case 'and': case 'or': {
      const op = negate ? (p.op === 'and' ? 'or' : 'and') : p.op;
      return { op, args: p.args.map((a) => toNnf(a, negate)) };
    }
    case 'cmp': return negate ? { ...p, cmp: NEGATE[p.cmp] } : p;
    case 'in': case 'between': case 'isNull': return negate ? { ...p, negated: !p.negated } : p;
  }
}

/** Every column a predicate names. */
export function predicateColumns(p: Predicate): string[] {
  switch (p.op) {
    case 'and': case 'or': return p.args.flatMap(predicateColumns);
    case 'not': return predicateColumns(p.arg);
    default: return [p.column];
  }
}

/**
 * Resolves column names against the schema (exact, then case-insensitive, as Delta column names
 * are unique ignoring case), rewriting them to the schema's spelling. Only top-level columns of
 * primitive type can be filtered.
 */
export function bindPredicate(p: Predicate, schema: StructType, table?: string): Predicate {
  const resolve = (column: string): { name: string; type: DataType } => {
    const field = schema.fields.find((f) => f.name === column) ?? schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (!field) {
      throw new DeltaPredicateError(`predicate names column "${column}", which ${table ?? 'the table'} does not have (columns: ${schema.fields.map((f) => f.name).join(', ')})`, table);
    }
    if (typeof field.type === 'object' && field.type.type !== 'decimal') {
      throw new DeltaPredicateError(`predicate column "${field.name}" is of a nested type; only primitive columns can be filtered`, table);
    }
    return { name: field.name, type: field.type };
  };
  const check = (column: { name: string; type: DataType }, lit: Literal): void => {
    const kind = typeof column.type === 'string' ? column.type : column.type.type;
    const fail = (): never => {
      throw new DeltaPredicateError(`predicate: ${lit.kind === 'string' ? `'${lit.text}'` : lit.text} is not a valid ${typeName(column.type)} value for column "${column.name}"`, table);
    };
    if (kind === 'string' || kind === 'binary') return;
    if (kind === 'boolean') {
      if (!/^(true|false)$/i.test(lit.text)) fail();
      return;
    }
    if (lit.kind === 'boolean') fail();
    try {
      if (partitionValueText(lit.text, column.type, column.name) === null) fail();
    } catch {
      fail();
    }
  };
  switch (p.op) {
    case 'and': case 'or': return { op: p.op, args: p.args.map((a) => bindPredicate(a, schema, table)) };
    case 'not': return { op: 'not', arg: bindPredicate(p.arg, schema, table) };
    case 'cmp': {
      const column = resolve(p.column);
      check(column, p.value);
      return { ...p, column: column.name };
    }
    case 'in': {
      const column = resolve(p.column);
      p.values.forEach((v) => check(column, v));
      return { ...p, column: column.name };
    }
    case 'between': {
      const column = resolve(p.column);
      check(column, p.low);
      check(column, p.high);
      return { ...p, column: column.name };
    }
    case 'isNull': return { ...p, column: resolve(p.column).name };
  }
}
