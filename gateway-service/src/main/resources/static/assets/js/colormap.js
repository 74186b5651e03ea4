// Depth maps are 16-bit grayscale PNGs (nearer is brighter). Grey levels are hard to read, so the page
// stretches them to the map's own range and paints them with Turbo, a rainbow map made for depth
// (Google's polynomial approximation; no library needed).

function turbo(x) {
  const r = 34.61 + x * (1172.33 - x * (10793.56 - x * (33300.12 - x * (38394.49 - x * 14825.05))));
  const g = 23.31 + x * (557.33 + x * (1225.33 - x * (3574.96 - x * (1073.77 + x * 707.56))));
  const b = 27.2 + x * (3211.1 - x * (15327.97 - x * (27814 - x * (22569.18 - x * 6838.66))));
  const clamp = v => Math.max(0, Math.min(255, Math.round(v)));
  return [clamp(r), clamp(g), clamp(b)];
}

export const TURBO = Array.from({length: 256}, (_, i) => turbo(i / 255));

/** The depth PNG (a Blob) painted in the colour map, as a PNG Blob of the same size. */
export async function colourise(depthPng) {
  const bitmap = await createImageBitmap(depthPng, {colorSpaceConversion: 'none', premultiplyAlpha: 'none'});
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  context.drawImage(bitmap, 0, 0);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const pixels = image.data;
  let low = 255;
  let high = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    low = Math.min(low, pixels[i]);
    high = Math.max(high, pixels[i]);
  }
  const span = Math.max(1, high - low);
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = TURBO[Math.round(255 * (pixels[i] - low) / span)];
    pixels[i] = r;
    pixels[i + 1] = g;
    pixels[i + 2] = b;
    pixels[i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob(
    blob => (blob ? resolve(blob) : reject(new Error('the depth map could not be painted'))), 'image/png'));
}

/** A CSS gradient of the colour map, for its legend. */
export function legendGradient() {
  const stops = [];
  for (let i = 0; i <= 10; i++) {
    const [r, g, b] = TURBO[Math.round(i * 25.5)];
    stops.push(`rgb(${r}, ${g}, ${b}) ${i * 10}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
