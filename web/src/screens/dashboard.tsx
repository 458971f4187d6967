export function Dashboard(_props: Record<string, unknown>) {
  return <p>Dashboard is coming.</p>;
}
