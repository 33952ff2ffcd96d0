import { CATEGORY_IDS } from '../knowledge/categories.ts';
import { CONTEXT_KEY } from '../knowledge/complaints/complaint-context.ts';
import { PROBLEM_TYPE_IDS, type Audience, type ProblemTypeId } from '../knowledge/complaints/procedures.ts';
import type { CategoryId } from '../knowledge/schema.ts';
import { MAX_CALLBACK_BYTES } from './reply.ts';

/**
 * Button payloads. Ids only, never names: Telegram allows 64 bytes and a Han
 * character takes three. Categories travel as their index.
 */
export type Action =
  | { kind: 'carrier'; carrierId: string }
  | { kind: 'facts'; carrierId: string; category: CategoryId; page: number }
  | { kind: 'search'; queryId: string; page: number }
  | { kind: 'bulletins'; page: number }
  | { kind: 'bulletin'; bulletinId: string }
  | { kind: 'regionFacts'; bulletinId: string; page: number }
  | { kind: 'carriers'; page: number }
  /** The problem-type menu; `context` is a complaint context key ("ct-jl", "x"). Problems travel as their index. */
  | { kind: 'complainMenu'; context: string }
  | { kind: 'procedure'; problem: ProblemTypeId; context: string; audience: Audience }
  /** A carrier's card for one period (period code "2024h1"), and the list of its periods. */
  | { kind: 'carrierPeriod'; carrierId: string; period: string }
  | { kind: 'carrierPeriods'; carrierId: string }
  /** A category's facts of one period; `period` absent: the carrier's newest. */
  | { kind: 'periodFacts'; carrierId: string; category: CategoryId; page: number; period: string }
  /** A measure's series; `owner` is a carrier id or a region code (JL, CN), `measure` a short id of its name. */
  | { kind: 'trend'; owner: string; measure: string };

export function encode(a: Action): string {
  let data: string;
  switch (a.kind) {
    case 'carrier':
      data = `c:${a.carrierId}`;
      break;
    case 'facts':
      data = `f:${a.carrierId}:${CATEGORY_IDS.indexOf(a.category)}:${a.page}`;
      break;
    case 'search':
      data = `s:${a.queryId}:${a.page}`;
      break;
    case 'bulletins':
      data = `bl:${a.page}`;
      break;
    case 'bulletin':
      data = `b:${a.bulletinId}`;
      break;
    case 'carriers':
      data = `cl:${a.page}`;
      break;
    case 'regionFacts':
      data = `rf:${a.bulletinId}:${a.page}`;
      break;
    case 'complainMenu':
      data = `pk:${a.context}`;
      break;
    case 'procedure':
      data = `p:${PROBLEM_TYPE_IDS.indexOf(a.problem)}:${a.context}:${a.audience === 'consumer' ? 'c' : 's'}`;
      break;
    case 'carrierPeriod':
      data = `cp:${a.carrierId}:${a.period}`;
      break;
    case 'carrierPeriods':
      data = `ch:${a.carrierId}`;
      break;
    case 'periodFacts':
      data = `f:${a.carrierId}:${CATEGORY_IDS.indexOf(a.category)}:${a.page}:${a.period}`;
      break;
    case 'trend':
      data = `tr:${a.owner}:${a.measure}`;
      break;
  }
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES) throw new Error(`callback data too long: ${data}`);
  return data;
}

const ID = /^[a-z0-9-]{1,40}$/;
const PAGE = /^\d{1,4}$/;
/** A period code as periodCode writes it: 2023h2, 2024q3, 2024m1-9, 2020. */
const PERIOD = /^\d{4}(?:h[12]|q[1-4]|m\d{1,2}-\d{1,2})?$/;

/** Parses button data; anything forged, stale or malformed gives undefined. */
export function decode(data: string): Action | undefined {
  const parts = data.split(':');
  const [tag, a, b, c] = parts;
  switch (tag) {
    case 'c':
      return parts.length === 2 && a && ID.test(a) ? { kind: 'carrier', carrierId: a } : undefined;
    case 'f': {
      if (parts.length < 4 || parts.length > 5 || !a || !ID.test(a) || !b || !PAGE.test(b) || !c || !PAGE.test(c)) return undefined;
      const category = CATEGORY_IDS[Number(b)];
      if (!category) return undefined;
      const period = parts[4];
      if (period === undefined) return { kind: 'facts', carrierId: a, category, page: Number(c) };
      return PERIOD.test(period) ? { kind: 'periodFacts', carrierId: a, category, page: Number(c), period } : undefined;
    }
    case 'cp':
      return parts.length === 3 && a && ID.test(a) && b && PERIOD.test(b) ? { kind: 'carrierPeriod', carrierId: a, period: b } : undefined;
    case 'ch':
      return parts.length === 2 && a && ID.test(a) ? { kind: 'carrierPeriods', carrierId: a } : undefined;
    case 'tr':
      return parts.length === 3 && a && (ID.test(a) || /^[A-Z]{2}$/.test(a)) && b && /^[A-Za-z0-9_-]{6}$/.test(b)
        ? { kind: 'trend', owner: a, measure: b }
        : undefined;
    case 's':
      return parts.length === 3 && a && /^[A-Za-z0-9_-]{10}$/.test(a) && b && PAGE.test(b)
        ? { kind: 'search', queryId: a, page: Number(b) }
        : undefined;
    case 'bl':
      return parts.length === 2 && a && PAGE.test(a) ? { kind: 'bulletins', page: Number(a) } : undefined;
    case 'b':
      return parts.length === 2 && a && ID.test(a) ? { kind: 'bulletin', bulletinId: a } : undefined;
    case 'rf':
      return parts.length === 3 && a && ID.test(a) && b && PAGE.test(b) ? { kind: 'regionFacts', bulletinId: a, page: Number(b) } : undefined;
    case 'cl':
      return parts.length === 2 && a && PAGE.test(a) ? { kind: 'carriers', page: Number(a) } : undefined;
    case 'pk':
      return parts.length === 2 && a && CONTEXT_KEY.test(a) ? { kind: 'complainMenu', context: a } : undefined;
    case 'p': {
      if (parts.length !== 4 || !a || !/^\d$/.test(a) || !b || !CONTEXT_KEY.test(b) || (c !== 's' && c !== 'c')) return undefined;
      const problem = PROBLEM_TYPE_IDS[Number(a)];
      return problem ? { kind: 'procedure', problem, context: b, audience: c === 'c' ? 'consumer' : 'staff' } : undefined;
    }
    default:
      return undefined;
  }
}
