import { group } from '../../knowledge/groups.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import type { Carrier, GroupId } from '../../knowledge/schema.ts';

const LEGAL: Record<GroupId, (province: string, city?: string) => string> = {
  cm: (p, c) => `中国移动通信集团${p}有限公司${c ? `${c}分公司` : ''}`,
  cu: (p, c) => `中国联合网络通信有限公司${c ?? p}分公司`,
  ct: (p, c) => `中国电信股份有限公司${c ?? p}分公司`,
  cbn: (p, c) => `中国广电${p}网络股份有限公司${c ? `${c}分公司` : ''}`,
  tower: (p, c) => `中国铁塔股份有限公司${c ?? p}分公司`,
  ctt: (p, c) => `中国铁通集团有限公司${c ?? p}分公司`,
  cnc: (p, c) => `中国网络通信集团公司${c ?? p}分公司`,
};

/** A registry entry shaped like the ones ingestion creates, for resolver tests at national scale. */
export function makeCarrier(groupId: GroupId, provinceCode: string, cityId?: string): Carrier {
  const regions = regionIndex();
  const p = regions.province(provinceCode);
  if (!p) throw new Error(`no province ${provinceCode}`);
  const c = cityId ? regions.city(provinceCode, cityId) : undefined;
  if (cityId && !c) throw new Error(`no city ${cityId} in ${provinceCode}`);
  const g = group(groupId);
  const shortName = `${c?.short ?? p.short}${g.short}`;
  return {
    id: [groupId, provinceCode.toLowerCase(), ...(cityId ? [cityId] : [])].join('-'),
    group: groupId,
    region: { province: provinceCode, ...(cityId ? { city: cityId } : {}) },
    legalName: LEGAL[groupId](p.name.replace(/省$/, groupId === 'cu' ? '省' : ''), c?.name),
    shortName,
    aliases: [`${g.name}${c?.short ?? p.short}公司`],
    hotline: g.hotline,
  };
}
