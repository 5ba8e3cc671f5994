/**
 * A DynamoDB `SET` update of the given attributes, each through a placeholder name and value
 * (`#aN = :vN`), so any attribute name (reserved words included) can be written. Attributes
 * whose value is undefined are left as stored.
 */
export interface SetExpression {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

export function setExpression(fields: Record<string, unknown>): SetExpression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
      return `#a${i} = :v${i}`;
    });
  return { expression: `SET ${sets.join(', ')}`, names, values };
}
