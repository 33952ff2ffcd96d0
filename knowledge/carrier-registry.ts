import type { Carrier } from './schema.ts';

/**
 * One registry entry per carrier id, merged across every bulletin that
 * names it: aliases pooled, and the longest legal name kept, since a
 * bulletin that spells out 股份有限公司 is more formal than a news story.
 */
export function mergeCarriers(lists: Iterable<readonly Carrier[]>): Carrier[] {
  const byId = new Map<string, Carrier>();
  for (const list of lists) {
    for (const c of list) {
      const seen = byId.get(c.id);
      if (!seen) {
        byId.set(c.id, { ...c, aliases: [...c.aliases] });
        continue;
      }
      const legalName = c.legalName.length > seen.legalName.length ? c.legalName : seen.legalName;
      const aliases = new Set([...seen.aliases, ...c.aliases, seen.legalName, c.legalName]);
      aliases.delete(legalName);
      aliases.delete(seen.shortName);
      byId.set(c.id, { ...seen, legalName, aliases: [...aliases].sort() });
    }
  }
  return [...byId.values()].sort(compareCarriers);
}

const GROUP_ORDER = ['cm', 'cu', 'ct', 'cbn', 'tower', 'ctt', 'cnc'];

/** Province branches before city branches, then by region code and group. */
export function compareCarriers(a: Carrier, b: Carrier): number {
  const ra = a.region?.province ?? '';
  const rb = b.region?.province ?? '';
  return (
    ra.localeCompare(rb) ||
    Number(Boolean(a.region?.city)) - Number(Boolean(b.region?.city)) ||
    (a.region?.city ?? '').localeCompare(b.region?.city ?? '') ||
    GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group)
  );
}
