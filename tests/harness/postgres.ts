/**
 * A throwaway PostgreSQL server for tests of Pulumi's `postgres://` state backend (repo tooling, not
 * public): initdb into a temp dir, a server on a free loopback port (and a private unix socket dir),
 * one database, password auth over TCP as a team's server would have. `stop()` stops it and removes
 * everything. The programs come from scripts/ensure-postgres.sh, which installs them where missing
 * (a missing PostgreSQL fails the test; it is never skipped).
 *
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` user (created by
 * Debian's package), else as `nobody`, through runuser.
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../../scripts/pulumi-env";

export interface PostgresServer {
    /** The backend URL for PULUMI_BACKEND_URL (holds the password: never print it). */
    url: string;
    password: string;
    /** Runs one SQL statement in the database; rows as lines, columns separated by `|`. */
    query(sql: string): string[];
    stop(): void;
}

const USER = "pulumi";
const DATABASE = "pulumi_state";

/** The dir holding initdb, pg_ctl, postgres and psql: the last line ensure-postgres.sh prints. */
export function ensurePostgres(): string {
    const out = execFileSync("bash", [path.join(repoRoot(), "scripts", "ensure-postgres.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const dir = out.trim().split("\n").pop()!.trim();
    if (!fs.existsSync(path.join(dir, "initdb")))
        throw new Error(`ensure-postgres.sh printed no PostgreSQL directory: ${JSON.stringify(out)}`);
    return dir;
}

/** As root: the unprivileged account the server runs as (uid, gid, name). */
function serverAccount(): { uid: number; gid: number; name: string } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    for (const name of ["postgres", "nobody"]) {
        try {
            const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
            const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
            return { uid, gid, name };
        } catch {
            // No such user: try the next.
        }
    }
    throw new Error("running as root, but there is neither a postgres nor a nobody user to run PostgreSQL as (initdb refuses root)");
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

export async function startPostgres(): Promise<PostgresServer> {
    const bin = ensurePostgres();
    const account = serverAccount();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "zego-pg-"));
    const data = path.join(root, "data");
    const socketDir = path.join(root, "sock");
    const pwfile = path.join(root, "pw");
    const password = randomBytes(12).toString("hex");
    fs.mkdirSync(socketDir);
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    if (account) for (const p of [root, socketDir, pwfile]) fs.chownSync(p, account.uid, account.gid);
    // As root, every server program runs as the account; its output goes into the error if it fails.
    const run = (program: string, args: string[], env: NodeJS.ProcessEnv = process.env): string => {
        const [file, argv] = account
            ? ["runuser", ["-u", account.name, "--", path.join(bin, program), ...args]]
            : [path.join(bin, program), args];
        try {
            return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env, cwd: root });
        } catch (e) {
            const err = e as { stdout?: string; stderr?: string; message: string };
            throw new Error(`${program} ${args.join(" ")} failed: ${(err.stderr || err.stdout || err.message).trim()}`);
        }
    };
    let port = 0;
    let started = false;
    const stop = () => {
        if (started) {
            try {
                run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
            } catch {
                // Already gone; the directory is removed below either way.
            }
        }
        fs.rmSync(root, { recursive: true, force: true });
    };
    try {
        // Local (socket) connections trust the account, TCP ones need the password, as on a team's server.
        run("initdb", [
            "-D",
            data,
            "-U",
            USER,
            `--pwfile=${pwfile}`,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        // A free port can be taken by another process before the server binds it: try a few.
        for (let attempt = 1; !started; attempt++) {
            port = await freePort();
            const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${socketDir} -c fsync=off -c full_page_writes=off`;
            try {
                run("pg_ctl", ["-D", data, "-l", path.join(root, "server.log"), "-w", "-t", "30", "-o", options, "start"]);
                started = true;
            } catch (e) {
                if (attempt >= 3) throw new Error(`${(e as Error).message}\n${fs.readFileSync(path.join(root, "server.log"), "utf8")}`);
            }
        }
        run("psql", ["-h", socketDir, "-p", String(port), "-U", USER, "-d", "postgres", "-q", "-c", `CREATE DATABASE ${DATABASE}`]);
    } catch (e) {
        stop();
        throw e;
    }
    return {
        url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}?sslmode=disable`,
        password,
        query: (sql) =>
            run("psql", ["-h", socketDir, "-p", String(port), "-U", USER, "-d", DATABASE, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
                .split("\n")
                .filter((line) => line !== ""),
        stop,
    };
}
