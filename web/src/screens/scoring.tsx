export function ScoringConsole(_props: Record<string, unknown>) {
  return <p>ScoringConsole is coming.</p>;
}
