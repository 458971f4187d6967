export function LeadPage(_props: Record<string, unknown>) {
  return <p>LeadPage is coming.</p>;
}
