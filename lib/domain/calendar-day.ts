/** UTC calendar days written YYYY-MM-DD (the call log is partitioned by them). */

/** The day before `day`. */
export function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** Every day from `toDay` back to `fromDay`, newest first. */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const days: string[] = [];
  for (let day = toDay; day >= fromDay; day = previousDay(day)) days.push(day);
  return days;
}
