import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GroupId } from './schema.ts';
import { dataFile } from './paths.ts';

const Group = z.object({
  id: GroupId,
  name: z.string(),
  short: z.string(),
  hotline: z.string().regex(/^\d{5}$/),
  nationalLegalName: z.string(),
  en: z.array(z.string()).min(1),
  aliases: z.array(z.string()),
  /** Names people use that are not homophones of the real one (电讯 for 电信). */
  misnomers: z.array(z.string()),
});
export type Group = z.infer<typeof Group>;

const GroupTable = z.object({ source: z.string(), groups: z.array(Group).length(4) });

let shared: Group[] | undefined;

export function groups(): readonly Group[] {
  shared ??= GroupTable.parse(JSON.parse(readFileSync(dataFile('groups.json'), 'utf8'))).groups;
  return shared;
}

export function group(id: GroupId): Group {
  const g = groups().find((x) => x.id === id);
  if (!g) throw new Error(`unknown carrier group ${id}`);
  return g;
}
