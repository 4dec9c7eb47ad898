/**
 * MLflow's search grammar for the registry (mlflow/utils/search_utils.py): a filter is comparisons joined by AND,
 * such as `name LIKE 'fraud-%' AND tags.team = 'risk'`, and order_by is a list of `key [ASC|DESC]`. Pure; the store
 * turns the parsed clauses into SQL.
 */
import { likeToGlob, type FilterClause, type NumberComparator, type OrderBy, type StringComparator } from "../domain/search";
import { invalidParameter } from "./errors";

export { likeToGlob, type FilterClause, type NumberComparator, type OrderBy, type StringComparator } from "../domain/search";

interface Grammar {
  stringAttributes: readonly string[];
  numericAttributes: readonly string[];
  /** Attributes that may be compared with a list: `run_id IN ('a', 'b')`. */
  listAttributes: readonly string[];
  orderKeys: readonly string[];
  /** Spellings MLflow accepts for an order key. */
  orderAliases?: Record<string, string>;
}

export const REGISTERED_MODEL_SEARCH: Grammar = {
  stringAttributes: ["name"],
  numericAttributes: [],
  listAttributes: [],
  orderKeys: ["name", "creation_timestamp", "last_updated_timestamp"],
  orderAliases: { timestamp: "last_updated_timestamp" },
};

export const MODEL_VERSION_SEARCH: Grammar = {
  stringAttributes: ["name", "run_id", "source_path"],
  numericAttributes: ["version_number"],
  listAttributes: ["run_id"],
  orderKeys: ["name", "version_number", "creation_timestamp", "last_updated_timestamp"],
};

type Token =
  | { type: "word"; text: string }
  | { type: "string"; text: string }
  | { type: "number"; text: string }
  | { type: "op"; text: string }
  | { type: "list"; items: string[] };

/**
 * D1's limits, met here so a filter is refused as INVALID_PARAMETER_VALUE instead of failing in SQL: a statement
 * binds at most 100 parameters (a clause binds at most 2; an IN list binds as one JSON value), and LIKE and GLOB
 * patterns are at most 50 bytes.
 */
export const MAX_FILTER_CLAUSES = 32;
export const MAX_IN_VALUES = 1000;
export const MAX_LIKE_PATTERN_BYTES = 50;
export const MAX_FILTER_LENGTH = 65_536;

const STRING_COMPARATORS: readonly string[] = ["=", "!=", "LIKE", "ILIKE"];
const NUMBER_COMPARATORS: readonly string[] = ["=", "!=", "<", "<=", ">", ">="];

export function parseFilter(filter: string | undefined, grammar: Grammar): FilterClause[] {
  if (!filter || filter.trim() === "") return [];
  if (filter.length > MAX_FILTER_LENGTH) throw invalidParameter(`Invalid filter: it is ${filter.length} characters long; at most ${MAX_FILTER_LENGTH} are allowed.`);
  const tokens = tokenize(filter);
  const clauses: FilterClause[] = [];
  let i = 0;
  for (;;) {
    const [left, comparator, right] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (!left || !comparator || !right || left.type !== "word" || (comparator.type !== "op" && comparator.type !== "word")) {
      throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed: expected comparisons such as name = 'x' joined by AND.`);
    }
    clauses.push(clauseOf(left.text, comparator.text.toUpperCase(), right, grammar));
    if (clauses.length > MAX_FILTER_CLAUSES) throw invalidParameter(`Invalid filter: at most ${MAX_FILTER_CLAUSES} comparisons may be joined by AND.`);
    i += 3;
    const next = tokens[i];
    if (!next) return clauses;
    if (next.type !== "word" || next.text.toUpperCase() !== "AND") {
      throw invalidParameter(`Invalid clause(s) in filter string: ${describe(next)}. Only AND joins comparisons.`);
    }
    i++;
  }
}

function clauseOf(identifier: string, comparator: string, right: Token, grammar: Grammar): FilterClause {
  const { kind, key } = identifierOf(identifier, grammar);
  if (kind === "tag") {
    if (!STRING_COMPARATORS.includes(comparator)) throw invalidParameter(`Invalid comparator for tag: ${comparator}`);
    return boundedPattern({ kind, key, comparator: comparator as StringComparator, value: quotedValue(right, "tag") });
  }
  if (grammar.numericAttributes.includes(key)) {
    if (!NUMBER_COMPARATORS.includes(comparator)) throw invalidParameter(`Invalid comparator for attribute ${key}: ${comparator}`);
    const text = right.type === "number" || right.type === "string" ? right.text : "";
    if (!/^\d+$/.test(text)) throw invalidParameter(`Expected an integer value for attribute ${key}. Got value ${describe(right)}`);
    return { kind, key, comparator: comparator as NumberComparator, value: Number(text) };
  }
  if (comparator === "IN") {
    if (!grammar.listAttributes.includes(key) || right.type !== "list") {
      throw invalidParameter(`Only the 'run_id' attribute supports comparison with a list of quoted string values.`);
    }
    if (right.items.length > MAX_IN_VALUES) throw invalidParameter(`Invalid filter: an IN list holds at most ${MAX_IN_VALUES} values; got ${right.items.length}.`);
    return { kind, key, comparator: "IN", value: right.items };
  }
  if (!STRING_COMPARATORS.includes(comparator)) throw invalidParameter(`Invalid comparator for attribute: ${comparator}`);
  return boundedPattern({ kind, key, comparator: comparator as StringComparator, value: quotedValue(right, "attribute") });
}

const utf8 = new TextEncoder();

/** The pattern SQLite sees (LIKE as GLOB, ILIKE as LIKE) must fit D1's 50 bytes. */
function boundedPattern<C extends { comparator: StringComparator; value: string }>(clause: C): C {
  if (clause.comparator !== "LIKE" && clause.comparator !== "ILIKE") return clause;
  const pattern = clause.comparator === "LIKE" ? likeToGlob(clause.value) : clause.value;
  const bytes = utf8.encode(pattern).length;
  if (bytes > MAX_LIKE_PATTERN_BYTES) {
    throw invalidParameter(
      `Invalid filter: the ${clause.comparator} pattern '${clause.value.slice(0, 80)}' is ${bytes} bytes as stored; at most ${MAX_LIKE_PATTERN_BYTES} are allowed (use = for longer exact values).`,
    );
  }
  return clause;
}

/** `name`, `attribute.name`, `tags.team`, `tag.team`, ``tags.`my key` `` or `tags."my key"`. */
function identifierOf(identifier: string, grammar: Grammar): { kind: "attribute" | "tag"; key: string } {
  const dot = identifier.indexOf(".");
  const entity = dot < 0 ? "attribute" : identifier.slice(0, dot);
  const key = unquote(dot < 0 ? identifier : identifier.slice(dot + 1));
  if (entity === "tag" || entity === "tags") {
    if (key === "") throw invalidParameter(`Invalid filter: tag key is empty in '${identifier}'`);
    return { kind: "tag", key };
  }
  if (entity !== "attribute") {
    throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
  }
  const valid = [...grammar.stringAttributes, ...grammar.numericAttributes];
  if (!valid.includes(key)) throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${valid.join("', '")}'`);
  return { kind: "attribute", key };
}

function quotedValue(token: Token, kind: string): string {
  if (token.type === "string") return token.text;
  throw invalidParameter(`Expected a quoted string value for ${kind} (e.g. 'my-value'). Got value ${describe(token)}`);
}

const unquote = (text: string) => (/^(`[^`]*`|"[^"]*"|'[^']*')$/.test(text) ? text.slice(1, -1) : text);

function describe(token: Token): string {
  return token.type === "list" ? `(${token.items.map((i) => `'${i}'`).join(", ")})` : token.text;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw invalidParameter(`Invalid filter '${input}'. Could not be parsed: ${what} at position ${i}.`);
  };
  const readQuoted = (): string => {
    const quote = input[i]!;
    let text = "";
    for (i++; i < input.length; i++) {
      if (input[i] === quote) {
        // SQL escapes a quote by doubling it: 'it''s'.
        if (input[i + 1] === quote) {
          text += quote;
          i++;
          continue;
        }
        i++;
        return text;
      }
      text += input[i];
    }
    return fail("unterminated string");
  };
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'" || ch === '"') {
      tokens.push({ type: "string", text: readQuoted() });
    } else if (ch === "(") {
      const items: string[] = [];
      i++;
      for (;;) {
        while (/\s/.test(input[i] ?? "")) i++;
        if (input[i] !== "'" && input[i] !== '"') fail("expected a quoted value in the list");
        items.push(readQuoted());
        while (/\s/.test(input[i] ?? "")) i++;
        if (input[i] === ",") i++;
        else if (input[i] === ")") {
          i++;
          break;
        } else fail("expected ',' or ')'");
      }
      tokens.push({ type: "list", items });
    } else if (/[=!<>]/.test(ch)) {
      const op = /^(!=|<>|<=|>=|=|<|>)/.exec(input.slice(i))?.[1] ?? fail(`unknown operator '${ch}'`);
      tokens.push({ type: "op", text: op === "<>" ? "!=" : op });
      i += op.length;
    } else if (/\d/.test(ch)) {
      const text = /^\d+/.exec(input.slice(i))![0];
      tokens.push({ type: "number", text });
      i += text.length;
    } else if (/[A-Za-z_`]/.test(ch)) {
      // An identifier, possibly dotted, whose last part may be quoted: tags.`my key`, tags."my key".
      const match = /^[A-Za-z_][A-Za-z0-9_]*(\.(`[^`]*`|"[^"]*"|'[^']*'|[A-Za-z0-9_.\-:/]+))?|^`[^`]*`/.exec(input.slice(i));
      if (!match) fail("unreadable identifier");
      tokens.push({ type: "word", text: match![0] });
      i += match![0].length;
    } else {
      fail(`unexpected '${ch}'`);
    }
  }
  return tokens;
}

/** `name`, `name DESC`, `` `last_updated_timestamp` asc ``; a key may appear once. */
export function parseOrderBy(clauses: readonly string[] | undefined, grammar: Grammar): OrderBy[] {
  const parsed: OrderBy[] = [];
  for (const clause of clauses ?? []) {
    const parts = clause.trim().split(/\s+/);
    if (parts.length === 0 || parts.length > 2 || parts[0] === "") {
      throw invalidParameter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
    }
    const direction = parts[1]?.toLowerCase();
    if (direction !== undefined && direction !== "asc" && direction !== "desc") {
      throw invalidParameter(`Invalid ordering key in order_by clause '${clause}'.`);
    }
    const raw = unquote(parts[0]!.replace(/^attribute\./, ""));
    const key = grammar.orderAliases?.[raw] ?? raw;
    if (!grammar.orderKeys.includes(key)) {
      throw invalidParameter(`Invalid order by key '${raw}' specified. Valid keys are '${grammar.orderKeys.join("', '")}'`);
    }
    if (parsed.some((o) => o.key === key)) throw invalidParameter(`\`order_by\` contains duplicate fields: ${JSON.stringify(clauses)}`);
    parsed.push({ key, ascending: direction !== "desc" });
  }
  return parsed;
}
