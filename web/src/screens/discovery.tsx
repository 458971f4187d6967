export function Discovery(_props: Record<string, unknown>) {
  return <p>Discovery is coming.</p>;
}
