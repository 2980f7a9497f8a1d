// Where a cluster's Redis is, as users write it: `redis://:PASSWORD@HOST:PORT` (what
// `tsray start --head` prints), or "auto" for the cluster `tsray start` runs on this
// machine (its session file). TSRAY_ADDRESS stands for either, as RAY_ADDRESS does for Ray.
import { readSessionFile } from "./session-file";

export interface ClusterAddress {
  host: string;
  port: number;
  password: string;
}

export class ClusterAddressError extends Error {}

const FORM = "redis://:PASSWORD@HOST:PORT, as `tsray start --head` prints it";

export function parseAddress(text: string): ClusterAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ClusterAddressError(`"${text}" is not a cluster address: write it as ${FORM}`);
  }
  if (url.protocol !== "redis:") throw new ClusterAddressError(`"${text}" is not a redis:// address: write it as ${FORM}`);
  const password = decodeURIComponent(url.password);
  if (!password) throw new ClusterAddressError(`the address "${text}" has no password: a tsray cluster always has one; write it as ${FORM}`);
  const port = Number(url.port || 6379);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, password };
}

export function formatAddress(address: ClusterAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `redis://:${encodeURIComponent(address.password)}@${host}:${address.port}`;
}

/** The address without its password, for messages and logs. */
export function displayAddress(address: ClusterAddress): string {
  return `${address.host}:${address.port}`;
}

/** `address` as `init` or `tsray start --address` got it ("auto", a URL, or none: TSRAY_ADDRESS). */
export function resolveAddress(address: string | undefined): ClusterAddress {
  const given = address ?? process.env.TSRAY_ADDRESS;
  if (!given) throw new ClusterAddressError(`no cluster address: pass one (${FORM}) or "auto", or set TSRAY_ADDRESS`);
  if (given !== "auto") return parseAddress(given);
  const session = readSessionFile();
  if (!session) {
    throw new ClusterAddressError('address "auto": no cluster was started on this machine (start one with `tsray start --head`, or pass its address)');
  }
  return parseAddress(session.address);
}
