export default function CasesView(_props: Record<string, unknown>) {
  return <h1>CasesView</h1>;
}
