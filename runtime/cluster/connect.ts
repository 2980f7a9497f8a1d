// Connections to a cluster's Redis, and what their failures mean to the user: a wrong
// password and an unreachable server each come back as one line saying what to do.
// ioredis retries a lost connection forever by default; tsray's clients give up after
// RECONNECT_FOR_MS, so that a node cut off from Redis stops instead of hanging.
import { Redis } from "ioredis";
import { ClusterAddress, displayAddress } from "./address";

const CONNECT_TIMEOUT_MS = 3000;
const RECONNECT_FOR_MS = 5000;

const AUTH_FAILURE = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i;

export class ClusterConnectionError extends Error {}

/** The user's reading of a connection failure to `address`. */
export function explainConnectionError(address: ClusterAddress, error: unknown): ClusterConnectionError {
  const detail = error instanceof Error ? error.message : String(error);
  const where = displayAddress(address);
  if (AUTH_FAILURE.test(detail)) {
    return new ClusterConnectionError(
      `the cluster's Redis at ${where} refused the password: use the address \`tsray start --head\` printed (\`tsray status\` on the head shows it)`
    );
  }
  return new ClusterConnectionError(
    `cannot reach the cluster's Redis at ${where} (${detail}): is the head running (\`tsray start --head\`)? Check the address and that this machine can reach that port`
  );
}

export interface ClientOptions {
  /** For BullMQ's workers and queue events, which block (BullMQ asks for null). */
  blocking?: boolean;
}

/** A client that connects at once; `ready` settles when it is connected, or fails with the user's reading. */
export function connectClient(address: ClusterAddress, options: ClientOptions = {}): { redis: Redis; ready: Promise<void> } {
  const started = Date.now();
  const redis = new Redis({
    host: address.host,
    port: address.port,
    password: address.password,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableOfflineQueue: true,
    lazyConnect: false,
    retryStrategy: (times) => (Date.now() - started < RECONNECT_FOR_MS || times < 3 ? Math.min(times * 100, 1000) : null),
  });
  let lastError: unknown;
  redis.on("error", (error) => {
    lastError = error;
    // A refused password stays refused: give up at once rather than retry it for RECONNECT_FOR_MS.
    if (AUTH_FAILURE.test(error.message)) redis.disconnect();
  });
  const ready = new Promise<void>((resolve, reject) => {
    redis.once("ready", resolve);
    redis.once("end", () => reject(explainConnectionError(address, lastError ?? "the connection closed")));
  });
  ready.catch(() => undefined);
  return { redis, ready };
}

/** Connects and checks the password, or fails with the user's reading; the caller quits the client. */
export async function checkedClient(address: ClusterAddress, options: ClientOptions = {}): Promise<Redis> {
  const { redis, ready } = connectClient(address, options);
  try {
    await ready;
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw error instanceof ClusterConnectionError ? error : explainConnectionError(address, error);
  }
}
