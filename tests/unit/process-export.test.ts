/**
 * The case ZIP's Chinese file names, as real readers see them: Info-ZIP unzip 6.0 (Debian),
 * Python's zipfile, fflate; and the header bytes Windows Explorer and macOS go by (the
 * UTF-8 flag, bit 11, and the Info-ZIP Unicode Path extra field 0x7075).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipWithNames } from '../../src/lib/process/export.js';

const NAMES = ['B-客户交接计划-KH-20261123-A1B2C3-B2.pdf', 'F-客户交接报告-KH-20261123-A1B2C3-F1.pdf', '客户交接状态.csv', 'readme.txt'];
const COMPLETED = new Date('2026-12-20T02:30:00Z'); // 10:30 in Shanghai

let dir = '';
let zipPath = '';
let zip: Uint8Array;

beforeAll(() => {
  zip = zipWithNames(
    NAMES.map((name, i) => ({ name, data: new TextEncoder().encode(`${name} 的内容 ${i}`), stored: name.endsWith('.pdf') })),
    COMPLETED,
  );
  dir = mkdtempSync(join(tmpdir(), 'case-zip-'));
  zipPath = join(dir, '客户交接.zip');
  writeFileSync(zipPath, zip);
});

/** Every header (local and central) with its flags, name bytes and extra fields. */
function headers(bytes: Uint8Array) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: Array<{ central: boolean; flags: number; name: Uint8Array; extra: Map<number, Uint8Array> }> = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig !== 0x04034b50 && sig !== 0x02014b50) continue;
    const central = sig === 0x02014b50;
    const [flagsAt, nameLenAt, extraLenAt, nameAt] = central ? [8, 28, 30, 46] : [6, 26, 28, 30];
    const nameLen = v.getUint16(i + nameLenAt, true);
    const extraLen = v.getUint16(i + extraLenAt, true);
    const name = bytes.subarray(i + nameAt, i + nameAt + nameLen);
    const extra = new Map<number, Uint8Array>();
    for (let e = i + nameAt + nameLen; e < i + nameAt + nameLen + extraLen; ) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      extra.set(id, bytes.subarray(e + 4, e + 4 + len));
      e += 4 + len;
    }
    found.push({ central, flags: v.getUint16(i + flagsAt, true), name, extra });
  }
  return found;
}

describe('the case ZIP', () => {
  it('marks Chinese names as UTF-8 and repeats them in a Unicode Path field whose CRC matches the header name', () => {
    const hs = headers(zip);
    expect(hs.filter((h) => h.central)).toHaveLength(NAMES.length);
    expect(hs.filter((h) => !h.central)).toHaveLength(NAMES.length);
    for (const h of hs) {
      const name = new TextDecoder().decode(h.name);
      expect(NAMES).toContain(name);
      const field = h.extra.get(0x7075);
      if (/^[\x20-\x7e]*$/.test(name)) {
        expect(field).toBeUndefined();
        continue;
      }
      expect(h.flags & 0x800).toBe(0x800);
      expect(field![0]).toBe(1); // version
      expect(new DataView(field!.buffer, field!.byteOffset).getUint32(1, true)).toBe(crc32(h.name));
      expect(new TextDecoder().decode(field!.subarray(5))).toBe(name);
    }
  });

  it('lists and extracts with Info-ZIP unzip in a UTF-8 locale under the Chinese names', { skip: !existsSync('/usr/bin/unzip') }, () => {
    const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' };
    const listing = execFileSync('/usr/bin/unzip', ['-l', zipPath], { env, encoding: 'utf8' });
    for (const n of NAMES) expect(listing).toContain(n);
    expect(listing).toContain('2026-12-20 02:30'); // the 0x5455 field's UTC time, listed in TZ=UTC
    const out = mkdtempSync(join(dir, 'utf8-'));
    execFileSync('/usr/bin/unzip', ['-q', zipPath, '-d', out], { env });
    expect(readdirSync(out).sort()).toEqual([...NAMES].sort());
    expect(readFileSync(join(out, '客户交接状态.csv'), 'utf8')).toBe('客户交接状态.csv 的内容 2');
  });

  it('in the C locale, unzip names each file by its exact Unicode name (its #U escapes), never by mojibake', { skip: !existsSync('/usr/bin/unzip') }, () => {
    // A C locale cannot spell 客: unzip then writes the Unicode Path field's name as #Uxxxx
    // escapes — lossless, unlike the CP437 guess it made before the field was added.
    const env = { ...process.env, LANG: 'C', LC_ALL: 'C' };
    const unescape = (s: string) => s.replace(/#U([0-9a-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const listing = unescape(execFileSync('/usr/bin/unzip', ['-l', zipPath], { env, encoding: 'latin1' }));
    for (const n of NAMES) expect(listing).toContain(n);
    const out = mkdtempSync(join(dir, 'c-'));
    execFileSync('/usr/bin/unzip', ['-q', zipPath, '-d', out], { env });
    expect(readdirSync(out).map(unescape).sort()).toEqual([...NAMES].sort());
  });

  it('reads back with Python zipfile and with fflate', () => {
    const py = execFileSync('python3', ['-c', 'import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps([(i.filename, i.date_time) for i in z.infolist()], ensure_ascii=False)); z.testzip()', zipPath], { encoding: 'utf8' });
    const entries = JSON.parse(py) as Array<[string, number[]]>;
    expect(entries.map((e) => e[0])).toEqual(NAMES);
    expect(entries[0][1]).toEqual([2026, 12, 20, 10, 30, 0]); // the DOS time is Shanghai's wall clock
    expect(Object.keys(unzipSync(zip))).toEqual(NAMES);
  });
});
