/**
 * Integer keys to ids, by open addressing over two Int32Arrays. Building
 * the fact index looks up some four million Han tokens; a Map costs about
 * three times as much per lookup and a heap object per entry.
 * Key 0 is reserved for "empty" (no token key is 0: see search-tokens.ts).
 */
export class IntIds {
  private keys = new Int32Array(1 << 12);
  private ids = new Int32Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The id of key, or -1. */
  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let h = hash(key) & mask; ; h = (h + 1) & mask) {
      const k = this.keys[h]!;
      if (k === key) return this.ids[h]!;
      if (k === 0) return -1;
    }
  }

  set(key: number, id: number): void {
    if (key === 0) throw new Error('IntIds: key 0 is reserved');
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let h = hash(key) & mask; ; h = (h + 1) & mask) {
      const k = this.keys[h]!;
      if (k === key || k === 0) {
        if (k === 0) this.count++;
        this.keys[h] = key;
        this.ids[h] = id;
        return;
      }
    }
  }

  private grow(): void {
    const { keys, ids } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.ids = new Int32Array(keys.length * 2);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i]!, ids[i]!);
  }
}

function hash(key: number): number {
  let h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}
