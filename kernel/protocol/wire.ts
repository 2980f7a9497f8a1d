// The Jupyter wire format: identities, delimiter, HMAC signature, then four JSON frames
// (header, parent header, metadata, content) and optional binary buffers.
// https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
import { createHmac, timingSafeEqual, randomUUID } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

export interface Message<C = Record<string, any>> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Signs and verifies frames; an empty key means messages are not signed. */
export class Signer {
  constructor(private readonly key: string, private readonly scheme: string = "hmac-sha256") {}

  sign(frames: Buffer[]): string {
    if (!this.key) return "";
    const hmac = createHmac(this.scheme.replace(/^hmac-/, ""), this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  verify(signature: string, frames: Buffer[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(frames));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export function newHeader(msgType: string, session: string, username = "tsray"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

export function encode(signer: Signer, msg: Omit<Message, "buffers"> & { buffers?: Buffer[] }): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) =>
    Buffer.from(JSON.stringify(part ?? {}))
  );
  return [
    ...msg.identities,
    Buffer.from(DELIMITER),
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...(msg.buffers ?? []),
  ];
}

/** Why a received message was dropped; the kernel logs it and carries on. */
export class WireError extends Error {}

export function decode(signer: Signer, frames: Buffer[]): Message {
  const delimiterAt = frames.findIndex((frame) => frame.toString() === DELIMITER);
  if (delimiterAt < 0) throw new WireError("no <IDS|MSG> delimiter frame");
  if (frames.length < delimiterAt + 6) throw new WireError(`too few frames (${frames.length})`);
  const signature = frames[delimiterAt + 1].toString();
  const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
  if (!signer.verify(signature, parts)) throw new WireError("bad signature");
  const [header, parent_header, metadata, content] = parts.map((part, i) => parseJsonObject(part, i));
  if (typeof header.msg_type !== "string") throw new WireError("header has no msg_type");
  return {
    identities: frames.slice(0, delimiterAt),
    header: header as Header,
    parent_header,
    metadata,
    content,
    buffers: frames.slice(delimiterAt + 6),
  };
}

const PART_NAMES = ["header", "parent header", "metadata", "content"];

function parseJsonObject(frame: Buffer, index: number): Record<string, any> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError(`${PART_NAMES[index]} frame is not JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new WireError(`${PART_NAMES[index]} frame is not a JSON object`);
  }
  return value as Record<string, any>;
}
