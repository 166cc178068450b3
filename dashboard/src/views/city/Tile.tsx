/** One figure of the console or the counter page: a label, the value, and a note under it. */
export function Tile({
  label,
  value,
  note,
  testId,
  valueTestId,
}: {
  label: string;
  value: string | number;
  note?: string;
  testId?: string;
  valueTestId?: string;
}) {
  return (
    <li className="tile" data-testid={testId}>
      <span className="tile-label">{label}</span>
      <span className="tile-value" data-testid={valueTestId}>
        {value}
      </span>
      {note && <span className="tile-note">{note}</span>}
    </li>
  );
}
