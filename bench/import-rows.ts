// The leads file bench:import writes (and bench/import-server.ts replays): deterministic rows, 10
// leads per company domain, a spread of titles, stages, sources and dates.

const TITLES = [
  "CEO",
  "VP Sales",
  "Head of Marketing",
  "Sales Manager",
  "Engineer",
  "Intern",
  "CFO",
  "Director of IT",
];
const STAGES = ["new", "new", "new", "mql", "sal", "sql", "recycled"];
const SOURCES = ["webinar", "paid_search", "organic", "referral", "event", "outbound"];
const INDUSTRIES = ["software", "retail", "manufacturing", "finance", "health"];
const COUNTRIES = ["US", "FR", "DE", "GB"];

/** The file's lines, header first, each ending in a newline. */
export function* benchLeadLines(rows: number): Generator<string> {
  yield "email,first_name,last_name,title,company,domain,industry,employees,country,source,stage,created_at\n";
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(i / 10);
    const day = String(1 + (i % 28)).padStart(2, "0");
    yield `lead${i}@company${c}.example,First${i},Last${i},${TITLES[i % TITLES.length]},Company ${c},company${c}.example,${INDUSTRIES[c % INDUSTRIES.length]},${10 + (c % 5000)},${COUNTRIES[c % 4]},${SOURCES[i % SOURCES.length]},${STAGES[i % STAGES.length]},2026-02-${day}T10:00:00Z\n`;
  }
}
