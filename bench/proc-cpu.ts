import { readFileSync } from "node:fs";
import pg from "pg";

/**
 * CPU milliseconds (user + system) a process on this machine has used so far, from /proc (fields 14
 * and 15 of /proc/<pid>/stat, after the command in parentheses, in clock ticks of 10 ms); 0 once
 * it has gone. The API benches read it for the server process and the PostgreSQL backends.
 */
export function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** The pids of the PostgreSQL backends serving database `name` (asked through `adminUrl`'s server). */
export async function backendPids(adminUrl: string, name: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [name],
    );
    return r.rows.map((x) => x.pid);
  } finally {
    await c.end();
  }
}
