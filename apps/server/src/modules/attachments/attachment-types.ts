/**
 * What an uploaded file really is, from its first bytes (magic numbers), never from the name or the
 * content type the client sent: pictures, video, voice and PDF documents are accepted, nothing else.
 * The client's declared type only chooses between audio and video inside a container that holds
 * either (MP4, WebM, Ogg, 3GP), so a voice memo recorded by a browser stays a voice memo.
 */

export const ATTACHMENT_KINDS = ['image', 'video', 'audio', 'document'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface DetectedType {
  contentType: string;
  kind: AttachmentKind;
  /** The usual extension, for names that lack one. */
  extension: string;
}

/** How many leading bytes the detection needs. */
export const SNIFF_BYTES = 64;

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');
const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const type = (contentType: string, kind: AttachmentKind, extension: string): DetectedType => ({
  contentType,
  kind,
  extension,
});

/** True when the client said it sends audio (used only inside containers that hold audio or video). */
const saysAudio = (declared: string | undefined) =>
  (declared ?? '').trim().toLowerCase().startsWith('audio/');

/** ISO base media files (MP4, MOV, M4A, 3GP, HEIC/HEIF, AVIF): the `ftyp` box's brands decide. */
function detectIsoMedia(head: Buffer, declared: string | undefined): DetectedType | null {
  if (ascii(head, 4, 8) !== 'ftyp') return null;
  const boxSize = head.readUInt32BE(0);
  const brands = [ascii(head, 8, 12)];
  for (let at = 16; at + 4 <= Math.min(boxSize, head.length); at += 4) brands.push(ascii(head, at, at + 4));
  const major = brands[0]!;
  const has = (...names: string[]) => brands.some((b) => names.includes(b));
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(major))
    return type('image/heic', 'image', 'heic');
  if (major === 'avif' || major === 'avis') return type('image/avif', 'image', 'avif');
  if (major === 'mif1' || major === 'msf1') {
    if (has('avif', 'avis')) return type('image/avif', 'image', 'avif');
    return has('heic', 'heix') ? type('image/heic', 'image', 'heic') : type('image/heif', 'image', 'heif');
  }
  if (major === 'M4A ' || major === 'M4B ') return type('audio/mp4', 'audio', 'm4a');
  if (major === 'qt  ') return type('video/quicktime', 'video', 'mov');
  if (major.startsWith('3gp') || major.startsWith('3g2') || major.startsWith('3gg')) {
    return saysAudio(declared) ? type('audio/3gpp', 'audio', '3gp') : type('video/3gpp', 'video', '3gp');
  }
  if (/^(isom|iso[2-9]|mp41|mp42|mp71|avc1|dash|M4V |M4VH|M4VP|MSNV|f4v )$/.test(major)) {
    return saysAudio(declared) ? type('audio/mp4', 'audio', 'm4a') : type('video/mp4', 'video', 'mp4');
  }
  return null;
}

/** True for the header of an MPEG audio frame (MP3 without an ID3 tag). */
function isMpegAudioFrame(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0xff) return false;
  const b1 = head[1]!;
  const b2 = head[2]!;
  const sync = (b1 & 0xe0) === 0xe0;
  const version = (b1 >> 3) & 0x03; // 01 is reserved
  const layer = (b1 >> 1) & 0x03; // 00 is reserved (and ADTS AAC)
  const bitrate = b2 >> 4; // 1111 is invalid
  const sampleRate = (b2 >> 2) & 0x03; // 11 is reserved
  return sync && version !== 1 && layer !== 0 && bitrate !== 0x0f && sampleRate !== 0x03;
}

/**
 * Detects the type of a file from its first bytes (at least SNIFF_BYTES when the file is that long),
 * or returns null when it is not one of the accepted kinds.
 */
export function detectFileType(head: Buffer, declared?: string): DetectedType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return type('image/jpeg', 'image', 'jpg');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return type('image/png', 'image', 'png');
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')
    return type('image/gif', 'image', 'gif');
  if (ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 12);
    if (form === 'WEBP') return type('image/webp', 'image', 'webp');
    if (form === 'WAVE') return type('audio/wav', 'audio', 'wav');
    return null;
  }
  if (ascii(head, 0, 5) === '%PDF-') return type('application/pdf', 'document', 'pdf');
  if (ascii(head, 0, 9) === '#!AMR-WB\n') return type('audio/amr-wb', 'audio', 'awb');
  if (ascii(head, 0, 6) === '#!AMR\n') return type('audio/amr', 'audio', 'amr');
  if (ascii(head, 0, 4) === 'OggS') {
    return (declared ?? '').toLowerCase().startsWith('video/')
      ? type('video/ogg', 'video', 'ogv')
      : type('audio/ogg', 'audio', 'ogg');
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: only the WebM document type (Matroska in general is not accepted).
    if (!ascii(head, 4, Math.min(head.length, SNIFF_BYTES)).includes('webm')) return null;
    return saysAudio(declared) ? type('audio/webm', 'audio', 'weba') : type('video/webm', 'video', 'webm');
  }
  if (ascii(head, 0, 3) === 'ID3' || isMpegAudioFrame(head)) return type('audio/mpeg', 'audio', 'mp3');
  return detectIsoMedia(head, declared);
}

const MAX_NAME_LENGTH = 200;
// C0/C1 control characters, and the invisible bidirectional marks that can disguise an extension
// (`photo\u202Egpj.exe` shows as `photoexe.jpg`).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A file name fit to store and show: no folders (either slash), no control or bidi characters, no
 * leading dots, at most 200 characters (keeping the extension); `attachment.<ext>` when nothing is left.
 */
export function sanitizeFileName(raw: string | undefined, extension: string): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = base.replace(UNSAFE_CHARACTERS, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  if (name === '') return `attachment.${extension}`;
  const characters = [...name];
  if (characters.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? [...name.slice(dot)] : [];
    const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
    name = characters.slice(0, MAX_NAME_LENGTH - keep.length).join('') + keep.join('');
  }
  return name;
}

/**
 * The Content-Disposition of a download: `inline` for pictures, sound and video (shown in the page),
 * `attachment` for documents; an ASCII fallback name and the UTF-8 name (RFC 6266 / RFC 5987).
 */
export function contentDispositionOf(kind: AttachmentKind, fileName: string): string {
  const disposition = kind === 'document' ? 'attachment' : 'inline';
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
