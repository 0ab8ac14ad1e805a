import Table from 'cli-table3';

/** A table for people; colors come from picocolors in the cells, none from the table itself. */
export function createTable(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true });
}
