import { describe, expect, it } from 'vitest';
import { contentDispositionOf, detectFileType, sanitizeFileName } from './attachment-types.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat([
    ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
    Buffer.alloc(64),
  ]);
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], compatible.join(''));
};

describe('detectFileType', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), undefined, 'image/jpeg', 'image'],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), undefined, 'image/png', 'image'],
    ['GIF', bytes('GIF89a'), undefined, 'image/gif', 'image'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), undefined, 'image/webp', 'image'],
    ['HEIC', ftyp('heic', 'mif1', 'heic'), undefined, 'image/heic', 'image'],
    ['HEIF (mif1 with heic)', ftyp('mif1', 'mif1', 'heic'), undefined, 'image/heic', 'image'],
    ['MP4', ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video/mp4', 'video/mp4', 'video'],
    ['MP4 declared as audio', ftyp('isom', 'isom'), 'audio/mp4', 'audio/mp4', 'audio'],
    ['MOV', ftyp('qt  ', 'qt  '), undefined, 'video/quicktime', 'video'],
    ['M4A', ftyp('M4A ', 'M4A ', 'mp42'), undefined, 'audio/mp4', 'audio'],
    ['3GP', ftyp('3gp4', '3gp4'), undefined, 'video/3gpp', 'video'],
    [
      'WebM',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'),
      undefined,
      'video/webm',
      'video',
    ],
    [
      'WebM voice',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82, 0x84], 'webm'),
      'audio/webm;codecs=opus',
      'audio/webm',
      'audio',
    ],
    ['MP3 with ID3', bytes('ID3', [4, 0, 0]), undefined, 'audio/mpeg', 'audio'],
    ['MP3 frame', bytes([0xff, 0xfb, 0x90, 0x64]), undefined, 'audio/mpeg', 'audio'],
    ['AMR', bytes('#!AMR\n'), undefined, 'audio/amr', 'audio'],
    ['AMR-WB', bytes('#!AMR-WB\n'), undefined, 'audio/amr-wb', 'audio'],
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), undefined, 'audio/wav', 'audio'],
    ['Ogg', bytes('OggS', [0]), undefined, 'audio/ogg', 'audio'],
    ['PDF', bytes('%PDF-1.7'), undefined, 'application/pdf', 'document'],
  ])('%s', (_name, head, declared, contentType, kind) => {
    expect(detectFileType(head, declared)).toMatchObject({ contentType, kind });
  });

  it.each([
    ['HTML claiming to be a picture', bytes('<!doctype html><script>'), 'image/png'],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), 'image/svg+xml'],
    ['a Windows program', bytes('MZ', [0x90, 0]), 'image/jpeg'],
    ['a zip', bytes([0x50, 0x4b, 0x03, 0x04]), 'application/pdf'],
    ['AVI', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'video/x-msvideo'],
    [
      'Matroska (not WebM)',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82, 0x88], 'matroska'),
      'video/x-matroska',
    ],
    ['ADTS AAC (layer 00)', bytes([0xff, 0xf1, 0x50, 0x80]), 'audio/aac'],
    ['an unknown ftyp brand', ftyp('crx ', 'crx '), 'image/x-canon-cr3'],
    ['plain text', bytes('hello'), 'text/plain'],
  ])('refuses %s', (_name, head, declared) => {
    expect(detectFileType(head, declared)).toBeNull();
  });
});

describe('sanitizeFileName', () => {
  it.each([
    ['照片.jpg', '照片.jpg'],
    ['C:\\Users\\me\\Desktop\\现场.png', '现场.png'],
    ['../../etc/passwd', 'passwd'],
    ['a\u0000b\u0007c.pdf', 'abc.pdf'],
    ['photo\u202Egpj.exe', 'photogpj.exe'],
    ['  spaced   out  .mp3 ', 'spaced out .mp3'],
    ['.hidden', 'hidden'],
    ['', 'attachment.jpg'],
    [undefined, 'attachment.jpg'],
    ['///', 'attachment.jpg'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeFileName(raw, 'jpg')).toBe(expected);
  });

  it('caps the name at 200 characters and keeps the extension', () => {
    const name = sanitizeFileName(`${'长'.repeat(300)}.jpeg`, 'jpg');
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
});

describe('contentDispositionOf', () => {
  it('shows pictures, sound and video inline with an RFC 5987 name', () => {
    expect(contentDispositionOf('image', '东湖 "现场".jpg')).toBe(
      `inline; filename="__ ____.jpg"; filename*=UTF-8''%E4%B8%9C%E6%B9%96%20%22%E7%8E%B0%E5%9C%BA%22.jpg`,
    );
    expect(contentDispositionOf('audio', 'a.mp3')).toMatch(/^inline;/);
    expect(contentDispositionOf('video', 'a.mp4')).toMatch(/^inline;/);
  });

  it('downloads documents', () => {
    expect(contentDispositionOf('document', "it's (1).pdf")).toBe(
      `attachment; filename="it's (1).pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`,
    );
  });
});
