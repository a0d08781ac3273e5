/**
 * Random (version 4) UUIDs as flat strings. node's `crypto.randomUUID()` builds its answer by joining
 * two-character pieces, and V8 keeps such a string as a tree of pieces: about 500 bytes of heap for
 * 36 characters, kept for as long as the token lives. Written into a buffer and read back in one go,
 * the same UUID takes about 90 bytes (docs/scale.md). The randomness is the same: crypto's, drawn in
 * batches as node's own function does.
 */
import { randomFillSync } from 'node:crypto';

const random = Buffer.alloc(16 * 256);
let next = random.length;
const text = Buffer.alloc(36);
const HEX = Buffer.from('0123456789abcdef', 'latin1');

export function randomUuid(): string {
  if (next === random.length) {
    randomFillSync(random);
    next = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d; // '-'
    let byte = random[next + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // RFC 4122 variant
    text[at++] = HEX[byte >> 4]!;
    text[at++] = HEX[byte & 0x0f]!;
  }
  next += 16;
  return text.toString('latin1');
}
