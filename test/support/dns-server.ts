import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) for tests: answers A queries for the names it
 * is given, answers other questions with no records, and never answers the names listed as silent —
 * a tenant's dead DNS server, as seen from our resolver.
 */

export interface DnsServer {
  /** `127.0.0.1:<port>`, for `Resolver#setServers`. */
  readonly address: string;
  /** Questions received, by name. */
  readonly questions: string[];
  close(): Promise<void>;
}

export async function startDnsServer(options: {
  answers: Record<string, string>;
  silent: readonly string[];
}): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (query, peer) => {
    const { name, type, end } = parseQuestion(query);
    questions.push(name);
    if (options.silent.includes(name)) return;
    const address = type === 1 ? options.answers[name] : undefined;
    socket.send(answer(query, end, address), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The first question: its name (lower case), type, and where it ends in the packet. */
function parseQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let offset = 12;
  while (query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
    offset += length + 1;
  }
  const type = query.readUInt16BE(offset + 1);
  return { name: labels.join('.').toLowerCase(), type, end: offset + 5 };
}

/** The query's header and question, flagged as an authoritative answer, with one A record or none. */
function answer(query: Buffer, questionEnd: number, address: string | undefined): Buffer {
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(address ? 1 : 0, 6);
  header.writeUInt32BE(0, 8);
  const question = query.subarray(12, questionEnd);
  if (!address) return Buffer.concat([header, question]);
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  record.writeUInt16BE(1, 2); // A
  record.writeUInt16BE(1, 4); // IN
  record.writeUInt32BE(60, 6); // TTL
  record.writeUInt16BE(4, 10);
  address.split('.').forEach((octet, index) => record.writeUInt8(Number(octet), 12 + index));
  return Buffer.concat([header, question, record]);
}
