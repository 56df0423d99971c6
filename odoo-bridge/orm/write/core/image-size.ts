/**
 * An image's width and height from its header, for the formats whose header says them plainly
 * (what PIL's `Image.open` reads before `.size`): PNG's IHDR, GIF's screen descriptor, BMP's
 * info header and JPEG's start-of-frame. null for anything else.
 */
export interface ImageSize {
  readonly format: 'png' | 'gif' | 'bmp' | 'jpeg';
  readonly width: number;
  readonly height: number;
}

export function imageSize(data: Buffer): ImageSize | null {
  if (data.length >= 24 && data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) && data.subarray(12, 16).toString('latin1') === 'IHDR') {
    return { format: 'png', width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  const head = data.subarray(0, 6).toString('latin1');
  if (data.length >= 10 && (head === 'GIF87a' || head === 'GIF89a')) return { format: 'gif', width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  if (data.length >= 26 && head.startsWith('BM')) {
    const headerSize = data.readUInt32LE(14);
    if (headerSize === 12) return { format: 'bmp', width: data.readUInt16LE(18), height: data.readUInt16LE(20) };
    if (headerSize >= 40) return { format: 'bmp', width: Math.abs(data.readInt32LE(18)), height: Math.abs(data.readInt32LE(22)) };
    return null;
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return jpegSize(data);
  return null;
}

/** Walks the JPEG markers to the first SOFn (C0–CF but DHT C4, JPG C8, DAC CC). */
function jpegSize(data: Buffer): ImageSize | null {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > data.length) return null;
      return { format: 'jpeg', height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}
