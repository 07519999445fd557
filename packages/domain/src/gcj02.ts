/**
 * GCJ-02 ("Mars coordinates"), the obfuscated datum Chinese map providers publish, and WGS84.
 * Invariants: points outside mainland China's rough bounding box are left unchanged (the providers do
 * the same); gcj02ToWgs84 inverts wgs84ToGcj02 by fixed-point iteration to well under a centimetre.
 */
import type { Position } from './geometry.ts';

const A = 6_378_245.0; // Krasovsky 1940 semi-major axis, as the published algorithm uses
const EE = 0.006_693_421_622_965_943; // its first eccentricity squared

/** Returns true when the point lies outside the box in which GCJ-02 applies an offset. */
export function isOutsideChina([lng, lat]: Position): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLng(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** The GCJ-02 offset (degrees) at a WGS84 point. */
function offsetAt(lng: number, lat: number): Position {
  let dLat = transformLat(lng - 105.0, lat - 35.0);
  let dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLng, dLat];
}

/** Converts a WGS84 point to GCJ-02 (unchanged outside China). */
export function wgs84ToGcj02(point: Position): Position {
  if (isOutsideChina(point)) return [point[0], point[1]];
  const [dLng, dLat] = offsetAt(point[0], point[1]);
  return [point[0] + dLng, point[1] + dLat];
}

/** Converts a GCJ-02 point back to WGS84 by iterating the forward transform (unchanged outside China). */
export function gcj02ToWgs84(point: Position): Position {
  if (isOutsideChina(point)) return [point[0], point[1]];
  let lng = point[0];
  let lat = point[1];
  for (let i = 0; i < 30; i++) {
    const [gLng, gLat] = wgs84ToGcj02([lng, lat]);
    const eLng = gLng - point[0];
    const eLat = gLat - point[1];
    lng -= eLng;
    lat -= eLat;
    if (Math.abs(eLng) < 1e-11 && Math.abs(eLat) < 1e-11) break;
  }
  return [lng, lat];
}
