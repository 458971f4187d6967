import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../src/core/model/random.ts";
import { winnow } from "./helpers/cli.ts";

function workspace(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), "winnow-train-"));
  const rand = seededRandom(21);
  const lines = ["id,industry,visits,signed_up,won"];
  for (let i = 0; i < rows; i++) {
    const industry = ["Software", "Retail", "Health"][i % 3]!;
    const visits = rand() < 0.1 ? "" : String(Math.floor(rand() * 12));
    const p = (industry === "Software" ? 0.6 : 0.08) + (visits !== "" && Number(visits) > 8 ? 0.3 : 0);
    lines.push(`L${i},${industry},${visits},2025-0${1 + (i % 9)}-1${i % 10},${rand() < p ? "yes" : "no"}`);
  }
  writeFileSync(join(dir, "leads.csv"), `${lines.join("\n")}\n`);
  writeFileSync(
    join(dir, "dataset.json"),
    JSON.stringify({
      name: "tiny",
      file: "leads.csv",
      target: { column: "won", positive: "yes" },
      categorical: ["industry"],
      numeric: ["visits"],
      date: ["signed_up"],
    }),
  );
  return dir;
}

describe("winnow train", () => {
  it("trains, reports held-out metrics, saves a versioned model, and scores rows with reasons", async () => {
    const dir = workspace(600);
    const r = await winnow(
      ["train", "--spec", "dataset.json", "--learner", "gbdt", "--out", "m.json", "--json", "--icp"],
      {},
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.trained).toBe(true);
    expect(report.heldOut.auc).toBeGreaterThan(0.6);
    expect(report.liftByDecile).toHaveLength(10);
    expect(report.icp.rules.length).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(join(dir, "m.json"), "utf8"));
    expect(saved).toMatchObject({ format: "winnow-model", version: 1, learner: "gbdt" });

    const p = await winnow(
      ["train", "--predict", "m.json", "--csv", "leads.csv", "--id", "id", "--json"],
      {},
      dir,
    );
    expect(p.code, p.stderr).toBe(0);
    const lines = p.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(600);
    expect(lines[0].id).toBe("L0");
    expect(lines[0].probability).toBeGreaterThan(0);
    expect(lines[0].reasons.length).toBeGreaterThan(0);
  });

  it("says when there are too few won deals, and rejects unknown learners", async () => {
    const dir = workspace(30);
    const r = await winnow(["train", "--spec", "dataset.json"], {}, dir);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/rules score/);
    const bad = await winnow(["train", "--spec", "dataset.json", "--learner", "forest"], {}, dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown learner/);
  });
});
