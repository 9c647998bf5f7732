// A local AMQP 0-9-1 peer that misbehaves the way a stuck broker (or something else on its port) does:
// it trickles its handshake a byte at a time, or it completes the handshake and opens channels but
// never answers a queue.declare. It speaks just enough of the protocol for amqplib to get that far.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type AmqpMisbehaviour =
  /** After the client's protocol header, a frame header, then one byte every 20 ms, for ever. */
  | 'trickle-handshake'
  /** A full handshake and channels, but no answer to queue.declare (a passive declare hangs). */
  | 'silent-declare';

export interface HostileAmqp {
  /** `amqp://guest:guest@127.0.0.1:PORT/` */
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** queue.declare methods received so far. */
  declares(): number;
}

const PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
const FRAME_END = 0xce;

function methodFrame(channel: number, classId: number, methodId: number, args: Buffer = Buffer.alloc(0)): Buffer {
  const payload = Buffer.concat([u16(classId), u16(methodId), args]);
  return Buffer.concat([Buffer.from([1]), u16(channel), u32(payload.length), payload, Buffer.from([FRAME_END])]);
}
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const longString = (s: string) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);

const CONNECTION_START = methodFrame(
  0,
  10,
  10,
  Buffer.concat([Buffer.from([0, 9]), u32(0) /* empty server-properties table */, longString('PLAIN'), longString('en_US')]),
);
const CONNECTION_TUNE = methodFrame(0, 10, 30, Buffer.concat([u16(0), u32(131072), u16(0)]));

export async function hostileAmqp(t: { after(fn: () => unknown): void }, misbehaviour: AmqpMisbehaviour): Promise<HostileAmqp> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let declares = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let greeted = false;
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      if (!greeted) {
        if (buffered.length < PROTOCOL_HEADER.length) return;
        buffered = buffered.subarray(PROTOCOL_HEADER.length);
        greeted = true;
        if (misbehaviour === 'trickle-handshake') {
          socket.write(Buffer.from([1, 0, 0, 0, 0, 0, 100])); // a method frame of 100 bytes, which never completes
          const timer = setInterval(() => socket.write(Buffer.from([0])), 20);
          socket.on('close', () => clearInterval(timer));
          return;
        }
        socket.write(CONNECTION_START);
      }
      // Complete frames: type, channel, size, payload, frame end.
      while (buffered.length >= 7 && buffered.length >= 8 + buffered.readUInt32BE(3)) {
        const size = buffered.readUInt32BE(3);
        const type = buffered[0];
        const channel = buffered.readUInt16BE(1);
        const payload = buffered.subarray(7, 7 + size);
        buffered = buffered.subarray(8 + size);
        if (type === 1) answer(socket, channel, payload.readUInt16BE(0), payload.readUInt16BE(2));
      }
    });
  });

  function answer(socket: Socket, channel: number, classId: number, methodId: number): void {
    const method = `${classId}.${methodId}`;
    if (method === '10.11')
      socket.write(CONNECTION_TUNE); // start-ok
    else if (method === '10.40')
      socket.write(methodFrame(0, 10, 41, Buffer.from([0]))); // open → open-ok
    else if (method === '10.50')
      socket.write(methodFrame(0, 10, 51)); // close → close-ok
    else if (method === '20.10')
      socket.write(methodFrame(channel, 20, 11, u32(0))); // channel.open → open-ok
    else if (method === '20.40')
      socket.write(methodFrame(channel, 20, 41)); // channel.close → close-ok
    else if (method === '50.10') declares += 1; // queue.declare: never answered
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    url: `amqp://guest:guest@127.0.0.1:${(server.address() as AddressInfo).port}/`,
    connections: () => connections,
    declares: () => declares,
  };
}
