import type { KnowledgeBase } from '../knowledge-base.ts';
import { procedureBook } from './procedures.ts';

/**
 * The telecom appeal centre (申诉受理机构) of a province. 《电信用户申诉处理办法》
 * 第九条 sends appeals to the carrier's province, so every province has one
 * to name — but only some names are verified. Provinces name theirs
 * differently (third-party pages give 广东's as 申诉综合处理中心), so the
 * conventional name "<省名>电信用户申诉受理中心" is never stated as fact:
 * an unverified province gets a description the rule guarantees instead.
 */
export interface AppealCentre {
  province: string;
  provinceName: string;
  /** What to call it: the verified name, or "X通信管理局的电信用户申诉受理机构". */
  label: string;
  verified: boolean;
  /** "<省名>电信用户申诉受理中心": the form Jilin and Hubei use, unconfirmed elsewhere. */
  conventionalName: string;
  /** Where the name was verified, briefly: bulletin paragraphs, else the curated source. */
  cites: string[];
  mail?: string;
  email?: string;
}

const cache = new WeakMap<KnowledgeBase, Map<string, AppealCentre | undefined>>();

/** The appeal centre for a province code ("JL"); undefined for "CN" or an unknown code. */
export function appealCentre(kb: KnowledgeBase, province: string): AppealCentre | undefined {
  let perKb = cache.get(kb);
  if (!perKb) cache.set(kb, (perKb = new Map()));
  if (!perKb.has(province)) perKb.set(province, build(kb, province));
  return perKb.get(province);
}

function build(kb: KnowledgeBase, code: string): AppealCentre | undefined {
  const p = kb.regions.province(code);
  if (!p) return undefined;
  const book = procedureBook();
  const conventionalName = `${p.name}${book.appealCentres.conventionalSuffix}`;
  const curated = book.appealCentres.provinces.find((c) => c.code === code);
  // A bulletin of this province that names the centre in its appeal statistics confirms the name.
  const cited = bulletinEvidence(kb, code, curated?.name ?? conventionalName);
  const cites = cited.length ? cited : curated ? [curated.cite] : [];
  const verified = cites.length > 0;
  return {
    province: code,
    provinceName: p.name,
    label: verified ? (curated?.name ?? conventionalName) : `${p.name}通信管理局的电信用户申诉受理机构`,
    verified,
    conventionalName,
    cites,
    ...(curated?.mail ? { mail: curated.mail } : {}),
    ...(curated?.email ? { email: curated.email } : {}),
  };
}

function bulletinEvidence(kb: KnowledgeBase, code: string, name: string): string[] {
  const out: string[] = [];
  for (const b of kb.bulletins) {
    if (b.region.province !== code) continue;
    const fact = kb.factsIn(b.id).find((f) => f.category === 'province_appeals' && f.text.includes(name));
    if (fact) out.push(`《${b.title}》第${fact.source.paragraphs.join('、')}段`);
  }
  return out;
}
