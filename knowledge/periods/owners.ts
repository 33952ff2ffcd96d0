import { parseComplaintQuery } from '../complaints/complaint-context.ts';
import { group } from '../groups.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import type { Carrier, Region } from '../schema.ts';
import type { OwnerKey } from './measures.ts';

/** Whose figures words ask about, and the words left over (the measure). */
export type OwnerQuery =
  | { kind: 'owner'; owner: OwnerKey; label: string; rest: string }
  /** A place or a carrier the knowledge base does not cover (辽宁, 北京移动). */
  | { kind: 'uncovered'; label: string; rest: string }
  | { kind: 'none' };

const NATIONAL = /^(?:全国|全国范围|工信部|工业和信息化部)\s*/;

/**
 * "吉林电信 爱心翼站", "吉林电信爱心翼站有多少家", "吉林 申诉", "全国 骚扰电话",
 * "中国移动 申告率": the carrier, province or the nation named first, via the
 * same name reading /complain uses.
 */
export function readOwner(text: string, kb: KnowledgeBase): OwnerQuery {
  const t = text.trim();
  const national = NATIONAL.exec(t);
  if (national) return { kind: 'owner', owner: 'CN', label: '全国', rest: t.slice(national[0].length).trim() };
  // "吉林电信 爱心翼站": the first word alone usually names the owner; the measure words are
  // never run through the carrier resolver's fuzzy matching, which is the slow part.
  const [first, ...others] = t.split(/\s+/);
  if (first && others.length) {
    const region = kb.regions.lookup(first).find((r) => !r.city);
    const r = region ? undefined : kb.resolver.resolve(first);
    if (r?.kind === 'found') return { kind: 'owner', owner: r.carrier.id, label: r.carrier.shortName, rest: others.join(' ') };
    if (region && kb.bulletins.some((b) => b.region.province === region.province)) {
      return { kind: 'owner', owner: region.province, label: kb.regions.wholeLabel({ province: region.province }), rest: others.join(' ') };
    }
  }
  const { context, rest } = parseComplaintQuery(t, kb);
  if (context.carrier) return { kind: 'owner', owner: context.carrier.id, label: context.carrier.shortName, rest };
  if (context.group && !context.region) {
    const national = kb.carrier(context.group);
    if (national) return { kind: 'owner', owner: national.id, label: national.shortName, rest };
    return { kind: 'uncovered', label: group(context.group).name, rest };
  }
  if (context.region) {
    const label = kb.regions.label(context.region);
    if (context.group) return { kind: 'uncovered', label: `${label}${group(context.group).short}`, rest };
    const province = context.region.province;
    if (!kb.bulletins.some((b) => b.region.province === province)) return { kind: 'uncovered', label, rest };
    return { kind: 'owner', owner: province, label: kb.regions.wholeLabel({ province }), rest };
  }
  return { kind: 'none' };
}

/** The province-level carriers of a province, in registry order (city branches report their own way). */
export function carriersOfProvince(region: Region, kb: KnowledgeBase): Carrier[] {
  return kb.carriers.filter((c) => c.region?.province === region.province && !c.region.city);
}
