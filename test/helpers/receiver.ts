import { createServer } from "node:http";

export type Receiver = {
  /** The URL to subscribe (127.0.0.1, a free port). */
  readonly url: string;
  /** Raw bodies received so far, in arrival order. */
  readonly bodies: string[];
  readonly close: () => Promise<void>;
};

/** A real HTTP endpoint on 127.0.0.1 that answers 200 and keeps every body it gets (webhook tests). */
export async function startReceiver(): Promise<Receiver> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      bodies.push(body);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
