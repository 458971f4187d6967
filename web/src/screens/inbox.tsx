export function Inbox(_props: Record<string, unknown>) {
  return <p>Inbox is coming.</p>;
}
