// Time formatting for the claims table. Times are seconds since the epoch, as in JWTs.

/** 2025-01-29 01:49:23 UTC */
export function formatUtc(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '';
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** "3 min", "2 h 5 min", "4 days" — the distance between two instants, rounded for reading. */
export function formatDuration(seconds) {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  if (d < 730) return `${d} days`;
  return `${Math.floor(d / 365)} years`;
}

/** "in 3 min" / "3 min ago" / "now". */
export function formatRelative(seconds, now) {
  const delta = seconds - now;
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** The relative phrase for a time claim, worded for that claim: "expired 3 min ago", "valid from in 2 min". */
export function describeTimeClaim(name, seconds, now) {
  const rel = formatRelative(seconds, now);
  switch (name) {
    case 'exp': return seconds <= now ? `expired ${rel}` : `expires ${rel}`;
    case 'nbf': return seconds > now ? `not valid yet (starts ${rel})` : `valid since ${rel}`;
    case 'iat': return seconds > now ? `issued ${rel} (in the future)` : `issued ${rel}`;
    default: return rel;
  }
}

/** UTC "YYYY-MM-DDTHH:MM:SS" for <input type=datetime-local>, which has no zone: we label it UTC. */
export function toInputValue(seconds) {
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** Seconds since the epoch from a datetime-local value read as UTC, or null. */
export function fromInputValue(value) {
  if (!value) return null;
  const ms = Date.parse(value.length === 16 ? `${value}:00Z` : `${value}Z`);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
