/**
 * Which session a typed ID means: a full id or any unique start of one (case ignored), as git
 * takes commit prefixes. Pure: a function of the session list.
 */
import type { SessionRow } from '../contract';

export type Resolution =
  | { kind: 'found'; row: SessionRow }
  | { kind: 'ambiguous'; candidates: SessionRow[] }
  | { kind: 'unknown'; near: SessionRow[] };

/** Enough suggestions to spot the one meant, few enough to read at a glance. */
const MAX_NEAR = 5;

export function resolveSession(rows: SessionRow[], given: string): Resolution {
  const typed = given.trim().toLowerCase();
  const exact = rows.find((r) => r.session_id === typed);
  if (exact) return { kind: 'found', row: exact };
  const matches = typed ? rows.filter((r) => r.session_id.startsWith(typed)) : [];
  if (matches.length === 1) return { kind: 'found', row: matches[0] };
  if (matches.length > 1) return { kind: 'ambiguous', candidates: matches };
  return { kind: 'unknown', near: nearMatches(rows, typed) };
}

/**
 * Ids whose start is a typo or two away from what was typed (a quarter of its length, at least
 * one edit): a mistyped or half-remembered prefix still finds its session.
 */
function nearMatches(rows: SessionRow[], typed: string): SessionRow[] {
  const allowed = Math.max(1, Math.floor(typed.length / 4));
  return rows
    .map((row) => ({ row, distance: editDistance(typed, row.session_id.slice(0, typed.length)) }))
    .filter((c) => c.distance <= allowed)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, MAX_NEAR)
    .map((c) => c.row);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
