import { bundleBot, DEFAULT_BUNDLE } from '../bundle.ts';

/** `npm run build` (run by `npm start` first): bundles the bot into dist/ for plain node. */
await bundleBot(process.argv[2] ?? DEFAULT_BUNDLE);
