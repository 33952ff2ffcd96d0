import { startFakeBotApi } from './fake-bot-api.ts';

/**
 * The fake Bot API as its own process (the broadcast benchmark starts it).
 * A separate entry file, because a "run me if I am the main module" check
 * inside a library module fires in every bundle that includes it.
 */
const latencyMs = Number(process.env.FAKE_API_LATENCY_MS ?? 20);
const perSecond = Number(process.env.FAKE_API_PER_SECOND ?? 30);
const api = await startFakeBotApi({ latencyMs, perSecond });
process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
