import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GroupId } from './schema.ts';
import { dataFile } from './paths.ts';

const Group = z.object({
  id: GroupId,
  name: z.string(),
  short: z.string(),
  /** The consumer hotline; absent for 中国铁塔, which serves carriers, not the public. */
  hotline: z.string().regex(/^\d{5}$/).optional(),
  /** The group a historic one became part of (中国铁通 → 中国移动); its customers call the successor's hotline. */
  successor: GroupId.optional(),
  nationalLegalName: z.string(),
  en: z.array(z.string()).min(1),
  aliases: z.array(z.string()),
  /** Names people use that are not homophones of the real one (电讯 for 电信). */
  misnomers: z.array(z.string()),
});
export type Group = z.infer<typeof Group>;

const GroupTable = z.object({ source: z.string(), groups: z.array(Group).min(4) });

let shared: Group[] | undefined;

/** Every group, historic ones with their successor's hotline filled in. */
export function groups(): readonly Group[] {
  if (!shared) {
    const table = GroupTable.parse(JSON.parse(readFileSync(dataFile('groups.json'), 'utf8'))).groups;
    shared = table.map((g) => {
      const heir = g.successor ? table.find((x) => x.id === g.successor) : undefined;
      return !g.hotline && heir?.hotline ? { ...g, hotline: heir.hotline } : g;
    });
  }
  return shared;
}

/** The groups a consumer can contact today under their own name: the ones lists of hotlines show. */
export function consumerGroups(): ReadonlyArray<Group & { hotline: string }> {
  return groups().filter((g): g is Group & { hotline: string } => Boolean(g.hotline) && !g.successor);
}

export function group(id: GroupId): Group {
  const g = groups().find((x) => x.id === id);
  if (!g) throw new Error(`unknown carrier group ${id}`);
  return g;
}
