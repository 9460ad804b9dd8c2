import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** The text a QR code in a PNG data URL carries (decoded by jsQR, an independent reader). */
export function decodeQr(dataUrl: string): string {
  const png = PNG.sync.read(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (found === null) throw new Error('no QR code found in the PNG');
  return found.data;
}
