/**
 * A Go module laid out as a module proxy serves it (https://go.dev/ref/mod#goproxy-protocol), so
 * `GOPROXY=file:///…/goproxy,https://proxy.golang.org` resolves it by its module path:
 *
 *   goproxy/<escaped module path>/@v/list              the versions, one a line
 *   goproxy/<escaped module path>/@v/v<ver>.info       {"Version": …, "Time": …}
 *   goproxy/<escaped module path>/@v/v<ver>.mod        the go.mod
 *   goproxy/<escaped module path>/@v/v<ver>.zip        the module's files under <module>@v<ver>/
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

/** The proxy's case encoding: an upper-case letter becomes "!" and its lower case. */
export function escapeModulePath(modulePath: string): string {
    return modulePath.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** `module <path>` of a go.mod. */
export function modulePathOf(goMod: string): string {
    const m = /^module\s+(\S+)\s*$/m.exec(goMod);
    if (!m?.[1]) throw new Error("go.mod has no module line");
    return m[1];
}

const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        table[n] = c >>> 0;
    }
    return table;
})();

function crc32(data: Buffer): number {
    let c = 0xffffffff;
    for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

/** A zip of `files` (name → content), deflated, with a fixed date so equal inputs give equal bytes. */
export function zip(files: [string, Buffer][]): Buffer {
    const local: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    const DOS_TIME = 0; // 00:00:00
    const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1; // 2020-01-01
    for (const [name, content] of files) {
        const nameBuf = Buffer.from(name, "utf8");
        const data = zlib.deflateRawSync(content, { level: 9 });
        const crc = crc32(content);
        const header = Buffer.alloc(30);
        header.writeUInt32LE(0x04034b50, 0);
        header.writeUInt16LE(20, 4); // version needed
        header.writeUInt16LE(0x0800, 6); // UTF-8 names
        header.writeUInt16LE(8, 8); // deflate
        header.writeUInt16LE(DOS_TIME, 10);
        header.writeUInt16LE(DOS_DATE, 12);
        header.writeUInt32LE(crc, 14);
        header.writeUInt32LE(data.length, 18);
        header.writeUInt32LE(content.length, 22);
        header.writeUInt16LE(nameBuf.length, 26);
        header.writeUInt16LE(0, 28);
        const entry = Buffer.alloc(46);
        entry.writeUInt32LE(0x02014b50, 0);
        entry.writeUInt16LE(20, 4); // made by
        entry.writeUInt16LE(20, 6);
        entry.writeUInt16LE(0x0800, 8);
        entry.writeUInt16LE(8, 10);
        entry.writeUInt16LE(DOS_TIME, 12);
        entry.writeUInt16LE(DOS_DATE, 14);
        entry.writeUInt32LE(crc, 16);
        entry.writeUInt32LE(data.length, 20);
        entry.writeUInt32LE(content.length, 24);
        entry.writeUInt16LE(nameBuf.length, 28);
        entry.writeUInt32LE(offset, 42);
        local.push(header, nameBuf, data);
        central.push(entry, nameBuf);
        offset += header.length + nameBuf.length + data.length;
    }
    const centralSize = central.reduce((n, b) => n + b.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(files.length, 8);
    end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...local, ...central, end]);
}

function filesUnder(dir: string, rel = ""): string[] {
    return fs
        .readdirSync(path.join(dir, rel), { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]));
}

/** Writes the module in `moduleDir` (its go.mod at the top) as version `version` (no "v") into the proxy folder `proxy`. */
export function writeGoProxy(moduleDir: string, version: string, proxy: string, time: Date): string {
    const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
    const modulePath = modulePathOf(goMod);
    const v = `v${version}`;
    const dir = path.join(proxy, escapeModulePath(modulePath), "@v");
    fs.mkdirSync(dir, { recursive: true });
    const files = filesUnder(moduleDir).map((f): [string, Buffer] => [`${modulePath}@${v}/${f}`, fs.readFileSync(path.join(moduleDir, f))]);
    fs.writeFileSync(path.join(dir, `${v}.zip`), zip(files));
    fs.writeFileSync(path.join(dir, `${v}.mod`), goMod);
    fs.writeFileSync(path.join(dir, `${v}.info`), `${JSON.stringify({ Version: v, Time: time.toISOString() })}\n`);
    fs.writeFileSync(path.join(dir, "list"), `${v}\n`);
    return modulePath;
}
