/**
 * The "objects" the rehearsal images show, as RGBA pixels with a transparent background:
 * a THINGS-icon with its white background cut away, or, for concepts without icons, a procedural
 * object — a fixed combination of two to four coloured shapes per concept.
 */
import sharp from "sharp";
import { InputError } from "../../io/errors.ts";
import { createRng, type Rng } from "../../stats/random.ts";

/** Interleaved RGBA pixels. */
export interface RgbaImage {
  /** width × height × 4 bytes. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** Pixels at least this close to white (every channel) are background when connected to an edge. */
const WHITE = 232;
/** Edge pixels lighter than this get partial alpha (anti-aliased against white). */
const EDGE = 150;

/**
 * Load an icon PNG (white background) as RGBA: the white region connected to the border becomes
 * transparent, and anti-aliased edge pixels are un-mixed from white with partial alpha.
 */
export async function loadIcon(path: string): Promise<RgbaImage> {
  let decoded;
  try {
    decoded = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new InputError({
      file: path,
      expected: "a PNG icon that sharp can decode",
      found: error instanceof Error ? error.message : String(error),
    });
  }
  const { width, height } = decoded.info;
  const data = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length);
  return cutWhiteBackground({ data, width, height });
}

/** Make the near-white region connected to the border transparent (in place; returns `image`). */
export function cutWhiteBackground(image: RgbaImage): RgbaImage {
  const { data, width, height } = image;
  const n = width * height;
  const background = new Uint8Array(n);
  const light = (p: number) =>
    data[4 * p + 3] === 0 ||
    Math.min(data[4 * p], data[4 * p + 1], data[4 * p + 2]) >= WHITE;
  const stack: number[] = [];
  const push = (p: number) => {
    if (!background[p] && light(p)) {
      background[p] = 1;
      stack.push(p);
    }
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length > 0) {
    const p = stack.pop()!;
    const x = p % width;
    if (x > 0) push(p - 1);
    if (x < width - 1) push(p + 1);
    if (p >= width) push(p - width);
    if (p < n - width) push(p + width);
  }
  for (let p = 0; p < n; p++) {
    const i = 4 * p;
    if (background[p]) {
      data[i + 3] = 0;
      continue;
    }
    const x = p % width;
    const edge = (x > 0 && background[p - 1]) || (x < width - 1 && background[p + 1]) ||
      (p >= width && background[p - width]) || (p < n - width && background[p + width]);
    const lightest = Math.min(data[i], data[i + 1], data[i + 2]);
    if (!edge || lightest <= EDGE) continue;
    const alpha = (255 - lightest) / (255 - EDGE);
    for (let c = 0; c < 3; c++) {
      data[i + c] = Math.max(0, Math.min(255, Math.round(255 - (255 - data[i + c]) / alpha)));
    }
    data[i + 3] = Math.round(data[i + 3] * alpha);
  }
  return image;
}

/** Side of a procedural object's canvas in pixels. */
const OBJECT_SIDE = 256;

/**
 * The SVG of concept `uniqueID`'s procedural object: two to four shapes (ellipses, rounded
 * rectangles, triangles, stars, rings) in colours drawn from `createRng(seed, "object/<id>")`,
 * a body in the middle and parts attached to it. The same id and seed give the same object.
 */
export function proceduralObjectSvg(uniqueID: string, seed: number): string {
  const rng = createRng(seed, { label: `object/${uniqueID}` });
  const hue = rng.int(360);
  const shapes: string[] = [];
  const count = 2 + rng.int(3);
  const c = OBJECT_SIDE / 2;
  for (let i = 0; i < count; i++) {
    const body = i === 0;
    const size = body ? 55 + rng.int(30) : 22 + rng.int(30);
    const angle = rng.next() * 2 * Math.PI;
    const distance = body ? 0 : 35 + rng.int(35);
    const x = c + Math.cos(angle) * distance;
    const y = c + Math.sin(angle) * distance;
    const fill = hsl({
      h: (hue + (body ? 0 : 60 + rng.int(240))) % 360,
      s: 45 + rng.int(50),
      l: 30 + rng.int(40),
    });
    let stroke = "";
    if (rng.next() < 0.5) {
      const colour = hsl({ h: rng.int(360), s: 30 + rng.int(60), l: 10 + rng.int(30) });
      stroke = ` stroke="${colour}" stroke-width="${2 + rng.int(6)}"`;
    }
    shapes.push(shapeSvg(rng, { x, y, size, fill, stroke }));
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${OBJECT_SIDE}" height="${OBJECT_SIDE}">${
    shapes.join("")
  }</svg>`;
}

/** Render {@link proceduralObjectSvg} to RGBA pixels, cropped to a square around the shapes. */
export async function proceduralObject(uniqueID: string, seed: number): Promise<RgbaImage> {
  const svg = new TextEncoder().encode(proceduralObjectSvg(uniqueID, seed));
  const { data, info } = await sharp(svg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return cropToContent({
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  });
}

/** The smallest square (centred on the opaque pixels' bounding box) that holds them all. */
export function cropToContent(image: RgbaImage): RgbaImage {
  const { data, width, height } = image;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[4 * (y * width + x) + 3] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return image;
  const side = Math.max(x1 - x0, y1 - y0) + 1;
  const left = Math.floor((x0 + x1 + 1 - side) / 2);
  const top = Math.floor((y0 + y1 + 1 - side) / 2);
  const out = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < side; x++) {
      const sx = left + x;
      if (sx < 0 || sx >= width) continue;
      out.set(data.subarray(4 * (sy * width + sx), 4 * (sy * width + sx) + 4), 4 * (y * side + x));
    }
  }
  return { data: out, width: side, height: side };
}

/** One random shape centred at (x, y) of about `size` radius, as an SVG element. */
export function shapeSvg(
  rng: Rng,
  s: { x: number; y: number; size: number; fill: string; stroke?: string },
): string {
  const { x, y, size, fill } = s;
  const stroke = s.stroke ?? "";
  const rotate = ` transform="rotate(${rng.int(360)} ${f(x)} ${f(y)})"`;
  switch (rng.int(5)) {
    case 0:
      return `<ellipse cx="${f(x)}" cy="${f(y)}" rx="${f(size)}" ry="${
        f(size * (0.5 + rng.next() * 0.5))
      }" fill="${fill}"${stroke}${rotate}/>`;
    case 1: {
      const w = size * (1.2 + rng.next() * 0.8);
      const h = size * (0.8 + rng.next() * 0.8);
      return `<rect x="${f(x - w / 2)}" y="${f(y - h / 2)}" width="${f(w)}" height="${f(h)}" rx="${
        f(rng.next() * size * 0.4)
      }" fill="${fill}"${stroke}${rotate}/>`;
    }
    case 2:
      return `<polygon points="${polygon(x, y, size, 3, 1)}" fill="${fill}"${stroke}${rotate}/>`;
    case 3: {
      const points = 5 + rng.int(4);
      const inner = 0.4 + rng.next() * 0.3;
      return `<polygon points="${
        polygon(x, y, size, points, inner)
      }" fill="${fill}"${stroke}${rotate}/>`;
    }
    default:
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${
        f(size * 0.8)
      }" fill="none" stroke="${fill}" ` +
        `stroke-width="${f(size * (0.2 + rng.next() * 0.25))}"/>`;
  }
}

/** A regular polygon (inner = 1) or a star (alternate vertices at `inner` × radius). */
function polygon(x: number, y: number, r: number, points: number, inner: number): string {
  const out: string[] = [];
  const steps = inner === 1 ? points : 2 * points;
  for (let i = 0; i < steps; i++) {
    const radius = inner === 1 || i % 2 === 0 ? r : r * inner;
    const a = (i / steps) * 2 * Math.PI - Math.PI / 2;
    out.push(`${f(x + radius * Math.cos(a))},${f(y + radius * Math.sin(a))}`);
  }
  return out.join(" ");
}

/** A CSS colour `hsl(h,s%,l%)` (hue in degrees, saturation and lightness in percent). */
export function hsl(colour: { h: number; s: number; l: number }): string {
  return `hsl(${colour.h},${colour.s}%,${colour.l}%)`;
}

function f(v: number): string {
  return v.toFixed(1);
}
